//! Native forward pass of the embedded model on fixed inputs (the librosa
//! feature vectors of a few golden fixtures), stored in
//! tests/browser/model_probabilities.json so that the browser suite can
//! check that the WebAssembly build computes the same probabilities.
//! After retraining, rewrite the file with
//! `UPDATE_MODEL_PROBABILITIES=1 cargo test --test native model_probabilities`.

use std::path::Path;

use genre_classifier::{Model, N_FEATURES};
use serde_json::{json, Value};

/// Golden fixtures whose feature vectors are the inputs.
const INPUTS: [&str; 4] = [
    "tone_1s",
    "white_noise",
    "chord_c_major_sharp",
    "pink_noise",
];
/// Largest accepted difference between stored and computed probabilities.
const TOLERANCE: f64 = 1e-6;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn input(name: &str) -> [f32; N_FEATURES] {
    let path = root().join(format!("tests/parity/golden/{name}.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut x = [0.0f32; N_FEATURES];
    for (o, f) in x.iter_mut().zip(v["features"].as_array().unwrap()) {
        *o = f.as_f64().unwrap() as f32;
    }
    x
}

#[test]
fn stored_probabilities_are_the_native_ones() {
    let model = Model::embedded().expect("embedded model");
    let native: Vec<Vec<f32>> = INPUTS.iter().map(|n| model.predict(&input(n))).collect();
    let file = root().join("tests/browser/model_probabilities.json");
    if std::env::var_os("UPDATE_MODEL_PROBABILITIES").is_some() {
        let value = json!({ "genres": model.genres(), "inputs": INPUTS, "probabilities": native });
        std::fs::write(&file, serde_json::to_string_pretty(&value).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(stored["inputs"], json!(INPUTS));
    assert_eq!(stored["genres"], json!(model.genres()));
    for (name, (want, got)) in INPUTS.iter().zip(
        stored["probabilities"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&native),
    ) {
        let want = want.as_array().unwrap();
        assert_eq!(want.len(), got.len(), "{name}");
        for (w, g) in want.iter().zip(got) {
            let w = w.as_f64().unwrap();
            assert!(
                (w - *g as f64).abs() <= TOLERANCE,
                "{name}: stored {w}, native {g}; rerun with UPDATE_MODEL_PROBABILITIES=1 after retraining"
            );
        }
    }
}
