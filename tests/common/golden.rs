//! The golden values the parity tests compare with, written by the scripts
//! of tests/parity: feature vectors (`make_golden.py`, tests/parity/golden)
//! and the CQT stage's intermediate values (`make_cqt_golden.py`,
//! tests/parity/cqt_golden).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{read_flac, root, signals};

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
    /// Per statistic (mean, min, max), how far librosa's own tonnetz moves
    /// when soxr's float32 rounding is taken out of its CQT decimation, plus
    /// how far that exact result moves under a single-precision FFT
    /// decimation: the floor no implementation with its own single-precision
    /// rounding can go below (see `make_golden.py`).
    pub tonnetz_rounding: [f64; 3],
    pub features: Vec<f64>,
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
        tonnetz_rounding: ["mean", "min", "max"]
            .map(|stat| v["tonnetz_rounding"][stat].as_f64().unwrap()),
        features: floats(&v["features"]),
    }
}

impl Fixture {
    /// The fixture's samples: regenerated from its spec, or decoded from its
    /// FLAC file (path relative to the repository root).
    pub fn samples(&self) -> Vec<f32> {
        let y = match (&self.signal, &self.path) {
            (Some(spec), _) => signals::generate(spec),
            (None, Some(path)) => read_flac(root().join(path)),
            _ => panic!("{}: neither signal nor path", self.name),
        };
        assert_eq!(y.len(), self.n_samples, "{}", self.name);
        y
    }
}

/// Parsed JSON fixture `name` from tests/parity/cqt_golden/.
pub fn cqt_fixture(name: &str) -> Value {
    let path = root().join("tests/parity/cqt_golden").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON fixture")
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
