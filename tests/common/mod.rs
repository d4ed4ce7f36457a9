//! Shared test helpers: the synthetic signal generator of
//! tests/parity/make_golden.py, the golden fixtures and FLAC decoding.

#![allow(dead_code)]

pub mod signals;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One golden fixture written by tests/parity/make_golden.py.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: String,
    pub n_samples: usize,
    pub signal: Option<Value>,
    pub path: Option<String>,
    pub tuning_chroma: f64,
    pub tuning_cqt: f64,
    /// Why librosa's tuning estimate for this input is decided by rounding
    /// noise, if it is.
    pub noise_determined_tuning: Option<String>,
    pub features: Vec<f64>,
}

/// The repository root (where Cargo.toml lies).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// All fixtures in tests/parity/golden, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = root().join("tests/parity/golden");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

fn load(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    Fixture {
        name: v["name"].as_str().unwrap().to_string(),
        n_samples: v["n_samples"].as_u64().unwrap() as usize,
        signal: v.get("signal").cloned(),
        path: v.get("path").and_then(|p| p.as_str()).map(String::from),
        tuning_chroma: v["tuning_chroma"].as_f64().unwrap(),
        tuning_cqt: v["tuning_cqt"].as_f64().unwrap(),
        noise_determined_tuning: v
            .get("noise_determined_tuning")
            .and_then(|r| r.as_str())
            .map(String::from),
        features: v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect(),
    }
}

impl Fixture {
    /// The fixture's samples: regenerated from its spec, or decoded from its
    /// FLAC file (path relative to the repository root).
    pub fn samples(&self) -> Vec<f32> {
        let y = match (&self.signal, &self.path) {
            (Some(spec), _) => signals::generate(spec),
            (None, Some(path)) => read_flac(&root().join(path)),
            _ => panic!("{}: neither signal nor path", self.name),
        };
        assert_eq!(y.len(), self.n_samples, "{}", self.name);
        y
    }
}

/// Mono float samples of a FLAC file, scaled as libsndfile does (x / 2^(bits-1)),
/// channels averaged.
pub fn read_flac(path: &Path) -> Vec<f32> {
    let mut reader = claxon::FlacReader::open(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (is ../shared beside the repository?)",
            path.display()
        )
    });
    let info = reader.streaminfo();
    let channels = info.channels as usize;
    let scale = 1.0 / (1u64 << (info.bits_per_sample - 1)) as f32;
    let raw: Vec<f32> = reader
        .samples()
        .map(|s| s.unwrap() as f32 * scale)
        .collect();
    if channels == 1 {
        raw
    } else {
        genre_classifier::features::downmix(&raw, channels).unwrap()
    }
}
