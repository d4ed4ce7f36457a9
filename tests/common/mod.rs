//! Helpers shared by the integration tests: WAV files, throwaway models,
//! the synthetic signal generator of tests/parity/make_golden.py, the golden
//! fixtures and FLAC decoding.

#![allow(dead_code)]

pub mod signals;

use std::path::{Path, PathBuf};

use serde_json::Value;

use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use genre_classifier::model::{
    DenseLayer, Header, InputTransform, ModelFile, Weights, FORMAT_VERSION, MAGIC,
};

/// A 16-bit PCM WAV file of interleaved `samples` (in [-1, 1]).
pub fn wav_bytes(samples: &[f32], channels: u16, sample_rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut b = Vec::with_capacity(44 + data_len as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&sample_rate.to_le_bytes());
    b.extend_from_slice(&(sample_rate * channels as u32 * 2).to_le_bytes());
    b.extend_from_slice(&(channels * 2).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

/// A mono 32-bit IEEE float WAV file (format tag 3, with the `fact` chunk
/// such files carry) of `samples`, written as they are: levels above 1 are
/// not clipped.
pub fn wav_f32_bytes(samples: &[f32], sample_rate: u32) -> Vec<u8> {
    let data_len = samples.len() as u32 * 4;
    let mut b = Vec::with_capacity(58 + data_len as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(50 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&18u32.to_le_bytes());
    b.extend_from_slice(&3u16.to_le_bytes()); // IEEE float
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&sample_rate.to_le_bytes());
    b.extend_from_slice(&(sample_rate * 4).to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&32u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes()); // cbSize
    b.extend_from_slice(b"fact");
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&s.to_le_bytes());
    }
    b
}

/// `seconds` of a sine at `freq` Hz and amplitude `amp`, at `sr` Hz.
pub fn sine(freq: f32, amp: f32, seconds: f32, sr: u32) -> Vec<f32> {
    (0..(seconds * sr as f32) as usize)
        .map(|i| amp * (2.0 * std::f32::consts::PI * freq * i as f32 / sr as f32).sin())
        .collect()
}

/// A small valid model file with pseudo-random weights.
pub fn model_bytes(seed: u64, window_s: f32, hop_s: f32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32 - 0.5
    };
    let genres: Vec<String> = (0..10).map(|i| format!("genre{i}")).collect();
    let mut layer = |inputs: usize, outputs: usize| DenseLayer {
        inputs: inputs as u32,
        outputs: outputs as u32,
        weights: Weights::F32((0..inputs * outputs).map(|_| next() * 0.2).collect()),
        bias: (0..outputs).map(|_| next() * 0.1).collect(),
    };
    let layers = vec![layer(N_FEATURES, 8), layer(8, 10)];
    ModelFile {
        header: Header {
            magic: MAGIC,
            format_version: FORMAT_VERSION,
            layout_version: LAYOUT_VERSION,
            genres,
            window_s,
            hop_s,
            feature_mean: vec![0.0; N_FEATURES],
            feature_std: vec![1.0; N_FEATURES],
            input: InputTransform::default(),
            temperature: 1.0,
            confidence_threshold: 0.5,
        },
        layers,
    }
    .to_bytes()
    .unwrap()
}

/// [`model_bytes`] with another calibration `temperature` and
/// `confidence_threshold` in its header (threshold 0: every result is
/// confident; threshold 1: practically none is).
pub fn model_bytes_calibrated(
    seed: u64,
    window_s: f32,
    hop_s: f32,
    temperature: f32,
    confidence_threshold: f32,
) -> Vec<u8> {
    let mut file = ModelFile::from_bytes(&model_bytes(seed, window_s, hop_s)).unwrap();
    file.header.temperature = temperature;
    file.header.confidence_threshold = confidence_threshold;
    file.to_bytes().unwrap()
}

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
        tonnetz_rounding: ["mean", "min", "max"]
            .map(|stat| v["tonnetz_rounding"][stat].as_f64().unwrap()),
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
        genre_classifier::input::downmix(&raw, channels).unwrap()
    }
}
