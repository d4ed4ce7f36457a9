//! The feature extractor, the mel image and the downmix on arbitrary
//! samples, lengths, channel counts and sample rates.
//!
//! Input layout (see `make_corpus.py`): 4 bytes sample-rate selector
//! (little-endian), 1 byte sample encoding, 1 byte channel count, 2 bytes
//! length (little-endian, used by the repeating encoding), then sample data.
//! Every call must return `Ok` with finite values or a typed error.
#![no_main]

use genre_classifier::{features, mel_image};
use libfuzzer_sys::fuzz_target;

/// Most samples one input may expand to (keeps each run fast).
const MAX_SAMPLES: usize = 1 << 17;

fn sample_rate(selector: u32) -> u32 {
    match selector % 8 {
        0 => selector >> 3,
        1 => 22_050,
        2 => 44_100,
        3 => 8_000,
        4 => 192_000,
        _ => 7_000 + (selector >> 3) % 190_000,
    }
}

fn samples(mode: u8, len: usize, data: &[u8]) -> Vec<f32> {
    match mode % 4 {
        // Raw f32 bits: NaN, infinities, denormals, huge values.
        0 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        // 16-bit PCM.
        1 => data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
            .collect(),
        // 8-bit PCM repeated to `len` samples: long inputs from short data.
        2 if !data.is_empty() => data
            .iter()
            .cycle()
            .take(len)
            .map(|&b| (b as i8) as f32 / 128.0)
            .collect(),
        // Raw f32 bits repeated to `len` samples.
        _ if data.len() >= 4 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .cycle()
            .take(len)
            .collect(),
        _ => Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let rate = sample_rate(u32::from_le_bytes([data[0], data[1], data[2], data[3]]));
    let mode = data[4];
    let channels = (data[5] % 8) as usize;
    let len = (u16::from_le_bytes([data[6], data[7]]) as usize * 2).min(MAX_SAMPLES);
    let mut y = samples(mode, len, &data[8..]);
    y.truncate(MAX_SAMPLES);

    let mono = match features::downmix(&y, channels) {
        Ok(m) => {
            assert_eq!(m.len() * channels, y.len());
            m
        }
        Err(_) => y,
    };
    match features::features(&mono, rate) {
        Ok(v) => assert!(v.iter().all(|x| x.is_finite()), "non-finite feature"),
        Err(e) => {
            assert!(!e.to_string().is_empty());
            let _ = e.code();
        }
    }
    let columns = (data[5] as usize) * 4;
    if let Ok(img) = mel_image(&mono, rate, columns) {
        let _ = img;
    }
});
