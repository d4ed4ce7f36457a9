//! Bad input surfaces as a `GenreError` with the contract's code, never as a
//! trap, and the module keeps working afterwards.

use genre_classifier::wasm;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{error_parts, signal};

fn expect_error(result: Result<Vec<f32>, wasm_bindgen::JsValue>, code: &str) -> String {
    let err = result.expect_err("bad input was accepted");
    let (name, got_code, message) = error_parts(&err);
    assert_eq!(name, "GenreError");
    assert_eq!(got_code, code, "{message}");
    assert!(!message.is_empty());
    message
}

#[wasm_bindgen_test]
async fn empty_input() {
    crate::yield_to_browser().await;
    expect_error(wasm::features_js(&[], 22050.0), "empty");
}

#[wasm_bindgen_test]
async fn too_short_input_names_the_minimum() {
    crate::yield_to_browser().await;
    let message = expect_error(wasm::features_js(&[0.1; 100], 44100.0), "too-short");
    let min = genre_classifier::limits::min_samples(44100).to_string();
    assert!(message.contains(&min), "{message}");
}

#[wasm_bindgen_test]
async fn non_finite_sample_names_its_index() {
    crate::yield_to_browser().await;
    let mut y = signal(1.0, 22050);
    y[1234] = f32::NAN;
    let message = expect_error(wasm::features_js(&y, 22050.0), "non-finite");
    assert!(message.contains("1234"), "{message}");
    y[1234] = f32::INFINITY;
    expect_error(wasm::features_js(&y, 22050.0), "non-finite");
}

#[wasm_bindgen_test]
async fn bad_sample_rates() {
    crate::yield_to_browser().await;
    let y = signal(1.0, 22050);
    for rate in [
        0.0,
        -22050.0,
        22050.5,
        f64::NAN,
        f64::INFINITY,
        1e12,
        7999.0,
        192_001.0,
    ] {
        expect_error(wasm::features_js(&y, rate), "sample-rate");
    }
}

#[wasm_bindgen_test]
async fn module_keeps_working_after_errors() {
    crate::yield_to_browser().await;
    let y = signal(1.0, 22050);
    let _ = wasm::features_js(&[], 22050.0);
    let _ = wasm::features_js(&y, f64::NAN);
    let v = wasm::features_js(&y, 22050.0).expect("valid input");
    assert_eq!(v.len(), genre_classifier::N_FEATURES);
    assert!(v.iter().all(|x| x.is_finite()));
}
