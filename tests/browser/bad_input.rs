//! The bad-input matrix in the browser: each awkward input gives 498 finite
//! floats or a `GenreError` with the contract's code, and a long input
//! grows the module's memory by a bounded amount.

use genre_classifier::input::downmix;
use genre_classifier::limits::{min_samples, MAX_AMPLITUDE, MIN_SAMPLES};
use genre_classifier::wasm;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{error_parts, signal};

fn finite_features(samples: &[f32], rate: f64, what: &str) {
    let v = wasm::features_js(samples, rate)
        .unwrap_or_else(|e| panic!("{what}: {:?}", error_parts(&e)));
    assert_eq!(v.len(), genre_classifier::N_FEATURES, "{what}");
    assert!(v.iter().all(|x| x.is_finite()), "{what}");
}

fn error_code(samples: &[f32], rate: f64) -> String {
    let err = wasm::features_js(samples, rate).expect_err("bad input was accepted");
    let (name, code, _) = error_parts(&err);
    assert_eq!(name, "GenreError");
    code
}

#[wasm_bindgen_test]
fn lengths_at_the_edges() {
    let y = signal(1.0, 22050);
    assert_eq!(error_code(&y[..1], 22050.0), "too-short");
    assert_eq!(error_code(&y[..MIN_SAMPLES - 1], 22050.0), "too-short");
    finite_features(&y[..MIN_SAMPLES], 22050.0, "one frame");
    let y = signal(1.0, 192_000);
    let min = min_samples(192_000);
    assert_eq!(error_code(&y[..min - 1], 192_000.0), "too-short");
}

#[wasm_bindgen_test]
fn silence_dc_square_and_denormals() {
    let n = 2 * 22050;
    finite_features(&vec![0.0; n], 22050.0, "all zeros");
    finite_features(&vec![0.5; n], 22050.0, "DC offset");
    let square: Vec<f32> = (0..n)
        .map(|i| if (i / 50) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    finite_features(&square, 22050.0, "full-scale square wave");
    let tiny = f32::from_bits(1);
    let denormal: Vec<f32> = (0..n)
        .map(|i| if i % 2 == 0 { tiny } else { -tiny })
        .collect();
    finite_features(&denormal, 22050.0, "denormals");
    let loud: Vec<f32> = square.iter().map(|x| x * MAX_AMPLITUDE).collect();
    finite_features(&loud, 22050.0, "square wave at the largest amplitude");
}

#[wasm_bindgen_test]
fn non_finite_and_too_loud_samples() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -3e38] {
        let mut y = signal(1.0, 22050);
        y[500] = bad;
        assert_eq!(error_code(&y, 22050.0), "non-finite", "{bad}");
    }
}

#[wasm_bindgen_test]
fn rates_at_the_limits() {
    for rate in [8_000u32, 192_000] {
        finite_features(&signal(2.0, rate), rate as f64, &format!("{rate} Hz"));
    }
}

#[wasm_bindgen_test]
fn five_channels_downmixed() {
    let mono = signal(1.5, 44_100);
    let interleaved: Vec<f32> = mono
        .iter()
        .flat_map(|&x| [x, 0.5 * x, -x, x, 0.1])
        .collect();
    let mixed = downmix(&interleaved, 5).unwrap();
    assert_eq!(mixed.len(), mono.len());
    finite_features(&mixed, 44_100.0, "5-channel downmix");
}

/// Current size of the module's linear memory, in bytes.
fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

#[wasm_bindgen_test]
fn one_hour_grows_memory_by_a_bounded_amount() {
    let n = 3600 * 22050;
    let mut y = signal(1.0, 22050);
    let second = y.clone();
    y.reserve(n - y.len());
    while y.len() < n {
        y.extend_from_slice(&second[..second.len().min(n - y.len())]);
    }
    let input = (n * 4) as f64;
    let before = memory_bytes();
    finite_features(&y, 22050.0, "one hour");
    let grown = memory_bytes() - before;
    // Generous: a copy of the input and 64 MiB of working state.
    assert!(
        grown <= input + (64 << 20) as f64,
        "memory grew by {grown} bytes for {input} bytes of input"
    );
}
