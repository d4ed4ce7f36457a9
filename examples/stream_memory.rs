//! Memory and time of classifying one long file, streamed or whole: run
//! under `/usr/bin/time -v` (scripts/bench_stream.sh) for the peak RSS.
//!
//! Usage:
//! - `stream_memory write FILE SECONDS`: a 16-bit 44.1 kHz stereo WAV of a
//!   changing chord with noise, written piece by piece;
//! - `stream_memory stream FILE`: `decode::classify_file` (the CLI's path);
//! - `stream_memory whole FILE`: `decode_file`, then `Model::classify` (the
//!   previous path).
//!
//! Prints `{ "mode", "seconds", "ms", "genre" }`.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use genre_classifier::decode::{classify_file, decode_file};
use genre_classifier::Model;

fn write(path: &Path, seconds: u64) -> std::io::Result<()> {
    let rate = 44_100u64;
    let frames = seconds * rate;
    let data_len = (frames * 4).min(u32::MAX as u64 - 36) as u32;
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    let mut head = Vec::new();
    head.extend_from_slice(b"RIFF");
    head.extend_from_slice(&(36 + data_len).to_le_bytes());
    head.extend_from_slice(b"WAVEfmt ");
    head.extend_from_slice(&16u32.to_le_bytes());
    head.extend_from_slice(&1u16.to_le_bytes());
    head.extend_from_slice(&2u16.to_le_bytes());
    head.extend_from_slice(&(rate as u32).to_le_bytes());
    head.extend_from_slice(&(rate as u32 * 4).to_le_bytes());
    head.extend_from_slice(&4u16.to_le_bytes());
    head.extend_from_slice(&16u16.to_le_bytes());
    head.extend_from_slice(b"data");
    head.extend_from_slice(&data_len.to_le_bytes());
    w.write_all(&head)?;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..frames {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let noise = ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.04;
        let k = (i % rate) as f32 / rate as f32;
        let chord = 1 + (i / (rate * 20)) % 5;
        let v = 0.3 * (2.0 * std::f32::consts::PI * 110.0 * chord as f32 * k).sin()
            + 0.2 * (2.0 * std::f32::consts::PI * 331.0 * k).sin()
            + noise;
        for c in 0..2 {
            let s = (v * (1.0 - 0.3 * c as f32) * 32767.0) as i16;
            w.write_all(&s.to_le_bytes())?;
        }
    }
    w.flush()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: stream_memory write FILE SECONDS | stream FILE | whole FILE";
    let (mode, file) = match (args.first(), args.get(1)) {
        (Some(m), Some(f)) => (m.as_str(), Path::new(f)),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    if mode == "write" {
        let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3600);
        write(file, seconds).expect("the file is written");
        return;
    }
    let model = Model::embedded().expect("an embedded model");
    let t = Instant::now();
    let c = match mode {
        "stream" => classify_file(model, file, &mut |_, _| true),
        "whole" => decode_file(file).and_then(|d| model.classify(&d.samples, d.sample_rate)),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    .expect("the file classifies");
    println!(
        "{{ \"mode\": \"{mode}\", \"seconds\": {:.0}, \"ms\": {:.0}, \"genre\": \"{}\" }}",
        c.duration,
        t.elapsed().as_secs_f64() * 1e3,
        c.genre
    );
}
