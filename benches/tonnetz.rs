//! Tonnetz of a 30 s synthetic clip at 22050 Hz (chords over noise).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use genre_classifier::dsp::cqt::CqtPlan;
use genre_classifier::dsp::decimate::halve;
use genre_classifier::features::tonnetz_stats;

fn clip() -> Vec<f32> {
    let sr = 22050.0f64;
    let mut s = 7u32;
    (0..30 * 22050)
        .map(|i| {
            let t = i as f64 / sr;
            let chord = [220.0, 277.18, 329.63, 880.0]
                .iter()
                .map(|f| (2.0 * std::f64::consts::PI * f * t).sin())
                .sum::<f64>();
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            (0.2 * chord + 0.05 * ((s >> 8) as f64 / 8388608.0 - 1.0)) as f32
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let y = clip();
    c.bench_function("tonnetz_stats 30 s (cached plan)", |b| {
        b.iter(|| tonnetz_stats(black_box(&y), 0.1))
    });
    c.bench_function("CqtPlan::new", |b| b.iter(|| CqtPlan::new(black_box(0.1))));
    c.bench_function("halve 30 s", |b| b.iter(|| halve(black_box(&y))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
