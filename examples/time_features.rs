//! Times the feature extractor on raw little-endian f32 samples at 22050 Hz.
//!
//! Usage: `time_features <samples.f32> [runs]`. Prints one JSON object with
//! the median and minimum seconds of `extract`, of the STFT-based groups
//! alone and of the tonnetz stage alone, over `runs` runs (default 20) after
//! one warm-up run each.

use std::time::Instant;

use genre_classifier::features::tonnetz_stats;
use genre_classifier::features::{spectral, Groups};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    std::hint::black_box(f());
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect();
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    (median(times), min)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: time_features <samples.f32> [runs]")?;
    let runs: usize = args.next().map_or(Ok(20), |r| r.parse())?.max(1);
    let bytes = std::fs::read(&path)?;
    let y: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let (extract_median, extract_min) = time(runs, || genre_classifier::extract(&y));
    let (stft_median, stft_min) = time(runs, || spectral(&y, Groups::ALL));
    let (tonnetz_median, _) = time(runs, || tonnetz_stats(&y, 0.0));
    println!(
        "{{\"samples\": {}, \"runs\": {runs}, \"extract_median_s\": {extract_median:.6}, \
         \"extract_min_s\": {extract_min:.6}, \"stft_groups_median_s\": {stft_median:.6}, \
         \"stft_groups_min_s\": {stft_min:.6}, \"tonnetz_median_s\": {tonnetz_median:.6}}}",
        y.len()
    );
    Ok(())
}
