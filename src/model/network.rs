//! The dense network's forward pass.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// One fully connected layer, weights `[outputs, inputs]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub(crate) weights: Array2<f32>,
    pub(crate) bias: Array1<f32>,
}

impl Dense {
    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }
    /// Number of outputs.
    pub fn outputs(&self) -> usize {
        self.weights.nrows()
    }
    /// The weights, `[outputs, inputs]`.
    pub fn weights(&self) -> &Array2<f32> {
        &self.weights
    }
    /// The biases, one per output.
    pub fn bias(&self) -> &Array1<f32> {
        &self.bias
    }
}

/// Logits of a batch of standardised inputs (one row each): ReLU after every
/// layer but the last. Each row goes through [`logits_one`], so a row's
/// logits do not depend on the batch it is in.
pub fn logits(layers: &[Dense], x: ArrayView2<f32>) -> Array2<f32> {
    let outputs = layers.last().map_or(x.ncols(), Dense::outputs);
    let mut out = Array2::zeros((x.nrows(), outputs));
    for (mut o, row) in out.rows_mut().into_iter().zip(x.rows()) {
        o.assign(&logits_one(layers, row));
    }
    out
}

/// Logits of one standardised input, layer by layer as matrix-vector
/// products that read each weight row once (a matrix product would first
/// repack all the weights, for a single column).
pub fn logits_one(layers: &[Dense], x: ArrayView1<f32>) -> Array1<f32> {
    let mut h = x.to_owned();
    for (i, layer) in layers.iter().enumerate() {
        h = layer.weights.dot(&h) + &layer.bias;
        if i + 1 < layers.len() {
            h.mapv_inplace(|v| v.max(0.0));
        }
    }
    h
}

/// Softmax of each row, computed stably.
pub fn softmax_rows(mut z: Array2<f32>) -> Array2<f32> {
    for mut row in z.axis_iter_mut(Axis(0)) {
        let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row /= sum;
    }
    z
}

/// Softmax of one vector.
pub fn softmax(z: ArrayView1<f32>) -> Array1<f32> {
    let n = z.len();
    softmax_rows(
        z.to_owned()
            .into_shape_with_order((1, n))
            .unwrap_or_default(),
    )
    .into_shape_with_order(n)
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn relu_between_layers_and_linear_last() {
        let layers = [
            Dense {
                weights: array![[1.0, 0.0], [0.0, -1.0]],
                bias: array![0.0, 0.0],
            },
            Dense {
                weights: array![[1.0, 1.0]],
                bias: array![0.5],
            },
        ];
        // Hidden: [2, -3] -> ReLU [2, 0]; out: 2 + 0 + 0.5.
        let out = logits(&layers, array![[2.0, 3.0]].view());
        assert_eq!(out, array![[2.5]]);
        // Negative final outputs are kept (no ReLU on the last layer).
        let out = logits(&layers, array![[-4.0, 0.0]].view());
        assert_eq!(out, array![[0.5]]);
    }

    #[test]
    fn batch_rows_match_single_inputs_and_a_plain_forward_pass() {
        let value = |i: usize| ((i * 7919 % 1000) as f32 / 500.0) - 1.0;
        let dense = |outputs: usize, inputs: usize, seed: usize| Dense {
            weights: Array2::from_shape_fn((outputs, inputs), |(o, i)| {
                value(seed + o * inputs + i)
            }),
            bias: Array1::from_shape_fn(outputs, |o| value(seed + 3 * o)),
        };
        let layers = [dense(16, 37, 1), dense(5, 16, 2)];
        let x = Array2::from_shape_fn((3, 37), |(r, c)| value(100 + r * 37 + c));
        let batch = logits(&layers, x.view());
        for (row, got) in x.rows().into_iter().zip(batch.rows()) {
            assert_eq!(got, logits_one(&layers, row));
            // The same network written out as sums.
            let hidden: Vec<f32> = (0..16)
                .map(|o| {
                    let w = &layers[0].weights;
                    let z: f32 = (0..37).map(|i| w[[o, i]] * row[i]).sum();
                    (z + layers[0].bias[o]).max(0.0)
                })
                .collect();
            for o in 0..5 {
                let w = &layers[1].weights;
                let z: f32 =
                    (0..16).map(|i| w[[o, i]] * hidden[i]).sum::<f32>() + layers[1].bias[o];
                assert!(
                    (got[o] - z).abs() <= 1e-4 * z.abs().max(1.0),
                    "{} vs {z}",
                    got[o]
                );
            }
        }
    }

    #[test]
    fn softmax_is_stable_and_normalised() {
        let p = softmax(array![1000.0, 1000.0, -1000.0].view());
        assert!((p[0] - 0.5).abs() < 1e-6 && (p[1] - 0.5).abs() < 1e-6);
        assert_eq!(p[2], 0.0);
        let p = softmax(array![0.0, (2.0f32).ln()].view());
        assert!((p[1] - 2.0 / 3.0).abs() < 1e-6);
    }
}
