//! The dense network in candle: seeded initialisation, training with
//! weighted cross-entropy, dropout and AdamW, export to the model file.

use candle_core::{DType, Device, Module, Tensor, Var, D};
use candle_nn::{Linear, Optimizer, ParamsAdamW};
use genre_classifier::layout::LAYOUT_VERSION;
use genre_classifier::model::{
    Dense, DenseLayer, Header, InputTransform, ModelFile, Precision, FORMAT_VERSION, MAGIC,
};
use ndarray::Array2;

use crate::rng::Rng;

/// A track is reported as confidently classified when its calibrated top
/// probability is at least this: the model rates its answer at least as
/// likely right as wrong.
pub const CONFIDENCE_THRESHOLD: f32 = 0.5;

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyper {
    /// Gradient steps, rounded up to whole epochs.
    pub steps: usize,
    /// Examples per gradient step.
    pub batch: usize,
    /// AdamW's learning rate.
    pub learning_rate: f64,
    /// AdamW's (decoupled) weight decay.
    pub weight_decay: f64,
    /// Probability of dropping a hidden unit during training.
    pub dropout: f32,
}

/// What [`Mlp::train`] reports after each epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Epoch {
    /// Epochs done, from 1.
    pub epoch: usize,
    /// Epochs in the whole training.
    pub epochs: usize,
    /// Mean training loss over the epoch's batches (with dropout).
    pub loss: f32,
}

/// The loss of each epoch of a training, or that it was stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Mean loss of each epoch done, in order.
    pub loss_curve: Vec<f32>,
    /// Whether the progress callback stopped the training before the end.
    pub cancelled: bool,
}

/// The network: linear layers with their trainable variables. Hidden
/// layers use ReLU; the last layer gives the logits.
pub struct Mlp {
    layers: Vec<Linear>,
    vars: Vec<Var>,
}

type CResult<T> = candle_core::Result<T>;

impl Mlp {
    /// Layers drawn uniformly in ±1/sqrt(fan_in) (PyTorch's default) from `rng`.
    pub fn init(widths: &[usize], rng: &mut Rng) -> CResult<Self> {
        let mut params = Vec::new();
        for w in widths.windows(2) {
            let (inputs, outputs) = (w[0], w[1]);
            let bound = 1.0 / (inputs as f32).sqrt();
            let mut draw = |n: usize| -> Vec<f32> {
                (0..n)
                    .map(|_| (rng.uniform() * 2.0 - 1.0) * bound)
                    .collect()
            };
            let weight = Tensor::from_vec(draw(inputs * outputs), (outputs, inputs), &Device::Cpu)?;
            let bias = Tensor::from_vec(draw(outputs), outputs, &Device::Cpu)?;
            params.push((weight, bias));
        }
        Self::from_tensors(params)
    }

    /// A network starting from the given layers (weights `[outputs,
    /// inputs]` and biases, first layer first), e.g. a trained model's.
    pub fn from_layers(layers: &[Dense]) -> CResult<Self> {
        let mut params = Vec::new();
        for l in layers {
            let w: Vec<f32> = l.weights().iter().copied().collect();
            let weight = Tensor::from_vec(w, (l.outputs(), l.inputs()), &Device::Cpu)?;
            let bias = Tensor::from_vec(l.bias().to_vec(), l.outputs(), &Device::Cpu)?;
            params.push((weight, bias));
        }
        Self::from_tensors(params)
    }

    /// A network of the given (weight, bias) tensors, any float dtype.
    pub fn from_tensors(params: Vec<(Tensor, Tensor)>) -> CResult<Self> {
        let mut layers = Vec::new();
        let mut vars = Vec::new();
        for (w, b) in params {
            let weight = Var::from_tensor(&w)?;
            let bias = Var::from_tensor(&b)?;
            layers.push(Linear::new(
                weight.as_tensor().clone(),
                Some(bias.as_tensor().clone()),
            ));
            vars.push(weight);
            vars.push(bias);
        }
        Ok(Mlp { layers, vars })
    }

