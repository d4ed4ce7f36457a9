//! Writes real clips as a 16-bit PCM WAV, for the page and batch benchmarks
//! (scripts/bench_page.mjs, scripts/bench_batch.mjs), which then encode MP3s
//! with lame: nothing decoded here is committed.
//!
//! Usage: `make_wav OUT.wav RATE CHANNELS SECONDS IN...`: decodes every IN
//! (`decode::decode_file`: mono at its own rate), concatenates them, takes the
//! first SECONDS (0: all; the inputs are repeated when they are shorter),
//! changes the rate to RATE by linear interpolation (22050 to 44100 Hz is an
//! upsampling: no new content above 11 kHz, as in an MP3 made from a
//! low-rate master) and writes CHANNELS identical channels.

use std::io::{BufWriter, Write};
use std::path::Path;

use genre_classifier::decode::decode_file;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        eprintln!("usage: make_wav OUT.wav RATE CHANNELS SECONDS IN...");
        std::process::exit(2);
    }
    let out = &args[0];
    let rate: u32 = args[1].parse().expect("RATE");
    let channels: u16 = args[2].parse().expect("CHANNELS");
    let seconds: f64 = args[3].parse().expect("SECONDS");
    let mut joined = Vec::new();
    let mut in_rate = 0;
    for input in &args[4..] {
        let d = decode_file(Path::new(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert!(
            in_rate == 0 || in_rate == d.sample_rate,
            "{input}: all inputs must share one rate"
        );
        in_rate = d.sample_rate;
        joined.extend_from_slice(&d.samples);
    }
    let step = in_rate as f64 / rate as f64;
    let n_out = if seconds > 0.0 {
        (seconds * rate as f64).round() as usize
    } else {
        (joined.len() as f64 / step).floor() as usize
    };
    let len = joined.len();
    let at = |i: usize| joined[i % len];
    let mut w = BufWriter::new(std::fs::File::create(out).expect("OUT"));
    let data_bytes = (n_out * channels as usize * 2) as u32;
    let block = channels * 2;
    w.write_all(b"RIFF").unwrap();
    w.write_all(&(36 + data_bytes).to_le_bytes()).unwrap();
    w.write_all(b"WAVEfmt ").unwrap();
    w.write_all(&16u32.to_le_bytes()).unwrap();
    w.write_all(&1u16.to_le_bytes()).unwrap();
    w.write_all(&channels.to_le_bytes()).unwrap();
    w.write_all(&rate.to_le_bytes()).unwrap();
    w.write_all(&(rate * block as u32).to_le_bytes()).unwrap();
    w.write_all(&block.to_le_bytes()).unwrap();
    w.write_all(&16u16.to_le_bytes()).unwrap();
    w.write_all(b"data").unwrap();
    w.write_all(&data_bytes.to_le_bytes()).unwrap();
    for i in 0..n_out {
        let x = i as f64 * step;
        let k = x.floor() as usize;
        let f = (x - k as f64) as f32;
        let y = at(k) * (1.0 - f) + at(k + 1) * f;
        let s = (y.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        for _ in 0..channels {
            w.write_all(&s.to_le_bytes()).unwrap();
        }
    }
    w.flush().unwrap();
}
