//! The synthetic music-like clip the benchmarks share (the same signal as
//! scripts/bench_browser.mjs).

use std::f64::consts::PI;

/// The signal of scripts/bench_browser.mjs: a chord, a bass line and a
/// decaying beat, at `rate` Hz.
pub fn signal(seconds: f64, rate: u32) -> Vec<f32> {
    let n = (seconds * rate as f64).round() as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / rate as f64;
            let beat = (-12.0 * (t % 0.5)).exp();
            let bass = [55.0, 73.4, 82.4, 65.4][(t / 2.0) as usize % 4];
            (0.2 * (2.0 * PI * 261.6 * t).sin()
                + 0.15 * (2.0 * PI * 329.6 * t).sin()
                + 0.15 * (2.0 * PI * 392.0 * t).sin()
                + 0.3 * (2.0 * PI * bass * t).sin()
                + 0.2 * beat * (2.0 * PI * 1500.0 * t).sin()) as f32
        })
        .collect()
}