    /// The trainable variables: weight then bias of each layer.
    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    /// Logits; with `dropout` (probability, mask source) hidden units are
    /// dropped and the rest scaled up.
    pub fn forward(&self, x: &Tensor, mut dropout: Option<(f32, &mut Rng)>) -> CResult<Tensor> {
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h)?;
            if i + 1 < self.layers.len() {
                h = h.relu()?;
                if let Some((p, rng)) = dropout.as_mut() {
                    if *p > 0.0 {
                        let keep = 1.0 - *p;
                        let mask: Vec<f32> = (0..h.elem_count())
                            .map(|_| {
                                if rng.uniform() < keep {
                                    1.0 / keep
                                } else {
                                    0.0
                                }
                            })
                            .collect();
                        let mask = Tensor::from_vec(mask, h.shape(), &Device::Cpu)?;
                        h = h.mul(&mask.to_dtype(h.dtype())?)?;
                    }
                }
            }
        }
        Ok(h)
    }

    /// Trains on rows of `x` (standardised) with labels `y`, each example
    /// weighted by `weights[row]` in the loss (see [`weighted_cross_entropy`]).
    /// `on_epoch` is called after each epoch; returning `false` stops the
    /// training there.
    pub fn train(
        &mut self,
        x: &Array2<f32>,
        y: &[usize],
        weights: &[f32],
        hyper: Hyper,
        rng: &mut Rng,
        on_epoch: &mut dyn FnMut(&Epoch) -> bool,
    ) -> CResult<Training> {
        let n = x.nrows();
        let xs = to_tensor(x)?;
        let mut opt = candle_nn::AdamW::new(
            self.vars.clone(),
            ParamsAdamW {
                lr: hyper.learning_rate,
                weight_decay: hyper.weight_decay,
                ..Default::default()
            },
        )?;
        let mut order: Vec<usize> = (0..n).collect();
        let epochs = (hyper.steps * hyper.batch).div_ceil(n.max(1)).max(1);
        let mut loss_curve = Vec::with_capacity(epochs);
        for epoch in 0..epochs {
            rng.shuffle(&mut order);
            let (mut sum, mut batches) = (0.0f64, 0usize);
            for batch in order.chunks(hyper.batch.max(1)) {
                let idx: Vec<u32> = batch.iter().map(|&i| i as u32).collect();
                let idx = Tensor::from_vec(idx, batch.len(), &Device::Cpu)?;
                let bx = xs.index_select(&idx, 0)?;
                let labels: Vec<usize> = batch.iter().map(|&i| y[i]).collect();
                let w: Vec<f32> = batch.iter().map(|&i| weights[i]).collect();
                let logits = self.forward(&bx, Some((hyper.dropout, &mut *rng)))?;
                let loss = weighted_cross_entropy(&logits, &labels, &w)?;
                opt.backward_step(&loss)?;
                sum += loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
                batches += 1;
            }
            let e = Epoch {
                epoch: epoch + 1,
                epochs,
                loss: (sum / batches.max(1) as f64) as f32,
            };
            loss_curve.push(e.loss);
            if !on_epoch(&e) && epoch + 1 < epochs {
                return Ok(Training {
                    loss_curve,
                    cancelled: true,
                });
            }
        }
        Ok(Training {
            loss_curve,
            cancelled: false,
        })
    }

    /// Softmax probabilities of rows of `x` (standardised), no dropout.
    pub fn predict(&self, x: &Array2<f32>) -> CResult<Array2<f32>> {
        let p = candle_nn::ops::softmax(&self.forward(&to_tensor(x)?, None)?, D::Minus1)?;
        to_array(&p)
    }

    /// Activations of rows of `x` (standardised) after the first `layers`
    /// layers (with their ReLU), no dropout: the input of the next layer.
    pub fn hidden(&self, x: &Array2<f32>, layers: usize) -> CResult<Array2<f32>> {
        let mut h = to_tensor(x)?;
        for layer in self.layers.iter().take(layers) {
            h = layer.forward(&h)?.relu()?;
        }
        to_array(&h)
    }

    /// The layers as the core's dense layers (weights at f32).
    pub fn dense_layers(&self) -> CResult<Vec<DenseLayer>> {
        self.encoded_layers(&vec![Precision::F32; self.layers.len()])
    }

    /// The layers as model-file layers, layer `i` at `precisions[i]`.
    pub fn encoded_layers(&self, precisions: &[Precision]) -> CResult<Vec<DenseLayer>> {
        let mut layers = Vec::new();
        for (l, p) in self.layers.iter().zip(precisions) {
            let (outputs, inputs) = l.weight().dims2()?;
            let w = l
                .weight()
                .to_dtype(DType::F32)?
                .flatten_all()?
                .to_vec1::<f32>()?;
            let b = match l.bias() {
                Some(b) => b.to_dtype(DType::F32)?.to_vec1::<f32>()?,
                None => vec![0.0; outputs],
            };
            layers.push(DenseLayer {
                inputs: inputs as u32,
                outputs: outputs as u32,
                weights: p.encode(&w, inputs),
                bias: b,
            });
        }
        Ok(layers)
    }

    /// The trained network as a model file for the output classes
    /// `labels`: the input transform and the standardisation it was trained
    /// with, temperature 1 and [`CONFIDENCE_THRESHOLD`] (calibration may set
    /// both later).
    pub fn export(
        &self,
        standardiser: &crate::standardise::Standardiser,
        input: InputTransform,
        window_s: f32,
        hop_s: f32,
        labels: &[String],
        precision: Precision,
    ) -> CResult<ModelFile> {
        Ok(ModelFile {
            header: header(standardiser, input, window_s, hop_s, labels),
            layers: self.encoded_layers(&vec![precision; self.layers.len()])?,
        })
    }
}

