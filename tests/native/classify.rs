//! The crate-level classification API with the embedded model.

use genre_classifier::{classify, classify_with_progress, Error, Model, SAMPLE_RATE};

use crate::common::rng::Rng;

/// Seven seconds of a strummed chord with noise, at `sr` Hz.
fn signal(sr: u32) -> Vec<f32> {
    let mut rng = Rng::new(1);
    (0..7 * sr as usize)
        .map(|i| {
            let t = i as f32 / sr as f32;
            let noise = rng.uniform_in(-0.5, 0.5) as f32;
            let env = (-3.0 * (t % 0.5)).exp();
            env * [196.0, 246.9, 293.7]
                .iter()
                .map(|f| (2.0 * std::f32::consts::PI * f * t).sin())
                .sum::<f32>()
                / 3.0
                + 0.02 * noise
        })
        .collect()
}

#[test]
fn embedded_model_gives_a_consistent_result() {
    let model = Model::embedded().unwrap();
    assert_eq!(model.genres().len(), 10);
    let y = signal(SAMPLE_RATE);
    let c = classify(&y, SAMPLE_RATE).unwrap();
    assert_eq!(c.probabilities.len(), 10);
    let sum: f32 = c.probabilities.iter().map(|g| g.probability).sum();
    assert!((sum - 1.0).abs() < 1e-5);
    assert!(c.top3.len() <= 3 && c.top3.iter().all(|g| g.probability > 0.15));
    assert!(c
        .top3
        .windows(2)
        .all(|p| p[0].probability >= p[1].probability));
    assert_eq!(c.windows[0].start, 0.0);
    assert!((c.windows.last().unwrap().end - 7.0).abs() < 1e-3);
    assert_eq!(classify(&y, SAMPLE_RATE).unwrap(), c);
}

#[test]
fn progress_can_cancel() {
    let y = signal(SAMPLE_RATE);
    let r = classify_with_progress(&y, SAMPLE_RATE, &mut |done, _| done == 0);
    assert_eq!(r, Err(Error::Cancelled));
}
