//! What the network's inputs go through before training: the model's input
//! transform, standardisation with the training rows' statistics, and the
//! class weights of the loss.

use genre_classifier::layout::N_FEATURES;
use genre_classifier::model::InputTransform;
use ndarray::{Array1, Array2, Axis};

/// Per-feature mean and standard deviation: `(x - mean) / std`.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardiser {
    /// Subtracted from each feature.
    pub mean: Array1<f32>,
    /// Each feature is divided by this (positive and finite).
    pub std: Array1<f32>,
}

impl Standardiser {
    /// The statistics of the rows of `x` (see [`standardiser`]).
    pub fn fit(x: &Array2<f32>) -> Self {
        let (mean, std) = standardiser(x);
        Standardiser { mean, std }
    }

    /// Rows of `x` standardised, in standard layout.
    pub fn apply(&self, x: &Array2<f32>) -> Array2<f32> {
        ((x - &self.mean) / &self.std)
            .as_standard_layout()
            .to_owned()
    }
}

/// Rows of `x` through the input transform, in place.
pub fn transform_rows(x: &mut Array2<f32>, input: InputTransform) {
    let mut v = [0.0f32; N_FEATURES];
    for mut row in x.rows_mut() {
        for (d, s) in v.iter_mut().zip(row.iter()) {
            *d = *s;
        }
        input.apply(&mut v);
        for (d, s) in row.iter_mut().zip(&v) {
            *d = *s;
        }
    }
}

/// Per-feature mean and standard deviation (population); a constant
/// feature gets a deviation of 1 so it standardises to 0.
pub fn standardiser(x: &Array2<f32>) -> (Array1<f32>, Array1<f32>) {
    let xd = x.mapv(|v| v as f64);
    let mean = xd
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    let std = xd.std_axis(Axis(0), 0.0);
    let std = std.mapv(|s| {
        if s.is_finite() && s > 1e-12 {
            s as f32
        } else {
            1.0
        }
    });
    (mean.mapv(|m| m as f32), std)
}

/// Inverse class frequency over `labels`, scaled to average 1 per example;
/// 0 for a class with no example.
pub fn class_weights(labels: &[usize], classes: usize) -> Vec<f32> {
    let mut n = vec![0usize; classes];
    for &l in labels {
        n[l] += 1;
    }
    let present = n.iter().filter(|&&c| c > 0).count().max(1);
    n.iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                labels.len() as f32 / (present * c) as f32
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardised_rows_have_mean_zero_and_unit_deviation() {
        let x = Array2::from_shape_fn((6, 3), |(i, j)| {
            (i * (j + 1)) as f32 + if j == 2 { 0.0 } else { 1.0 }
        });
        let x = {
            let mut x = x;
            x.column_mut(2).fill(4.0);
            x
        };
        let s = Standardiser::fit(&x);
        let z = s.apply(&x);
        for j in 0..2 {
            let c = z.column(j);
            let mean = c.sum() / 6.0;
            let var = c.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 6.0;
            assert!(
                mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5,
                "{mean} {var}"
            );
        }
        // A constant column: deviation 1, standardised to 0.
        assert_eq!(s.std[2], 1.0);
        assert!(z.column(2).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn class_weights_balance_the_classes() {
        let w = class_weights(&[0, 0, 0, 1, 2, 2], 4);
        // 6 examples, 3 classes present: 6 / (3 * count).
        assert_eq!(w, vec![6.0 / 9.0, 2.0, 1.0, 0.0]);
        let total: f32 = [0, 0, 0, 1, 2, 2].iter().map(|&l| w[l]).sum();
        assert!((total - 6.0).abs() < 1e-5);
    }
}