/// A model file header: the current versions, `labels` as the genres,
/// temperature 1 and [`CONFIDENCE_THRESHOLD`].
pub fn header(
    standardiser: &crate::standardise::Standardiser,
    input: InputTransform,
    window_s: f32,
    hop_s: f32,
    labels: &[String],
) -> Header {
    Header {
        magic: MAGIC,
        format_version: FORMAT_VERSION,
        layout_version: LAYOUT_VERSION,
        genres: labels.to_vec(),
        window_s,
        hop_s,
        feature_mean: standardiser.mean.to_vec(),
        feature_std: standardiser.std.to_vec(),
        input,
        temperature: 1.0,
        confidence_threshold: CONFIDENCE_THRESHOLD,
    }
}

/// Weighted cross-entropy of `logits` (`[batch, classes]`) against class
/// indices `labels`: `-sum_i w_i log softmax(z_i)[y_i] / sum_i w_i`.
pub fn weighted_cross_entropy(
    logits: &Tensor,
    labels: &[usize],
    weights: &[f32],
) -> CResult<Tensor> {
    let n = labels.len();
    let wsum: f32 = weights.iter().sum();
    let labels: Vec<u32> = labels.iter().map(|&l| l as u32).collect();
    let labels = Tensor::from_vec(labels, (n, 1), &Device::Cpu)?;
    let weights = Tensor::from_vec(weights.to_vec(), n, &Device::Cpu)?.to_dtype(logits.dtype())?;
    let logp = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let picked = logp.gather(&labels, 1)?.squeeze(1)?;
    picked.mul(&weights)?.sum_all()? / (-(wsum as f64))
}

/// Rows of `x` as a `[rows, cols]` f32 tensor.
fn to_tensor(x: &Array2<f32>) -> CResult<Tensor> {
    let x = x.as_standard_layout();
    let v = x.as_slice().unwrap_or_default();
    Tensor::from_slice(v, (x.nrows(), x.ncols()), &Device::Cpu)
}

