//! Bad-input matrix: every kind of awkward input gets a defined result, a
//! finite feature vector and a valid classification, or a typed error.
//! The one-hour input and its memory ceiling are in `long_input`.

use std::path::Path;

use genre_classifier::decode::{decode_bytes, decode_file};
use genre_classifier::features::features;
use genre_classifier::input::downmix;
use genre_classifier::limits::{min_samples, MAX_AMPLITUDE, MIN_SAMPLES};
use genre_classifier::{Classification, Error, Model, N_FEATURES, SAMPLE_RATE};

use crate::common::{self, rng::Rng};

fn model() -> Model {
    Model::from_bytes(&common::model_bytes(3, 2.0, 1.0)).unwrap()
}

/// A classification is well formed: probabilities of every genre sum to 1,
/// windows cover the track.
fn assert_valid(c: &Classification, what: &str) {
    assert_eq!(c.probabilities.len(), 10, "{what}");
    let sum: f32 = c.probabilities.iter().map(|g| g.probability).sum();
    assert!((sum - 1.0).abs() < 1e-4, "{what}: sum {sum}");
    assert!(
        c.probabilities
            .iter()
            .all(|g| g.probability.is_finite() && g.probability >= 0.0),
        "{what}"
    );
    assert!(!c.windows.is_empty(), "{what}");
    assert!(c.duration.is_finite() && c.duration > 0.0, "{what}");
}

/// Features and classification of an input the analysis accepts. Input
/// with (almost) no level beside its DC offset may instead be classified as
/// holding no music, and only such input.
fn accepted(y: &[f32], sr: u32, what: &str) -> [f32; N_FEATURES] {
    let v = features(y, sr).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(v.iter().all(|x| x.is_finite()), "{what}: {v:?}");
    match model().classify(y, sr) {
        Ok(c) => assert_valid(&c, what),
        Err(Error::NoMusic { .. }) => {
            let n = y.len() as f64;
            let mean = y.iter().map(|&v| v as f64).sum::<f64>() / n;
            let rms = (y.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
            assert!(
                rms < 2.0 * genre_classifier::limits::NO_MUSIC_RMS as f64,
                "{what}: no music at {rms:e} RMS"
            );
        }
        Err(e) => panic!("{what}: {e}"),
    }
    v
}

/// The typed error of an input the analysis rejects; classification agrees.
fn rejected(y: &[f32], sr: u32) -> Error {
    let e = features(y, sr).expect_err("bad input was accepted");
    assert_eq!(model().classify(y, sr).unwrap_err(), e);
    e
}

fn chord(seconds: f32, sr: u32) -> Vec<f32> {
    let n = (seconds * sr as f32) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / sr as f32;
            [220.0f32, 277.2, 329.6]
                .iter()
                .map(|f| (2.0 * std::f32::consts::PI * f * t).sin())
                .sum::<f32>()
                / 4.0
        })
        .collect()
}

#[test]
fn empty_and_too_short() {
    assert_eq!(rejected(&[], SAMPLE_RATE), Error::Empty);
    assert_eq!(
        rejected(&[0.3], SAMPLE_RATE),
        Error::TooShort {
            samples: 1,
            min_samples: MIN_SAMPLES,
            sample_rate: SAMPLE_RATE,
        }
    );
    let y = chord(1.0, SAMPLE_RATE);
    assert_eq!(
        rejected(&y[..MIN_SAMPLES - 1], SAMPLE_RATE),
        Error::TooShort {
            samples: MIN_SAMPLES - 1,
            min_samples: MIN_SAMPLES,
            sample_rate: SAMPLE_RATE,
        }
    );
    // Exactly one frame is enough.
    accepted(&y[..MIN_SAMPLES], SAMPLE_RATE, "one frame");
}

