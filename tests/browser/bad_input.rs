//! The bad-input matrix in the browser: each awkward input gives 498 finite
//! floats or a `GenreError` with the contract's code, and the memory the
//! analysis allocates does not grow with the input's length.

use genre_classifier::dsp::stft::n_frames;
use genre_classifier::input::downmix;
use genre_classifier::limits::{min_samples, MAX_AMPLITUDE, MIN_SAMPLES};
use genre_classifier::wasm;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::allocations::peak_during;
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
async fn lengths_at_the_edges() {
    crate::yield_to_browser().await;
    let y = signal(1.0, 22050);
    assert_eq!(error_code(&y[..1], 22050.0), "too-short");
    assert_eq!(error_code(&y[..MIN_SAMPLES - 1], 22050.0), "too-short");
    finite_features(&y[..MIN_SAMPLES], 22050.0, "one frame");
    let y = signal(1.0, 192_000);
    let min = min_samples(192_000);
    assert_eq!(error_code(&y[..min - 1], 192_000.0), "too-short");
}

#[wasm_bindgen_test]
async fn silence_dc_square_and_denormals() {
    crate::yield_to_browser().await;
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
async fn non_finite_and_too_loud_samples() {
    crate::yield_to_browser().await;
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -3e38] {
        let mut y = signal(1.0, 22050);
        y[500] = bad;
        assert_eq!(error_code(&y, 22050.0), "non-finite", "{bad}");
    }
}

#[wasm_bindgen_test]
async fn rates_at_the_limits() {
    crate::yield_to_browser().await;
    for rate in [8_000u32, 192_000] {
        finite_features(&signal(2.0, rate), rate as f64, &format!("{rate} Hz"));
    }
}

#[wasm_bindgen_test]
async fn five_channels_downmixed() {
    crate::yield_to_browser().await;
    let mono = signal(1.5, 44_100);
    let interleaved: Vec<f32> = mono
        .iter()
        .flat_map(|&x| [x, 0.5 * x, -x, x, 0.1])
        .collect();
    let mixed = downmix(&interleaved, 5).unwrap();
    assert_eq!(mixed.len(), mono.len());
    finite_features(&mixed, 44_100.0, "5-channel downmix");
}

const MINUTE: usize = 60 * 22050;

/// The analysis keeps a fixed amount of working state whatever the length
/// of its input (tests/long_input.rs measures one hour natively). Here, with
/// the test binary's counting allocator: the peak allocated while
/// extracting the features of ten minutes may exceed that of the first two
/// minutes by 8 MiB at most, about 400 bytes for each of the 20,672 frames
/// in between, the allowance that 64 MiB gives over an hour. Keeping a
/// per-frame spectrum (a mel frame is 512 bytes, an STFT frame 4100) would
/// exceed it. Ten minutes rather than an hour keep each step to a few
/// seconds of the page's time. Measured peaks (Chromium 156): 9.45 MiB for
/// two minutes, 10.54 MiB for ten, 20.28 MiB for an hour.
#[wasm_bindgen_test]
async fn working_memory_does_not_grow_with_input_length() {
    crate::yield_to_browser().await;
    let n = 10 * MINUTE;
    let mut y = signal(1.0, 22050);
    let second = y.clone();
    y.reserve(n - y.len());
    while y.len() < n {
        y.extend_from_slice(&second[..second.len().min(n - y.len())]);
    }
    let ((), short) = peak_during(|| {
        finite_features(&y[..2 * MINUTE], 22050.0, "two minutes");
    });
    crate::yield_to_browser().await;
    let ((), long) = peak_during(|| {
        finite_features(&y, 22050.0, "ten minutes");
    });
    let input = n * 4;
    // Generous, as in the native test: a copy of the input and 64 MiB of
    // working state.
    assert!(
        long <= input + (64 << 20),
        "peak {long} bytes for {input} bytes of input"
    );
    let frames = n_frames(n) - n_frames(2 * MINUTE);
    assert!(
        long.saturating_sub(short) <= 8 << 20,
        "peak {long} bytes for ten minutes, {short} for two: {frames} more frames"
    );
}
