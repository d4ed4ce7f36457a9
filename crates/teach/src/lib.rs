//! The teach WebAssembly module: personal models trained in the browser
//! (or Node.js) by the one training core, `genre-trainer`, over the model
//! embedded in the classifier (its input transform, standardisation and
//! hidden layers). A module of its own, loaded only when a user trains, so
//! that the classifier's download does not grow.
//!
//! Errors are thrown as JavaScript `Error`s named `GenreError` with the
//! `code` of [`Error::code`] (`"training"` for unusable examples,
//! `"cancelled"`, `"model"`), as the classifier's are. No input makes the
//! module panic: [`teach_flat`] checks everything first.

use genre_classifier::{Error, Model};
use genre_trainer::estimate::Outcome;
use genre_trainer::{teach, Mode, Progress, Settings, SongSet, Taught, DEFAULT_MODE};
use wasm_bindgen::prelude::*;

/// Largest seed: JavaScript numbers hold whole numbers exactly up to 2^53.
pub const MAX_SEED: f64 = 9_007_199_254_740_992.0;

/// Trains a personal model from flat inputs, as the JavaScript API passes
/// them: `labels`, each song's label index and window count, the windows'
/// features (498 each, song after song), a whole `seed` in 0..=2^53 and a
/// mode name (`"frozen"`, `"fine-tune"`, or empty for the default). The
/// base model is the embedded one.
pub fn teach_flat(
    labels: Vec<String>,
    song_labels: &[u32],
    song_windows: &[u32],
    features: &[f32],
    seed: f64,
    mode: &str,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Taught, Error> {
    if !(seed.is_finite() && seed.fract() == 0.0 && (0.0..=MAX_SEED).contains(&seed)) {
        return Err(Error::Training {
            reason: format!("the seed must be a whole number from 0 to 2^53, got {seed}"),
        });
    }
    let mode = if mode.is_empty() {
        DEFAULT_MODE
    } else {
        Mode::from_name(mode)?
    };
    let to_usize = |v: &[u32]| v.iter().map(|&x| x as usize).collect::<Vec<_>>();
    let set = SongSet::new(
        labels,
        &to_usize(song_labels),
        &to_usize(song_windows),
        features.to_vec(),
    )?;
    teach(
        Model::embedded()?,
        &set,
        &Settings::new(mode),
        seed as u64,
        progress,
    )
}

/// A JavaScript `Error` named `GenreError` carrying the error's `code`.
fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("GenreError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

/// Sets `key` on a plain object (cannot fail on a fresh object).
fn set(obj: &js_sys::Object, key: &str, value: JsValue) {
    let _ = js_sys::Reflect::set(obj, &key.into(), &value);
}

/// Trains a personal model on the embedded model (see [`teach_flat`]).
///
/// `onProgress({ stage, fraction, epoch, epochs, loss })`, when given, is
/// called after each epoch of each training (`stage` "estimate" for the
/// cross-validation folds, then "train" for the final model; `fraction` of
/// the whole work in [0, 1]); returning `false` cancels (a `GenreError`
/// with code "cancelled"); what it throws is rethrown.
///
/// Returns `{ bytes: Uint8Array, labels, mode, lossCurve: Float32Array (the
/// final training's loss per epoch), estimate, counts: [{ label, songs,
/// windows }] }` where `estimate` is `{ available: true, folds, songs,
/// accuracy, balancedAccuracy, recall: number[] (per label), confusion:
/// number[][] (rows: true label) }` or `{ available: false, reason }`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn train(
    labels: Vec<String>,
    #[wasm_bindgen(js_name = songLabels)] song_labels: &[u32],
    #[wasm_bindgen(js_name = songWindows)] song_windows: &[u32],
    features: &[f32],
    seed: f64,
    mode: &str,
    #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let mut thrown = None;
    let mut progress = |p: &Progress| match &on_progress {
        None => true,
        Some(f) => {
            let o = js_sys::Object::new();
            set(&o, "stage", p.stage.name().into());
            set(&o, "fraction", p.fraction.into());
            set(&o, "epoch", (p.epoch as f64).into());
            set(&o, "epochs", (p.epochs as f64).into());
            set(&o, "loss", p.loss.into());
            match f.call1(&JsValue::NULL, &o) {
                Ok(v) => v.as_bool() != Some(false),
                Err(e) => {
                    thrown = Some(e);
                    false
                }
            }
        }
    };
    let mode_name = mode.to_string();
    let result = teach_flat(
        labels,
        song_labels,
        song_windows,
        features,
        seed,
        mode,
        &mut progress,
    );
    if let Some(e) = thrown {
        return Err(e);
    }
    let taught = result.map_err(|e| js_error(&e))?;
    Ok(to_js(&taught, &mode_name))
}

/// The result object of [`train`].
fn to_js(t: &Taught, mode: &str) -> JsValue {
    let labels = t.personal.model.genres();
    let out = js_sys::Object::new();
    set(
        &out,
        "bytes",
        js_sys::Uint8Array::from(&t.personal.bytes[..]).into(),
    );
    let names = js_sys::Array::new();
    for l in labels {
        names.push(&l.into());
    }
    set(&out, "labels", names.into());
    let mode = if mode.is_empty() {
        DEFAULT_MODE.name()
    } else {
        mode
    };
    set(&out, "mode", mode.into());
    set(
        &out,
        "lossCurve",
        js_sys::Float32Array::from(&t.personal.loss_curve[..]).into(),
    );
    let estimate = js_sys::Object::new();
    match &t.estimate {
        Outcome::Estimate(e) => {
            set(&estimate, "available", true.into());
            set(&estimate, "folds", (e.folds as f64).into());
            set(&estimate, "songs", (e.songs as f64).into());
            set(&estimate, "accuracy", e.accuracy.into());
            set(&estimate, "balancedAccuracy", e.balanced_accuracy.into());
            let recall = js_sys::Array::new();
            for r in &e.recall {
                recall.push(&(*r).into());
            }
            set(&estimate, "recall", recall.into());
            let confusion = js_sys::Array::new();
            for row in &e.confusion {
                let r = js_sys::Array::new();
                for &n in row {
                    r.push(&(n as f64).into());
                }
                confusion.push(&r);
            }
            set(&estimate, "confusion", confusion.into());
        }
        Outcome::Unavailable { reason } => {
            set(&estimate, "available", false.into());
            set(&estimate, "reason", reason.as_str().into());
        }
    }
    set(&out, "estimate", estimate.into());
    let counts = js_sys::Array::new();
    for (i, l) in labels.iter().enumerate() {
        let c = js_sys::Object::new();
        set(&c, "label", l.into());
        set(&c, "songs", (t.songs[i] as f64).into());
        set(&c, "windows", (t.windows[i] as f64).into());
        counts.push(&c);
    }
    set(&out, "counts", counts.into());
    out.into()
}

/// The mode personal models train in by default: `"frozen"` or `"fine-tune"`.
#[wasm_bindgen(js_name = defaultMode)]
pub fn default_mode() -> String {
    DEFAULT_MODE.name().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use genre_classifier::N_FEATURES;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("label {i}")).collect()
    }

    fn code(r: Result<Taught, Error>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let f = vec![0.1f32; 2 * N_FEATURES];
        let go = |l: Vec<String>, sl: &[u32], sw: &[u32], f: &[f32], seed: f64, mode: &str| {
            code(teach_flat(l, sl, sw, f, seed, mode, &mut |_| true))
        };
        assert_eq!(go(labels(1), &[0], &[2], &f, 1.0, ""), "training");
        assert_eq!(go(labels(21), &[0, 1], &[1, 1], &f, 1.0, ""), "training");
        assert_eq!(
            go(labels(2), &[0, 1], &[1, 1], &f, f64::NAN, ""),
            "training"
        );
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &f, -1.0, ""), "training");
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &f, 0.5, ""), "training");
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &f, 1.0, "thaw"), "training");
        assert_eq!(go(labels(2), &[0, 1], &[1], &f, 1.0, ""), "training");
        assert_eq!(
            go(labels(2), &[0, 1], &[1, 1], &f[1..], 1.0, ""),
            "training"
        );
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &[], 1.0, ""), "training");
        assert_eq!(go(labels(2), &[], &[], &[], 1.0, ""), "training");
        let mut nan = f.clone();
        nan[7] = f32::NAN;
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &nan, 1.0, ""), "training");
        let mut inf = f.clone();
        inf[N_FEATURES] = f32::NEG_INFINITY;
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &inf, 1.0, ""), "training");
        assert_eq!(
            go(labels(2), &[0, 1], &[u32::MAX, u32::MAX], &f, 1.0, ""),
            "training"
        );
        // Two songs, one per label: a model, but no estimate.
        let t = teach_flat(labels(2), &[0, 1], &[1, 1], &f, 1.0, "", &mut |_| true).unwrap();
        assert!(matches!(t.estimate, Outcome::Unavailable { .. }));
        // Extreme but finite features train without panicking.
        let mut big = f.clone();
        big[3] = f32::MAX;
        big[N_FEATURES + 4] = -f32::MAX;
        assert_eq!(go(labels(2), &[0, 1], &[1, 1], &big, 1.0, ""), "ok");
        // Cancelled from the progress callback.
        let r = teach_flat(labels(2), &[0, 1], &[1, 1], &f, 1.0, "", &mut |_| false);
        assert_eq!(code(r), "cancelled");
    }
}
