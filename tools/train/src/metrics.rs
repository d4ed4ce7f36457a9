//! Accuracy, balanced accuracy, the confusion matrix, and clip
//! probabilities from window logits.

use genre_classifier::model::calibrated_softmax;

/// Confusion counts: `m[true][predicted]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion(pub Vec<Vec<usize>>);

impl Confusion {
    pub fn new(classes: usize) -> Self {
        Confusion(vec![vec![0; classes]; classes])
    }

    pub fn add(&mut self, truth: usize, predicted: usize) {
        self.0[truth][predicted] += 1;
    }

    pub fn total(&self) -> usize {
        self.0.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.0.len()).map(|i| self.0[i][i]).sum();
        correct as f64 / self.total().max(1) as f64
    }

    /// Recall of each class (`None` for a class with no example).
    pub fn recalls(&self) -> Vec<Option<f64>> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let n: usize = row.iter().sum();
                (n > 0).then(|| row[i] as f64 / n as f64)
            })
            .collect()
    }

    /// Mean recall over the classes present.
    pub fn balanced_accuracy(&self) -> f64 {
        let r: Vec<f64> = self.recalls().into_iter().flatten().collect();
        r.iter().sum::<f64>() / r.len().max(1) as f64
    }

    pub fn merge(&mut self, other: &Confusion) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Mean and (sample) standard deviation.
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Index of the largest value.
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// A clip's probabilities at a temperature: the mean over its windows of
/// the calibrated softmax, as at run time.
pub fn probs_at(logits: &[Vec<Vec<f32>>], temperature: f32) -> Vec<Vec<f32>> {
    logits
        .iter()
        .map(|windows| {
            let mut mean = vec![0.0f64; windows.first().map_or(0, Vec::len)];
            for z in windows {
                for (m, p) in mean.iter_mut().zip(calibrated_softmax(z, temperature)) {
                    *m += p as f64;
                }
            }
            mean.iter()
                .map(|m| (m / windows.len().max(1) as f64) as f32)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_accuracy_weights_classes_equally() {
        let mut c = Confusion::new(2);
        for _ in 0..8 {
            c.add(0, 0);
        }
        c.add(1, 0);
        c.add(1, 1);
        assert!((c.accuracy() - 0.9).abs() < 1e-12);
        assert!((c.balanced_accuracy() - 0.75).abs() < 1e-12);
    }
}
