//! WebAssembly bindings: the JavaScript-facing API over the core.
//!
//! Every function takes mono samples as a `Float32Array` and the sample rate
//! in Hz, and either returns a plain JavaScript value or throws an `Error`
//! whose `name` is `"GenreError"` and whose `code` names the failure (see
//! [`Error::code`]). Bad input never traps the module.

use wasm_bindgen::prelude::*;

use crate::classify::Classification;
use crate::error::Error;

/// Installs a panic hook that reports panics on the console. Panics are bugs
/// (library code returns typed errors); the hook only aids diagnosis.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("genre-classifier panicked: {info}").into());
    }));
}

/// A JavaScript `Error` named `GenreError` carrying `code`.
fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("GenreError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_error(e.code(), &e.to_string())
    }
}

/// Checks that a JavaScript number is a whole, positive sample rate.
fn sample_rate(rate: f64) -> Result<u32, JsValue> {
    if rate.is_finite() && rate.fract() == 0.0 && rate >= 1.0 && rate <= u32::MAX as f64 {
        Ok(rate as u32)
    } else {
        Err(js_error(
            "sample-rate",
            &format!("the sample rate must be a whole positive number of Hz, got {rate}"),
        ))
    }
}

/// The 498-float feature vector of mono `samples` at `sampleRate` Hz.
#[wasm_bindgen(js_name = features)]
pub fn features_js(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] rate: f64,
) -> Result<Vec<f32>, JsValue> {
    let v = crate::features::features(samples, sample_rate(rate)?)?;
    Ok(v.to_vec())
}

/// Length of the feature vector.
#[wasm_bindgen(js_name = featureCount)]
pub fn feature_count() -> usize {
    crate::layout::N_FEATURES
}

/// Shortest input accepted at `sampleRate`, in samples.
#[wasm_bindgen(js_name = minSamples)]
pub fn min_samples(#[wasm_bindgen(js_name = sampleRate)] rate: f64) -> Result<usize, JsValue> {
    Ok(crate::limits::min_samples(sample_rate(rate)?))
}

/// `c` as a plain JavaScript object: the serde form of [`Classification`].
fn to_js(c: &Classification) -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(c)
        .map_err(|e| js_error("internal", &format!("cannot convert the result: {e}")))
}

/// Classifies mono `samples` at `sampleRate` Hz with the embedded model.
///
/// With `melColumns` above 0 the result also holds `mel`, the
/// [`melImage`](mel_image_js) of the same samples, which are checked and
/// resampled once for both.
///
/// `onProgress(done, total)`, when given, is called before the first
/// analysis window and after each; returning `false` cancels (the call then
/// throws a `GenreError` with code `"cancelled"`). An exception thrown by the
/// callback ends the call and is rethrown.
#[wasm_bindgen(js_name = classify)]
pub fn classify_js(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] rate: f64,
    #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
    #[wasm_bindgen(js_name = melColumns)] mel_columns: Option<f64>,
) -> Result<JsValue, JsValue> {
    classify_with(
        crate::Model::embedded()?,
        samples,
        rate,
        on_progress,
        mel_columns,
    )
}

/// The analysis windows' features of mono `samples` at `sampleRate` Hz,
/// with the embedded model's window and hop: see [`JsModel::window_features`].
#[wasm_bindgen(js_name = windowFeatures)]
pub fn window_features_js(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] rate: f64,
    #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    window_features_with(crate::Model::embedded()?, samples, rate, on_progress)
}

/// A model loaded once from its file's bytes (a personal model, or any
/// model file), held by JavaScript and used for many calls.
#[wasm_bindgen(js_name = Model)]
pub struct JsModel {
    model: crate::Model,
}

