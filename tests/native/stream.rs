//! Streamed classification of files (`decode::classify_file`): the same
//! result as classifying the whole decoded file, memory bounded at any
//! length, truncated and streamed files, endless inputs.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use genre_classifier::decode::{classify_file, classify_file_with, decode_file, StreamOptions};
use genre_classifier::{Classification, Error, Model};

use crate::common;
use crate::long_input::peak_during;

fn gtzan(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gtzan-subset/genres")
        .join(name)
}

fn streamed(m: &Model, path: &Path) -> Result<Classification, Error> {
    classify_file(m, path, &mut |_, _| true)
}

/// The whole-file result: `Model::classify` of the fully decoded file.
fn whole(m: &Model, path: &Path) -> Classification {
    let d = decode_file(path).unwrap();
    let mut c = m.classify(&d.samples, d.sample_rate).unwrap();
    c.truncated = d.truncated;
    c
}

/// `samples` interleaved as `channels` channels, as a 16-bit WAV at `rate`.
fn write_wav(path: &Path, mono: &[f32], channels: u16, rate: u32) {
    let interleaved: Vec<f32> = mono
        .iter()
        .enumerate()
        .flat_map(|(i, &s)| {
            (0..channels).map(move |c| {
                if c == 0 {
                    s
                } else {
                    s * (0.5 + (i % 7) as f32 * 0.05)
                }
            })
        })
        .collect();
    std::fs::write(path, common::wav_bytes(&interleaved, channels, rate)).unwrap();
}

/// Encodes `wav` to MP3 with lame; `None` (with a note) when lame is absent.
fn lame(wav: &Path, mp3: &Path) -> Option<()> {
    let ok = Command::new("lame")
        .args(["--quiet", "-b", "128"])
        .arg(wav)
        .arg(mp3)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("lame is not installed: MP3 case skipped");
    }
    ok.then_some(())
}

#[test]
fn streamed_equals_whole_file_on_real_clips() {
    let m = Model::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let flac = gtzan("blues/blues.00000.flac");
    let mut files = vec![flac.clone(), gtzan("jazz/jazz.00000.flac")];
    // The clip as a 48 kHz stereo WAV (the rate's polyphase path).
    let y = common::read_flac(&flac);
    let wav48 = dir.path().join("clip48.wav");
    write_wav(&wav48, &y, 2, 48_000);
    files.push(wav48);
    // At 44.1 kHz (the 2:1 path), and that file encoded by lame.
    let wav44 = dir.path().join("clip44.wav");
    write_wav(&wav44, &y, 2, 44_100);
    files.push(wav44.clone());
    let mp3 = dir.path().join("clip.mp3");
    if lame(&wav44, &mp3).is_some() {
        files.push(mp3);
    }
    for f in &files {
        let s = streamed(m, f).unwrap();
        assert!(!s.truncated, "{}", f.display());
        // Bit for bit: every probability, window and field.
        assert_eq!(s, whole(m, f), "{}", f.display());
    }
}

/// A long 16-bit WAV of a slowly changing chord with noise, written piece
/// by piece (never held in memory).
fn write_long_wav(path: &Path, seconds: u32, rate: u32, channels: u16) {
    let frames = seconds as u64 * rate as u64;
    let data_len = (frames * channels as u64 * 2) as u32;
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    let mut head = common::wav_bytes(&[], channels, rate);
    head[4..8].copy_from_slice(&(36 + data_len).to_le_bytes());
    head[40..44].copy_from_slice(&data_len.to_le_bytes());
    w.write_all(&head).unwrap();
    let mut rng = common::rng::Rng::new(11);
    let mut buf = Vec::with_capacity(1 << 16);
    for i in 0..frames {
        let k = (i % rate as u64) as f32 / rate as f32;
        let chord = 1 + (i / (rate as u64 * 20)) % 5;
        let v = 0.3 * (2.0 * std::f32::consts::PI * 110.0 * chord as f32 * k).sin()
            + 0.2 * (2.0 * std::f32::consts::PI * 331.0 * k).sin()
            + rng.uniform_in(-0.02, 0.02) as f32;
        for c in 0..channels {
            let s = ((v * (1.0 - 0.3 * c as f32)) * 32767.0) as i16;
            buf.extend_from_slice(&s.to_le_bytes());
        }
        if buf.len() >= 1 << 16 {
            w.write_all(&buf).unwrap();
            buf.clear();
        }
    }
    w.write_all(&buf).unwrap();
}

#[test]
fn streamed_equals_whole_file_on_a_long_synthetic_file() {
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 1.5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.wav");
    write_long_wav(&path, 300, 44_100, 2);
    let s = streamed(&m, &path).unwrap();
    assert_eq!(s.windows.len(), 199);
    assert_eq!(s, whole(&m, &path));
}

#[test]
fn memory_stays_bounded_at_any_length() {
    // Windows every 3 s: the per-window results stay about 200 kB an hour.
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 3.0)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut peaks = Vec::new();
    for minutes in [10u32, 60] {
        let path = dir.path().join(format!("{minutes}.wav"));
        write_long_wav(&path, minutes * 60, 44_100, 2);
        let (c, peak) = peak_during(|| streamed(&m, &path));
        let c = c.unwrap();
        assert!((c.duration - minutes as f32 * 60.0).abs() < 1e-2);
        std::fs::remove_file(&path).unwrap();
        println!(
            "streamed classification of {minutes} min of 44.1 kHz stereo WAV: peak {:.1} MiB allocated",
            peak as f64 / (1 << 20) as f64
        );
        peaks.push(peak);
    }
    // The whole file would be 635 MB (60 min) as bytes, 635 MB as mono f32.
    assert!(peaks.iter().all(|&p| p < 100 << 20), "{peaks:?}");
    // Independent of length: an hour within 1 MiB of ten minutes.
    assert!(peaks[1] < peaks[0] + (1 << 20), "{peaks:?}");
}