#[test]
fn silence_dc_and_square_wave() {
    let n = 3 * SAMPLE_RATE as usize;
    let zeros = accepted(&vec![0.0; n], SAMPLE_RATE, "all zeros");
    // Silence has no mel energy.
    let mel = genre_classifier::layout::MEL.all();
    assert!(zeros[mel].iter().all(|&x| x == 0.0));
    accepted(&vec![0.5; n], SAMPLE_RATE, "DC offset");
    let dc_on_chord: Vec<f32> = chord(3.0, SAMPLE_RATE).iter().map(|x| x + 0.4).collect();
    accepted(&dc_on_chord, SAMPLE_RATE, "chord on a DC offset");
    let square: Vec<f32> = (0..n)
        .map(|i| if (i / 50) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    accepted(&square, SAMPLE_RATE, "full-scale square wave");
    accepted(&vec![-1.0; n], SAMPLE_RATE, "full-scale negative DC");
    // Features are computed, but classification finds no music in them.
    for (name, y) in [("all zeros", vec![0.0; n]), ("DC offset", vec![0.5; n])] {
        let r = genre_classifier::classify(&y, SAMPLE_RATE);
        assert!(matches!(r, Err(Error::NoMusic { .. })), "{name}: {r:?}");
    }
    let r = genre_classifier::classify(&dc_on_chord, SAMPLE_RATE);
    assert!(r.is_ok(), "chord on a DC offset: {r:?}");
}

#[test]
fn non_finite_samples_name_their_index() {
    for (bad, at) in [
        (f32::NAN, 0),
        (f32::INFINITY, 1234),
        (f32::NEG_INFINITY, 44099),
    ] {
        let mut y = chord(2.0, SAMPLE_RATE);
        y[at] = bad;
        assert_eq!(
            rejected(&y, SAMPLE_RATE),
            Error::NonFinite { index: at },
            "{bad}"
        );
    }
    // A NaN in a too-short input is reported as a NaN.
    assert_eq!(
        rejected(&[f32::NAN; 10], SAMPLE_RATE),
        Error::NonFinite { index: 0 }
    );
}

#[test]
fn denormals_and_tiny_values() {
    let n = 2 * SAMPLE_RATE as usize;
    let smallest = f32::from_bits(1);
    let denormal: Vec<f32> = (0..n)
        .map(|i| if i % 2 == 0 { smallest } else { -smallest })
        .collect();
    accepted(&denormal, SAMPLE_RATE, "denormals");
    let tiny: Vec<f32> = chord(2.0, SAMPLE_RATE).iter().map(|x| x * 1e-30).collect();
    accepted(&tiny, SAMPLE_RATE, "a chord at 1e-30");
    // Far beyond full scale the power spectra would overflow single
    // precision: up to MAX_AMPLITUDE the features stay finite, beyond it
    // the sample is rejected.
    let loud: Vec<f32> = (0..n)
        .map(|i| {
            if (i / 37) % 2 == 0 {
                MAX_AMPLITUDE
            } else {
                -MAX_AMPLITUDE
            }
        })
        .collect();
    accepted(&loud, SAMPLE_RATE, "square wave at the largest amplitude");
    let huge: Vec<f32> = chord(2.0, SAMPLE_RATE).iter().map(|x| x * 1e30).collect();
    let at = huge.iter().position(|x| x.abs() > MAX_AMPLITUDE).unwrap();
    assert_eq!(
        rejected(&huge, SAMPLE_RATE),
        Error::TooLoud {
            index: at,
            value: huge[at]
        }
    );
    assert_eq!(
        Error::TooLoud {
            index: at,
            value: huge[at]
        }
        .code(),
        "non-finite"
    );
}

#[test]
fn sample_rates_at_and_beyond_the_limits() {
    for sr in [8_000, 11_025, 44_100, 48_000, 96_000, 192_000] {
        accepted(&chord(2.5, sr), sr, &format!("{sr} Hz"));
    }
    let y = chord(2.5, 8_000);
    for sr in [0, 1, 7_999, 192_001, u32::MAX] {
        assert_eq!(
            rejected(&y, sr),
            Error::UnsupportedSampleRate { sample_rate: sr }
        );
    }
    // The shortest input accepted at a rate is announced by min_samples.
    for sr in [8_000, 44_100, 192_000] {
        let min = min_samples(sr);
        assert_eq!(
            rejected(&chord(2.5, sr)[..min - 1], sr),
            Error::TooShort {
                samples: min - 1,
                min_samples: min,
                sample_rate: sr,
            }
        );
    }
}

#[test]
fn five_channel_interleaved_is_downmixed() {
    let mono = chord(2.0, 44_100);
    let interleaved: Vec<f32> = mono
        .iter()
        .flat_map(|&x| [x, -x, 0.5 * x, x, 0.0])
        .collect();
    let mixed = downmix(&interleaved, 5).unwrap();
    assert_eq!(mixed.len(), mono.len());
    for (m, x) in mixed.iter().zip(&mono) {
        assert!((m - 0.3 * x).abs() < 1e-6);
    }
    accepted(&mixed, 44_100, "5-channel downmix");
    assert!(matches!(
        downmix(&interleaved[..interleaved.len() - 1], 5),
        Err(Error::BadChannels { channels: 5, .. })
    ));
    assert!(matches!(
        downmix(&interleaved, 0),
        Err(Error::BadChannels { channels: 0, .. })
    ));
    assert_eq!(downmix(&[], 5), Ok(vec![]));
}

fn gtzan(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gtzan-subset/genres")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A decode error, of the decode family or an empty stream.
fn decode_error(bytes: &[u8], what: &str) -> Error {
    let e = decode_bytes(bytes).expect_err(what);
    assert!(
        e.code() == "decode" || e == Error::Empty,
        "{what}: {e:?} is not a decode error"
    );
    e
}

#[test]
fn truncated_wav() {
    let wav = common::wav_bytes(&chord(1.0, SAMPLE_RATE), 1, SAMPLE_RATE);
    for cut in [1, 4, 11, 12, 20, 36, 43, 44] {
        decode_error(&wav[..cut], &format!("WAV cut at {cut}"));
    }
    // Cut in its data: decoded as far as it goes, marked truncated.
    let d = decode_bytes(&wav[..wav.len() / 3]).unwrap();
    assert!(d.truncated, "WAV cut in its data");
}

#[test]
fn truncated_flac() {
    let flac = gtzan("blues/blues.00000.flac");
    // Magic, STREAMINFO, and inside the first frames.
    for cut in [1, 3, 4, 8, 20, 41, 42] {
        decode_error(&flac[..cut], &format!("FLAC cut at {cut}"));
    }
    for cut in [flac.len() / 10, flac.len() / 2] {
        let d = decode_bytes(&flac[..cut]).unwrap();
        assert!(d.truncated, "FLAC cut at {cut}");
    }
}

#[test]
fn truncated_mp3() {
    let mp3 = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tone.mp3"))
        .unwrap();
    for cut in [1, 2, 3, 4, 10] {
        decode_error(&mp3[..cut], &format!("MP3 cut at {cut}"));
    }
    // Cut inside the frames: whatever decodes is usable audio, or an error.
    for cut in [mp3.len() / 4, mp3.len() / 2] {
        match decode_bytes(&mp3[..cut]) {
            Ok(d) => {
                assert!(d.samples.iter().all(|x| x.is_finite()));
                assert_eq!(d.sample_rate, 44_100);
            }
            Err(e) => assert_eq!(e.code(), "decode", "MP3 cut at {cut}: {e:?}"),
        }
    }
}

#[test]
fn text_file_named_mp3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.mp3");
    std::fs::write(
        &path,
        "Track list\n1. Intro\n2. Outro\n".repeat(200).as_bytes(),
    )
    .unwrap();
    assert_eq!(decode_file(&path), Err(Error::UnrecognizedFormat));
    // Binary noise named .flac and an empty .wav.
    let noise = Rng::new(5000).bytes(5000);
    let path = dir.path().join("noise.flac");
    std::fs::write(&path, &noise).unwrap();
    let e = decode_file(&path).unwrap_err();
    assert_eq!(e.code(), "decode", "{e:?}");
    let path = dir.path().join("empty.wav");
    std::fs::write(&path, b"").unwrap();
    assert_eq!(decode_file(&path), Err(Error::Empty));
}

#[test]
fn decoded_files_classify() {
    // A real clip through decode, features and the classifier.
    let d = decode_bytes(&gtzan("jazz/jazz.00001.flac")).unwrap();
    accepted(
        &d.samples[..10 * d.sample_rate as usize],
        d.sample_rate,
        "jazz",
    );
    // A decodable but too short WAV: a typed error, not a panic.
    let wav = common::wav_bytes(&chord(0.05, 8_000), 1, 8_000);
    let d = decode_bytes(&wav).unwrap();
    assert!(matches!(
        features(&d.samples, d.sample_rate),
        Err(Error::TooShort { .. })
    ));
}
