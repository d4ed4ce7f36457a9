//! Browser suites: the WebAssembly bindings run in headless Chromium and
//! Firefox through wasm-bindgen-test-runner (see the README's test command).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod bad_input;
mod errors;
mod fft;
#[path = "../common/measure.rs"]
mod measure;
mod mel;
mod model;
mod parity;
#[path = "../common/rng.rs"]
mod rng;
#[path = "../common/signals.rs"]
mod signals;
#[path = "../common/split_fft.rs"]
mod split_fft;

/// The `name`, `code` and `message` of a thrown JavaScript error.
pub fn error_parts(err: &JsValue) -> (String, String, String) {
    let get = |key: &str| {
        js_sys::Reflect::get(err, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    (get("name"), get("code"), get("message"))
}

/// A deterministic test signal: two sines and a little noise, at `sample_rate`.
pub fn signal(seconds: f32, sample_rate: u32) -> Vec<f32> {
    let n = (seconds * sample_rate as f32) as usize;
    let mut state = 0x2545_f491_u32;
    (0..n)
        .map(|i| {
            let t = i as f32 / sample_rate as f32;
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state as f32 / u32::MAX as f32 - 0.5) * 0.02;
            0.5 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()
                + 0.25 * (2.0 * std::f32::consts::PI * 660.0 * t).sin()
                + noise
        })
        .collect()
}
