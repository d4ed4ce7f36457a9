//! Calibration of the output probabilities: temperature scaling fitted on
//! held-out clips, the calibration error, and the confidence threshold.

use crate::metrics::{argmax, probs_at};

/// A track is reported as confidently classified when its calibrated top
/// probability is at least this (defined with the network's export).
pub use genre_trainer::net::CONFIDENCE_THRESHOLD;

/// Temperatures the fit chooses from: 0.2 to 10, evenly spaced in log.
fn grid() -> impl Iterator<Item = f32> {
    (0..=80).map(|i| (0.2f64.ln() + (50f64.ln()) * i as f64 / 80.0).exp() as f32)
}

/// Mean negative log-likelihood of the true labels.
pub fn nll(probs: &[Vec<f32>], labels: &[usize]) -> f64 {
    let sum: f64 = probs
        .iter()
        .zip(labels)
        .map(|(p, &l)| -(p[l].max(1e-7) as f64).ln())
        .sum();
    sum / probs.len().max(1) as f64
}

/// The temperature of the grid that minimises the clip-level negative
/// log-likelihood of `labels` given the clips' window logits (the first of
/// equals; 1 when there are no clips).
pub fn fit_temperature(logits: &[Vec<Vec<f32>>], labels: &[usize]) -> f32 {
    if logits.is_empty() {
        return 1.0;
    }
    let mut best = (f64::INFINITY, 1.0);
    for t in grid() {
        let l = nll(&probs_at(logits, t), labels);
        if l < best.0 - 1e-12 {
            best = (l, t);
        }
    }
    best.1
}

/// Expected calibration error of the top probability over 10 equal-width
/// bins: the clip-weighted mean of |accuracy - mean confidence| per bin.
pub fn ece(probs: &[Vec<f32>], labels: &[usize]) -> f64 {
    const BINS: usize = 10;
    let mut conf = [0.0f64; BINS];
    let mut correct = [0.0f64; BINS];
    let mut count = [0usize; BINS];
    for (p, &l) in probs.iter().zip(labels) {
        let top = argmax(p);
        let c = p[top] as f64;
        let b = ((c * BINS as f64) as usize).min(BINS - 1);
        conf[b] += c;
        correct[b] += (top == l) as u8 as f64;
        count[b] += 1;
    }
    let n = probs.len().max(1) as f64;
    (0..BINS)
        .filter(|&b| count[b] > 0)
        .map(|b| (correct[b] - conf[b]).abs() / n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overconfident_logits_get_a_temperature_above_one() {
        // Two classes; the model is right 70% of the time but very sure.
        let mut logits = Vec::new();
        let mut labels = Vec::new();
        for i in 0..100 {
            logits.push(vec![vec![8.0, 0.0]]);
            labels.push(if i % 10 < 7 { 0 } else { 1 });
        }
        let t = fit_temperature(&logits, &labels);
        assert!(t > 2.0, "{t}");
        let before = ece(&probs_at(&logits, 1.0), &labels);
        let after = ece(&probs_at(&logits, t), &labels);
        assert!(after < 0.05 && before > 0.25, "{before} -> {after}");
        // exp(8 / t) / (1 + exp(8 / t)) should be close to 0.7.
        let p = probs_at(&logits[..1], t)[0][0];
        assert!((p - 0.7).abs() < 0.03, "{p}");
    }

    #[test]
    fn ece_is_zero_when_confidence_matches_accuracy() {
        let probs = vec![vec![0.5, 0.5]; 4];
        let labels = vec![0, 1, 0, 1];
        assert!(ece(&probs, &labels) < 1e-12);
        assert!((nll(&probs, &labels) - 2f64.ln()).abs() < 1e-6);
    }
}
