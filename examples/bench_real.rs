//! Native classification time of real clips against the synthetic clip of
//! `bench_native`, measured alternately in one run.
//!
//! Usage: `bench_real DIR [ROUNDS]`: every audio file below DIR is decoded
//! once, then each round classifies every clip and the synthetic 30 s clip
//! at 22050 Hz. Prints JSON: median ms per real clip, per synthetic clip,
//! and their ratio.

use std::path::{Path, PathBuf};
use std::time::Instant;

use genre_classifier::decode::decode_file;
use genre_classifier::Model;

#[path = "common/synthetic.rs"]
mod synthetic;

fn audio_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            audio_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| ["wav", "flac", "mp3", "ogg"].contains(&e.to_string_lossy().as_ref()))
        {
            out.push(p);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: bench_real DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut files = Vec::new();
    audio_files(Path::new(dir), &mut files);
    let clips: Vec<_> = files.iter().filter_map(|f| decode_file(f).ok()).collect();
    if clips.is_empty() {
        eprintln!("no audio files below {dir}");
        std::process::exit(1);
    }
    let model = Model::embedded().expect("embedded model");
    let synth = synthetic::signal(30.0, 22050);
    let _ = model.classify(&synth, 22050); // warm-up
    let (mut real, mut synthetic_ms) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for c in &clips {
            let t = Instant::now();
            let _ = model.classify(&c.samples, c.sample_rate);
            real.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let _ = model.classify(&synth, 22050);
            synthetic_ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let (r, s) = (median(real), median(synthetic_ms));
    println!(
        "{{\"clips\": {}, \"rounds\": {rounds}, \"real_ms\": {r:.1}, \"synthetic_ms\": {s:.1}, \"ratio\": {:.3}}}",
        clips.len(),
        r / s
    );
}
