//! The checks of the fuzz targets, shared with the regression test over
//! saved inputs (tests/native/fuzz_regressions.rs). Each takes arbitrary bytes and
//! panics only when the library breaks its contract.

#![allow(dead_code)]

use genre_classifier::decode::decode_bytes;
use genre_classifier::model::{Model, Precision};
use genre_classifier::{features, mel_image, N_FEATURES};

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

/// Longest decoded signal passed on to the extractor (keeps runs fast).
const MAX_ANALYSED: usize = 1 << 18;

/// The feature extractor, the mel image and the downmix on arbitrary
/// samples, lengths, channel counts and sample rates.
///
/// Input layout (see `make_corpus.py`): 4 bytes sample-rate selector
/// (little-endian), 1 byte sample encoding, 1 byte channel count, 2 bytes
/// length (little-endian, used by the repeating encodings), then sample
/// data. Every call must return `Ok` with finite values or a typed error.
pub fn features_check(data: &[u8]) {
    if data.len() < 8 {
        return;
    }
    let rate = sample_rate(u32::from_le_bytes([data[0], data[1], data[2], data[3]]));
    let mode = data[4];
    let channels = (data[5] % 8) as usize;
    let len = (u16::from_le_bytes([data[6], data[7]]) as usize * 2).min(MAX_SAMPLES);
    let mut y = samples(mode, len, &data[8..]);
    y.truncate(MAX_SAMPLES);

    let mono = match genre_classifier::input::downmix(&y, channels) {
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
}

/// The model loader: decoding and validation return a model or a typed
/// error; a model that loads gives a probability distribution.
pub fn model_check(data: &[u8]) {
    match Model::from_bytes(data) {
        Ok(model) => {
            let features = [0.5f32; N_FEATURES];
            let p = model.predict(&features);
            assert_eq!(p.len(), model.genres().len());
            // Weights are finite but may be huge: the softmax must still be
            // a distribution, never NaN.
            assert!(p.iter().all(|x| x.is_finite() && *x >= 0.0), "{p:?}");
            let sum: f32 = p.iter().sum();
            assert!((sum - 1.0).abs() < 1e-3, "sum {sum}");
            // Round trip through the writer: exact at f32; at f16 and int8
            // the rounded weights may fail the overflow bound, as a typed error.
            let again =
                Model::from_bytes(&model.to_file(Precision::F32).to_bytes().unwrap()).unwrap();
            assert_eq!(again.genres(), model.genres());
            for precision in [Precision::F16, Precision::I8] {
                match Model::from_bytes(&model.to_file(precision).to_bytes().unwrap()) {
                    Ok(m) => assert_eq!(m.genres(), model.genres()),
                    Err(e) => assert!(!e.to_string().is_empty()),
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The decode path of the `genre` CLI: decoding returns mono samples at a
/// positive rate or a typed error, and decoded audio goes on to the
/// feature extractor.
pub fn decode_check(data: &[u8]) {
    match decode_bytes(data) {
        Ok(d) => {
            assert!(d.sample_rate > 0);
            assert!(!d.samples.is_empty());
            if d.samples.len() <= MAX_ANALYSED {
                if let Ok(v) = features::features(&d.samples, d.sample_rate) {
                    assert!(v.iter().all(|x| x.is_finite()));
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