#[wasm_bindgen(js_class = Model)]
impl JsModel {
    /// Decodes and validates a model file; throws a `GenreError` with code
    /// `"model"` when the bytes are not a valid model of this format.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<JsModel, JsValue> {
        Ok(JsModel {
            model: crate::Model::from_bytes(bytes)?,
        })
    }

    /// The embedded model.
    pub fn embedded() -> Result<JsModel, JsValue> {
        Ok(JsModel {
            model: crate::Model::embedded()?.clone(),
        })
    }

    /// The output classes (genres or a personal model's labels), in order.
    #[wasm_bindgen(getter)]
    pub fn genres(&self) -> Vec<String> {
        self.model.genres().to_vec()
    }

    /// Length of an analysis window, in seconds.
    #[wasm_bindgen(getter, js_name = windowS)]
    pub fn window_s(&self) -> f32 {
        self.model.window_s()
    }

    /// Hop between analysis windows, in seconds.
    #[wasm_bindgen(getter, js_name = hopS)]
    pub fn hop_s(&self) -> f32 {
        self.model.hop_s()
    }

    /// Classifies mono `samples` with this model, as the free `classify`.
    pub fn classify(
        &self,
        samples: &[f32],
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
        #[wasm_bindgen(js_name = melColumns)] mel_columns: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        classify_with(&self.model, samples, rate, on_progress, mel_columns)
    }

    /// The 498 raw features of each analysis window of mono `samples` at
    /// `sampleRate` Hz (the windows `classify` uses, at this model's window
    /// and hop): `{ windows, features: Float32Array (windows x 498, row
    /// after row), windowS, hopS }`. Silence throws `"no-music"`, as in
    /// classification; `onProgress` as in `classify`.
    #[wasm_bindgen(js_name = windowFeatures)]
    pub fn window_features(
        &self,
        samples: &[f32],
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        window_features_with(&self.model, samples, rate, on_progress)
    }
}

/// A progress callback over `onProgress(done, total)`: `false` from it
/// cancels; what it throws is kept in `thrown`.
fn progress_of<'a>(
    on_progress: &'a Option<js_sys::Function>,
    thrown: &'a mut Option<JsValue>,
) -> impl FnMut(usize, usize) -> bool + 'a {
    move |done: usize, total: usize| match on_progress {
        None => true,
        Some(f) => match f.call2(
            &JsValue::NULL,
            &(done as f64).into(),
            &(total as f64).into(),
        ) {
            Ok(v) => v.as_bool() != Some(false),
            Err(e) => {
                *thrown = Some(e);
                false
            }
        },
    }
}

fn classify_with(
    model: &crate::Model,
    samples: &[f32],
    rate: f64,
    on_progress: Option<js_sys::Function>,
    mel_columns: Option<f64>,
) -> Result<JsValue, JsValue> {
    let signal = crate::Signal::new(samples, sample_rate(rate)?)?;
    let mut thrown = None;
    let result = model.classify_signal(&signal, &mut progress_of(&on_progress, &mut thrown));
    if let Some(e) = thrown {
        return Err(e);
    }
    let out = to_js(&result?)?;
    let columns = columns(mel_columns.unwrap_or(0.0));
    if columns > 0 {
        let image = crate::mel_image_of(&signal, columns)?;
        js_sys::Reflect::set(&out, &JsValue::from_str("mel"), &mel_to_js(&image)?)?;
    }
    Ok(out)
}

fn window_features_with(
    model: &crate::Model,
    samples: &[f32],
    rate: f64,
    on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let signal = crate::Signal::new(samples, sample_rate(rate)?)?;
    let mut thrown = None;
    let rows = model.window_features(&signal, &mut progress_of(&on_progress, &mut thrown));
    if let Some(e) = thrown {
        return Err(e);
    }
    let rows = rows?;
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let out = js_sys::Object::new();
    let set =
        |key: &str, value: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(key), &value);
    set("windows", (rows.len() as f64).into())?;
    set("features", js_sys::Float32Array::from(&flat[..]).into())?;
    set("windowS", model.window_s().into())?;
    set("hopS", model.hop_s().into())?;
    Ok(out.into())
}

/// Mel spectrogram of mono `samples` at `sampleRate` Hz in dB, for display:
/// `{ nMels, nColumns, secondsPerColumn, db }` with `db` a `Float32Array`,
/// row-major (`db[mel * nColumns + column]`, row 0 the lowest band) and at
/// most `maxColumns` columns.
#[wasm_bindgen(js_name = melImage)]
pub fn mel_image_js(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] rate: f64,
    #[wasm_bindgen(js_name = maxColumns)] max_columns: f64,
) -> Result<JsValue, JsValue> {
    let image = crate::mel_image(samples, sample_rate(rate)?, columns(max_columns))?;
    mel_to_js(&image)
}

/// A column count from JavaScript; anything but a positive number becomes
/// 0, which the mel image rejects.
fn columns(n: f64) -> usize {
    if n.is_finite() && n > 0.0 {
        n as usize
    } else {
        0
    }
}

/// `{ nMels, nColumns, secondsPerColumn, db }` of `image`.
fn mel_to_js(image: &crate::MelImage) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    let set =
        |key: &str, value: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(key), &value);
    set("nMels", (image.n_mels as f64).into())?;
    set("nColumns", (image.n_columns as f64).into())?;
    set("secondsPerColumn", image.seconds_per_column.into())?;
    set("db", js_sys::Float32Array::from(&image.db[..]).into())?;
    Ok(out.into())
}
