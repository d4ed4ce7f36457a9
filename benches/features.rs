//! Feature extraction speed on a 30 s synthetic clip, per STFT-based group
//! and for the whole extractor.

use criterion::{criterion_group, criterion_main, Criterion};
use genre_classifier::features::{spectral, Groups};
use genre_classifier::SAMPLE_RATE;
use std::hint::black_box;

/// 30 s of a three-note chord over low noise.
fn clip() -> Vec<f32> {
    let sr = SAMPLE_RATE as f64;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..30 * SAMPLE_RATE as usize)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            let t = i as f64 / sr;
            let tone: f64 = [220.0, 277.2, 329.6]
                .iter()
                .map(|f| (2.0 * std::f64::consts::PI * f * t).sin())
                .sum();
            (0.2 * tone + 0.05 * noise) as f32
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let y = clip();
    let mut group = c.benchmark_group("features_30s");
    group.sample_size(20);
    let none = Groups::NONE;
    let cases = [
        ("melspectrogram", Groups { mel: true, ..none }),
        ("mfcc", Groups { mfcc: true, ..none }),
        (
            "chroma_stft",
            Groups {
                chroma: true,
                ..none
            },
        ),
        (
            "tuning_estimates",
            Groups {
                tuning: true,
                ..none
            },
        ),
        ("stft_groups", Groups::ALL),
    ];
    for (name, g) in cases {
        group.bench_function(name, |b| b.iter(|| spectral(black_box(&y), g).unwrap()));
    }
    group.bench_function("extract", |b| {
        b.iter(|| genre_classifier::extract(black_box(&y)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
