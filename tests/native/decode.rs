//! Decoding of real and synthetic files, and rejection of bad ones.

use std::path::Path;

use genre_classifier::decode::{decode_bytes, decode_file};
use genre_classifier::Error;

use crate::common::{self, rng::Rng};

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
}

#[test]
fn wav_channels_are_averaged() {
    // Left 0.5, right -0.25 -> mean 0.125 everywhere.
    let frames = 4410;
    let interleaved: Vec<f32> = (0..frames).flat_map(|_| [0.5, -0.25]).collect();
    let d = decode_bytes(&common::wav_bytes(&interleaved, 2, 44100)).unwrap();
    assert_eq!(d.sample_rate, 44100);
    assert_eq!(d.samples.len(), frames);
    let expected = ((0.5f32 * 32767.0).round() + (-0.25f32 * 32767.0).round()) / 2.0 / 32768.0;
    assert!(d.samples.iter().all(|&s| (s - expected).abs() < 1e-6));
}

#[test]
fn lossy_fixtures_decode() {
    for name in ["tone.ogg", "tone.mp3"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let d = decode_file(&path).unwrap();
        assert_eq!(d.sample_rate, 44100, "{name}");
        assert!(
            (d.duration_s() - 1.0).abs() < 0.1,
            "{name}: {}",
            d.duration_s()
        );
        let r = rms(&d.samples[4410..d.samples.len() - 4410]);
        assert!((r - 0.5 / 2f32.sqrt()).abs() < 0.02, "{name}: rms {r}");
    }
}

#[test]
fn gtzan_flac_decodes_to_its_full_length() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gtzan-subset/genres/blues/blues.00000.flac");
    let d = decode_file(&path).unwrap();
    assert_eq!(d.sample_rate, 22050);
    assert!((29.9..30.1).contains(&d.duration_s()), "{}", d.duration_s());
    assert!(rms(&d.samples) > 0.01);
}

#[test]
fn bad_bytes_are_typed_errors() {
    assert_eq!(decode_bytes(&[]), Err(Error::Empty));
    assert_eq!(
        decode_bytes(b"this is a text file, not audio at all\n"),
        Err(Error::UnrecognizedFormat)
    );
    let wav = common::wav_bytes(&common::sine(440.0, 0.5, 1.0, 22050), 1, 22050);
    // Cut in its data: decoded as far as it goes, marked truncated.
    let half = decode_bytes(&wav[..wav.len() / 2]).unwrap();
    assert!(half.truncated);
    assert!((half.samples.len() as i64 - 11025).abs() < 30);
    assert!(!decode_bytes(&wav).unwrap().truncated);
    // A header with no data at all.
    assert!(decode_bytes(&wav[..44]).is_err());
    // GSM 6.10, a codec this build does not include.
    let mut gsm = wav.clone();
    gsm[20] = 0x31;
    let err = decode_bytes(&gsm).unwrap_err();
    assert!(matches!(err, Error::UnsupportedCodec { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("a WAV encoding other than PCM") && message.contains("convert"),
        "{message}"
    );
    assert!(matches!(
        decode_file(Path::new("/nonexistent/file.wav")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn a_wav_header_declaring_0_hz_is_an_error_not_a_panic() {
    let mut wav = common::wav_bytes(&common::sine(440.0, 0.5, 0.01, 22050), 1, 22050);
    wav[24..32].fill(0); // sample rate and byte rate
    let r = decode_bytes(&wav[..46]);
    assert!(matches!(r, Err(Error::Corrupt { .. })), "{r:?}");
    let r = decode_bytes(&wav);
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn damaged_files_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut inputs = vec![
        std::fs::read(dir.join("tone.ogg")).unwrap(),
        std::fs::read(dir.join("tone.mp3")).unwrap(),
        common::wav_bytes(&common::sine(440.0, 0.5, 0.5, 22050), 1, 22050),
    ];
    let flac = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gtzan-subset/genres/jazz/jazz.00000.flac");
    let flac = std::fs::read(flac).unwrap();
    inputs.push(flac[..flac.len().min(60_000)].to_vec());
    let mut rng = Rng::new(0x2545_F491);
    for input in &inputs {
        for i in 0..150 {
            let mut b = input.clone();
            match i % 3 {
                0 => b.truncate(rng.below(b.len())),
                _ => {
                    // Four bytes among the first 4096 (headers and first
                    // frames), each flipped in at least one bit.
                    for _ in 0..4 {
                        let pos = rng.below(b.len().min(4096));
                        b[pos] ^= rng.next_u32() as u8 | 1;
                    }
                }
            }
            let _ = decode_bytes(&b);
        }
    }
}
