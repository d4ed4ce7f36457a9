//! WebAssembly bindings: the JavaScript-facing API over the core.
//!
//! Every function takes mono samples as a `Float32Array` and the sample rate
//! in Hz, and either returns a plain JavaScript value or throws an `Error`
//! whose `name` is `"GenreError"` and whose `code` names the failure (see
//! [`Error::code`]). Bad input never traps the module.

use wasm_bindgen::prelude::*;

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
    Ok(crate::features::min_samples(sample_rate(rate)?))
}
