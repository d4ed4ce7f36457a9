//! Synthetic test signals, sample for sample as tests/parity/make_golden.py
//! generates them: built in double precision, then rounded to float32.

use serde_json::Value;
use std::f64::consts::PI;

const SR: f64 = 22050.0;

/// Output `i` (1-based) of the splitmix64 generator started at `seed`.
fn splitmix64(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` uniform doubles in [-1, 1).
fn uniform(seed: u64, n: usize) -> Vec<f64> {
    (1..=n as u64)
        .map(|i| (splitmix64(seed, i) >> 11) as f64 * 2f64.powi(-52) - 1.0)
        .collect()
}

/// Voss pink noise with 8 rows.
fn pink(seed: u64, n: usize) -> Vec<f64> {
    let rows = 8;
    let mut acc = vec![0.0f64; n];
    for k in 0..rows {
        let held = uniform(seed.wrapping_add(k as u64 * 0x1000), (n >> k) + 1);
        for (i, a) in acc.iter_mut().enumerate() {
            *a += held[i >> k];
        }
    }
    acc.iter().map(|a| a / rows as f64).collect()
}

/// The float32 signal described by a fixture's `signal` spec.
pub fn generate(spec: &Value) -> Vec<f32> {
    let seconds = spec["seconds"].as_f64().unwrap();
    let n = (seconds * SR).round() as usize;
    let t = |i: usize| i as f64 / SR;
    let mut y = vec![0.0f64; n];
    for part in spec["parts"].as_array().unwrap() {
        let amp = part["amp"].as_f64().unwrap();
        let f = |k: &str| part[k].as_f64().unwrap();
        let u = |k: &str| part[k].as_u64().unwrap();
        let add: Vec<f64> = match part["kind"].as_str().unwrap() {
            "tone" => {
                let w = 2.0 * PI * f("hz");
                (0..n).map(|i| (w * t(i)).sin()).collect()
            }
            "chirp" => {
                let (f0, f1) = (f("f0"), f("f1"));
                let c = (f1 - f0) / (2.0 * (n as f64 / SR));
                (0..n)
                    .map(|i| (2.0 * PI * (f0 * t(i) + c * t(i) * t(i))).sin())
                    .collect()
            }
            "white" => uniform(u("seed"), n),
            "pink" => pink(u("seed"), n),
            "impulses" => {
                let (every, offset) = (u("every") as usize, u("offset") as usize);
                (0..n)
                    .map(|i| {
                        if i >= offset && (i - offset) % every == 0 {
                            1.0
                        } else {
                            0.0
                        }
                    })
                    .collect()
            }
            "clicks" => {
                let (every, offset) = (u("every") as i64, u("offset") as i64);
                let (length, w, decay) = (u("length") as i64, 2.0 * PI * f("hz"), f("decay"));
                (0..n as i64)
                    .map(|i| {
                        let j = (i - offset).rem_euclid(every);
                        if i >= offset && j < length {
                            (w * (j as f64 / SR)).sin() * (-j as f64 / decay).exp()
                        } else {
                            0.0
                        }
                    })
                    .collect()
            }
            other => panic!("unknown signal part {other}"),
        };
        for (s, a) in y.iter_mut().zip(add) {
            *s += amp * a;
        }
    }
    y.iter().map(|&s| s as f32).collect()
}
