//! Shared helpers of the parity tests: fixtures and the synthetic signals
//! of tests/parity/make_cqt_golden.py, regenerated bit for bit.
#![allow(dead_code)]

use serde_json::Value;
use std::f64::consts::PI;

/// Parsed JSON fixture from tests/parity/cqt_golden/.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/parity/cqt_golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("valid JSON fixture")
}

/// Uniform noise in [-1, 1) from the 32-bit LCG of the golden script.
pub fn lcg_noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed as u32;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            ((s >> 8) as f64 / 8388608.0 - 1.0) as f32
        })
        .collect()
}

/// Samples of a signal spec (computed in f64, returned as f32).
pub fn render(spec: &Value) -> Vec<f32> {
    let n = spec["len"].as_u64().unwrap() as usize;
    let sr = spec["sr"].as_f64().unwrap();
    let mut y = vec![0.0f64; n];
    for part in spec["parts"].as_array().unwrap() {
        let amp = part["amp"].as_f64().unwrap();
        match part["kind"].as_str().unwrap() {
            "sine" => {
                let f = part["freq"].as_f64().unwrap();
                for (i, v) in y.iter_mut().enumerate() {
                    let t = i as f64 / sr;
                    *v += amp * (2.0 * PI * f * t).sin();
                }
            }
            "chirp" => {
                let (f0, f1) = (part["f0"].as_f64().unwrap(), part["f1"].as_f64().unwrap());
                let dur = n as f64 / sr;
                for (i, v) in y.iter_mut().enumerate() {
                    let t = i as f64 / sr;
                    *v += amp * (2.0 * PI * (f0 * t + 0.5 * (f1 - f0) / dur * t * t)).sin();
                }
            }
            "clicks" => {
                let period = part["period"].as_u64().unwrap() as usize;
                let offset = part["offset"].as_u64().unwrap() as usize;
                for v in y.iter_mut().skip(offset).step_by(period) {
                    *v += amp;
                }
            }
            "noise" => {
                let noise = lcg_noise(n, part["seed"].as_u64().unwrap());
                for (v, r) in y.iter_mut().zip(noise) {
                    *v += amp * r as f64;
                }
            }
            other => panic!("unknown signal part {other}"),
        }
    }
    y.into_iter().map(|v| v as f32).collect()
}

/// Mono 16-bit FLAC as f32 in [-1, 1), like soundfile/librosa.load.
pub fn read_flac(path: &str) -> Vec<f32> {
    let mut reader = claxon::FlacReader::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(reader.streaminfo().channels, 1, "{path} is not mono");
    assert_eq!(reader.streaminfo().bits_per_sample, 16);
    reader
        .samples()
        .map(|s| s.expect("FLAC sample") as f32 / 32768.0)
        .collect()
}

/// Values of a JSON array of numbers.
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Compares excerpts ({start, values}) of a reference with `got`:
/// returns (max abs error, reference energy, error energy).
pub fn excerpt_errors(excerpts: &Value, got: &[f32]) -> (f64, f64, f64) {
    let (mut max, mut sig, mut err) = (0.0f64, 0.0f64, 0.0f64);
    for e in excerpts.as_array().unwrap() {
        let start = e["start"].as_u64().unwrap() as usize;
        for (i, want) in floats(&e["values"]).into_iter().enumerate() {
            let d = got[start + i] as f64 - want;
            max = max.max(d.abs());
            sig += want * want;
            err += d * d;
        }
    }
    (max, sig, err)
}
