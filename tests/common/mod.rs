//! The fixtures of the tests: one module, used by the native test crate
//! (`tests/native/`), and in part by the browser suite (`tests/browser/`)
//! and the library's unit tests.
//!
//! - [`rng`]: the one seeded random number generator (SplitMix64);
//! - [`signals`]: the one synthetic signal format, the specs of the golden
//!   scripts regenerated sample for sample;
//! - [`golden`]: the golden values of tests/parity;
//! - [`test_model`]: the one builder of throwaway models (also behind the
//!   library's `model::test_model` in unit tests);
//! - [`measure`], [`split_fft`]: shared with the browser suite;
//! - here: WAV writers, a sine, the repository root and the one FLAC reader.

#![allow(dead_code)]

pub mod golden;
pub mod measure;
pub mod rng;
pub mod signals;
pub mod split_fft;
pub mod test_model;

use std::path::{Path, PathBuf};

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

/// A small valid model file ([`test_model::model_file`] with 8 hidden
/// units), as bytes.
pub fn model_bytes(seed: u64, window_s: f32, hop_s: f32) -> Vec<u8> {
    test_model::model_file(seed, 8, window_s, hop_s)
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
    let mut file = test_model::model_file(seed, 8, window_s, hop_s);
    file.header.temperature = temperature;
    file.header.confidence_threshold = confidence_threshold;
    file.to_bytes().unwrap()
}

/// The repository root (where Cargo.toml lies).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Mono float samples of a FLAC file, scaled as libsndfile (and so
/// soundfile and librosa.load) does: x / 2^(bits-1), channels averaged.
pub fn read_flac(path: impl AsRef<Path>) -> Vec<f32> {
    let path = path.as_ref();
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
