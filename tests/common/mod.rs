//! Helpers shared by the integration tests: WAV files and throwaway models.
#![allow(dead_code)]

use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use genre_classifier::model::{DenseLayer, Header, ModelFile, Weights, FORMAT_VERSION, MAGIC};

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
        },
        layers,
    }
    .to_bytes()
    .unwrap()
}