#[test]
fn truncated_files_classify_as_far_as_they_go() {
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 1.5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let flac = gtzan("rock/rock.00000.flac");
    let wav = dir.path().join("clip.wav");
    write_wav(&wav, &common::read_flac(&flac), 2, 22_050);
    let mp3 = dir.path().join("clip.mp3");
    let mut files = vec![flac, wav.clone()];
    if lame(&wav, &mp3).is_some() {
        files.push(mp3);
    }
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let full = streamed(&m, f).unwrap();
        assert!(!full.truncated);
        for fraction in [0.2, 0.5, 0.92] {
            let cut = dir.path().join(format!(
                "cut{fraction}.{}",
                f.extension().unwrap().to_str().unwrap()
            ));
            std::fs::write(&cut, &bytes[..(bytes.len() as f64 * fraction) as usize]).unwrap();
            let c =
                streamed(&m, &cut).unwrap_or_else(|e| panic!("{} at {fraction}: {e}", f.display()));
            assert!(c.truncated, "{} cut at {fraction}", f.display());
            let want = fraction as f32 * full.duration;
            assert!(
                (c.duration - want).abs() < 1.5,
                "{} at {fraction}: {} s",
                f.display(),
                c.duration
            );
            assert_eq!(c, whole(&m, &cut));
        }
    }
}

#[test]
fn streamed_wav_sizes_are_read_to_the_end() {
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 1.5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let y = common::read_flac(gtzan("disco/disco.00000.flac"));
    let good = common::wav_bytes(&y[..22_050 * 10], 1, 22_050);
    let reference = {
        let p = dir.path().join("good.wav");
        std::fs::write(&p, &good).unwrap();
        streamed(&m, &p).unwrap()
    };
    assert!(!reference.truncated);
    for (riff, data) in [
        (0u32, 0u32),
        (u32::MAX, u32::MAX),
        (good.len() as u32 - 8, 0),
        (0, u32::MAX),
    ] {
        let mut b = good.clone();
        b[4..8].copy_from_slice(&riff.to_le_bytes());
        b[40..44].copy_from_slice(&data.to_le_bytes());
        let p = dir.path().join("streamed.wav");
        std::fs::write(&p, &b).unwrap();
        let c = streamed(&m, &p).unwrap_or_else(|e| panic!("RIFF {riff:#x}, data {data:#x}: {e}"));
        assert_eq!(c, reference, "RIFF {riff:#x}, data {data:#x}");
    }
}

#[test]
fn endless_and_non_audio_inputs_end_with_typed_errors() {
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 1.5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // 50 MB of zeros named .wav: not audio, found out within the first MB.
    let zeros = dir.path().join("zeros.wav");
    let f = std::fs::File::create(&zeros).unwrap();
    f.set_len(50 << 20).unwrap();
    let t = std::time::Instant::now();
    assert_eq!(streamed(&m, &zeros), Err(Error::UnrecognizedFormat));
    #[cfg(unix)]
    assert_eq!(
        streamed(&m, Path::new("/dev/zero")),
        Err(Error::UnrecognizedFormat)
    );
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
    // Past the duration cap: a typed error, not an endless read.
    let long = dir.path().join("long.wav");
    write_long_wav(&long, 20, 22_050, 1);
    let capped = classify_file_with(
        &m,
        &long,
        StreamOptions {
            max_duration_s: 10.0,
        },
        &mut |_, _| true,
    );
    assert_eq!(capped, Err(Error::TooLong { max_seconds: 10.0 }));
    assert!(streamed(&m, &long).is_ok());
    // Below the lowest rate: the error of the whole-file path.
    let slow = dir.path().join("slow.wav");
    std::fs::write(
        &slow,
        common::wav_bytes(&common::sine(440.0, 0.5, 2.0, 4000), 1, 4000),
    )
    .unwrap();
    assert_eq!(
        streamed(&m, &slow),
        Err(Error::UnsupportedSampleRate { sample_rate: 4000 })
    );
}

#[test]
fn progress_reports_and_cancels() {
    let m = Model::from_bytes(&common::model_bytes(5, 3.0, 1.5)).unwrap();
    let f = gtzan("blues/blues.00000.flac");
    let mut seen = Vec::new();
    let c = classify_file(&m, &f, &mut |d, t| {
        seen.push((d, t));
        true
    })
    .unwrap();
    let n = c.windows.len();
    assert_eq!(
        seen.first(),
        Some(&(0, n)),
        "the header's length sizes the total"
    );
    assert_eq!(seen.last(), Some(&(n, n)));
    assert!(seen
        .windows(2)
        .all(|p| p[1].0 == p[0].0 + 1 && p[1].0 <= p[1].1));
    let r = classify_file(&m, &f, &mut |d, _| d < 3);
    assert_eq!(r, Err(Error::Cancelled));
}
