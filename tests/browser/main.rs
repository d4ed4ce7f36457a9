//! Browser suites: the WebAssembly bindings run in headless Chromium and
//! Firefox through wasm-bindgen-test-runner (see the README's test command).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod allocations;
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

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);
}

/// Returns to the browser's event loop once (a `setTimeout(0)` promise).
///
/// wasm-bindgen-test runs synchronous tests back to back in one task, so a
/// suite of them keeps the page busy from the first to the last, and the
/// runner's WebDriver requests for the page's output wait all that time
/// (under load chromedriver has given up on them: "Timed out receiving
/// message from renderer"). Every test here is `async` and starts with
/// this, so that the page runs one test per task and answers in between;
/// longer tests also call it between their steps.
pub async fn yield_to_browser() {
    let tick = js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, 0));
    wasm_bindgen_futures::JsFuture::from(tick)
        .await
        .expect("setTimeout promise");
}

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

/// A deterministic test signal: two sines and a little noise (the one
/// seeded generator of tests/common), at `sample_rate`.
pub fn signal(seconds: f32, sample_rate: u32) -> Vec<f32> {
    let n = (seconds * sample_rate as f32) as usize;
    let mut rng = rng::Rng::new(0x2545_f491);
    (0..n)
        .map(|i| {
            let t = i as f32 / sample_rate as f32;
            let noise = (rng.uniform() as f32 - 0.5) * 0.02;
            0.5 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()
                + 0.25 * (2.0 * std::f32::consts::PI * 660.0 * t).sin()
                + noise
        })
        .collect()
}