/// A `[rows, cols]` tensor as an f32 array.
fn to_array(t: &Tensor) -> CResult<Array2<f32>> {
    let (r, c) = t.dims2()?;
    let v = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    Array2::from_shape_vec((r, c), v).map_err(|e| candle_core::Error::Msg(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standardise::Standardiser;
    use genre_classifier::layout::N_FEATURES;
    use genre_classifier::Model;
    use ndarray::Array1;

    const WIDTHS: [usize; 4] = [N_FEATURES, 300, 200, 10];

    fn no_progress(_: &Epoch) -> bool {
        true
    }

    fn labels10() -> Vec<String> {
        (0..10).map(|i| format!("label {i}")).collect()
    }

    #[test]
    fn core_forward_pass_matches_candle() {
        let mut rng = Rng::new(5);
        let mut mlp = Mlp::init(&WIDTHS, &mut rng).unwrap();
        // A little training so the weights are not just the initial draw.
        let x = Array2::from_shape_fn((40, N_FEATURES), |(i, j)| {
            ((i * 31 + j * 7) % 17) as f32 / 8.0 - 1.0
        });
        let y: Vec<usize> = (0..40).map(|i| i % 10).collect();
        let hyper = Hyper {
            steps: 9,
            batch: 16,
            learning_rate: 1e-3,
            weight_decay: 1e-3,
            dropout: 0.3,
        };
        mlp.train(&x, &y, &[1.0; 40], hyper, &mut rng, &mut no_progress)
            .unwrap();

        let st = Standardiser {
            mean: Array1::from_shape_fn(N_FEATURES, |j| (j % 5) as f32 * 0.1),
            std: Array1::from_shape_fn(N_FEATURES, |j| 0.5 + (j % 3) as f32),
        };
        let file = mlp
            .export(
                &st,
                InputTransform::default(),
                3.0,
                1.5,
                &labels10(),
                Precision::F32,
            )
            .unwrap();
        let model = Model::from_file(file).unwrap();

        let raw = Array2::from_shape_fn((8, N_FEATURES), |(i, j)| {
            ((i + 1) as f32 * (j as f32 * 0.013).sin()) * 2.0
        });
        let core = model.predict_batch(raw.view()).unwrap();
        let reference = mlp.predict(&st.apply(&raw)).unwrap();
        let max_diff = core
            .iter()
            .zip(reference.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(max_diff < 1e-5, "{max_diff}");
        assert_eq!(model.genres(), &labels10()[..]);
    }

    #[test]
    fn training_is_reproducible_and_reports_each_epoch() {
        let run = || {
            let mut rng = Rng::new(1);
            let mut mlp = Mlp::init(&[N_FEATURES, 8, 10], &mut rng).unwrap();
            let x = Array2::from_shape_fn((30, N_FEATURES), |(i, j)| ((i * j) % 7) as f32 - 3.0);
            let y: Vec<usize> = (0..30).map(|i| i % 10).collect();
            let hyper = Hyper {
                steps: 8,
                batch: 8,
                learning_rate: 1e-2,
                weight_decay: 0.0,
                dropout: 0.5,
            };
            let mut seen = Vec::new();
            let t = mlp
                .train(&x, &y, &[1.0; 30], hyper, &mut rng, &mut |e| {
                    seen.push(*e);
                    true
                })
                .unwrap();
            // 8 steps of 8 over 30 rows: 3 epochs of 4 batches.
            assert_eq!(seen.len(), 3);
            assert_eq!(seen[2].epochs, 3);
            assert_eq!(
                t.loss_curve,
                seen.iter().map(|e| e.loss).collect::<Vec<_>>()
            );
            assert!(!t.cancelled);
            (mlp.predict(&x).unwrap(), t.loss_curve)
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn training_stops_when_the_callback_says_so() {
        let mut rng = Rng::new(2);
        let mut mlp = Mlp::init(&[N_FEATURES, 4, 2], &mut rng).unwrap();
        let x = Array2::from_shape_fn((10, N_FEATURES), |(i, j)| ((i + j) % 3) as f32);
        let y: Vec<usize> = (0..10).map(|i| i % 2).collect();
        let hyper = Hyper {
            steps: 100,
            batch: 5,
            learning_rate: 1e-3,
            weight_decay: 0.0,
            dropout: 0.0,
        };
        let t = mlp
            .train(&x, &y, &[1.0; 10], hyper, &mut rng, &mut |e| e.epoch < 2)
            .unwrap();
        assert!(t.cancelled);
        assert_eq!(t.loss_curve.len(), 2);
    }

    /// The loss as a plain f64 function of the parameters, for the check.
    fn loss_of(params: &[(Tensor, Tensor)], x: &Tensor, y: &[usize], w: &[f32]) -> f64 {
        let mlp = Mlp::from_tensors(params.to_vec()).unwrap();
        let logits = mlp.forward(x, None).unwrap();
        weighted_cross_entropy(&logits, y, w)
            .unwrap()
            .to_scalar::<f64>()
            .unwrap()
    }

    #[test]
    fn gradients_match_finite_differences() {
        // A small dense+ReLU+softmax network in f64, class-weighted loss.
        let mut rng = Rng::new(11);
        let widths = [6usize, 5, 4, 3];
        let mut draw = |n: usize, scale: f64| -> Vec<f64> {
            (0..n)
                .map(|_| (rng.uniform() as f64 * 2.0 - 1.0) * scale)
                .collect()
        };
        let params: Vec<(Tensor, Tensor)> = widths
            .windows(2)
            .map(|w| {
                let weight =
                    Tensor::from_vec(draw(w[0] * w[1], 0.8), (w[1], w[0]), &Device::Cpu).unwrap();
                let bias = Tensor::from_vec(draw(w[1], 0.3), w[1], &Device::Cpu).unwrap();
                (weight, bias)
            })
            .collect();
        let x = Tensor::from_vec(draw(7 * 6, 1.5), (7, 6), &Device::Cpu).unwrap();
        let y = [0, 1, 2, 2, 1, 0, 2];
        let w = [1.0, 2.0, 0.5, 0.5, 2.0, 1.0, 0.5];

        let mlp = Mlp::from_tensors(params.clone()).unwrap();
        let loss = weighted_cross_entropy(&mlp.forward(&x, None).unwrap(), &y, &w).unwrap();
        let grads = loss.backward().unwrap();
        let eps = 1e-6;
        let mut checked = 0;
        for (vi, var) in mlp.vars().iter().enumerate() {
            let analytic: Vec<f64> = grads
                .get(var.as_tensor())
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap();
            let base: Vec<f64> = var.as_tensor().flatten_all().unwrap().to_vec1().unwrap();
            for (k, &g) in analytic.iter().enumerate() {
                let at = |delta: f64| {
                    let mut p = params.clone();
                    let mut v = base.clone();
                    v[k] += delta;
                    let t = Tensor::from_vec(v, var.as_tensor().shape(), &Device::Cpu).unwrap();
                    if vi % 2 == 0 {
                        p[vi / 2].0 = t;
                    } else {
                        p[vi / 2].1 = t;
                    }
                    loss_of(&p, &x, &y, &w)
                };
                let numeric = (at(eps) - at(-eps)) / (2.0 * eps);
                assert!(
                    (numeric - g).abs() <= 1e-6 + 1e-5 * g.abs(),
                    "parameter {vi}[{k}]: analytic {g}, numeric {numeric}"
                );
                checked += 1;
            }
        }
        // Every weight and bias of the three layers.
        assert_eq!(checked, 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
    }
}
