//! The dense network in candle: seeded initialisation, training with
//! class-weighted cross-entropy, dropout and AdamW, export to the model file.

use candle_core::{DType, Device, Module, Tensor, Var, D};
use candle_nn::{Linear, Optimizer, ParamsAdamW};
use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use genre_classifier::model::{
    DenseLayer, Header, InputTransform, ModelFile, Precision, FORMAT_VERSION, MAGIC,
};
use ndarray::{Array1, Array2};

use crate::rng::Rng;

/// Widths of the layers, input first.
pub const WIDTHS: [usize; 4] = [N_FEATURES, 300, 200, 10];

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyper {
    /// Gradient steps, rounded up to whole epochs.
    pub steps: usize,
    pub batch: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub dropout: f32,
}

/// The network: linear layers with their trainable variables.
pub struct Mlp {
    layers: Vec<Linear>,
    vars: Vec<Var>,
}

type CResult<T> = candle_core::Result<T>;

impl Mlp {
    /// Layers drawn uniformly in ±1/sqrt(fan_in) (PyTorch's default) from `rng`.
    pub fn init(widths: &[usize], rng: &mut Rng) -> CResult<Self> {
        let mut layers = Vec::new();
        let mut vars = Vec::new();
        for w in widths.windows(2) {
            let (inputs, outputs) = (w[0], w[1]);
            let bound = 1.0 / (inputs as f32).sqrt();
            let mut draw = |n: usize| -> Vec<f32> {
                (0..n)
                    .map(|_| (rng.uniform() * 2.0 - 1.0) * bound)
                    .collect()
            };
            let weight = Var::from_tensor(&Tensor::from_vec(
                draw(inputs * outputs),
                (outputs, inputs),
                &Device::Cpu,
            )?)?;
            let bias = Var::from_tensor(&Tensor::from_vec(draw(outputs), outputs, &Device::Cpu)?)?;
            layers.push(Linear::new(
                weight.as_tensor().clone(),
                Some(bias.as_tensor().clone()),
            ));
            vars.push(weight);
            vars.push(bias);
        }
        Ok(Mlp { layers, vars })
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
                        h = h.mul(&Tensor::from_vec(mask, h.shape(), &Device::Cpu)?)?;
                    }
                }
            }
        }
        Ok(h)
    }

    /// Trains on rows of `x` (standardised) with labels `y`, each example
    /// weighted by its class weight.
    pub fn train(
        &mut self,
        x: &Array2<f32>,
        y: &[usize],
        class_weight: &[f32],
        hyper: Hyper,
        rng: &mut Rng,
    ) -> CResult<()> {
        let n = x.nrows();
        let xs = Tensor::from_slice(
            x.as_slice().expect("standard layout"),
            (n, x.ncols()),
            &Device::Cpu,
        )?;
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
        for _ in 0..epochs {
            rng.shuffle(&mut order);
            for batch in order.chunks(hyper.batch) {
                let idx: Vec<u32> = batch.iter().map(|&i| i as u32).collect();
                let idx = Tensor::from_vec(idx, batch.len(), &Device::Cpu)?;
                let bx = xs.index_select(&idx, 0)?;
                let labels: Vec<u32> = batch.iter().map(|&i| y[i] as u32).collect();
                let weights: Vec<f32> = batch.iter().map(|&i| class_weight[y[i]]).collect();
                let wsum: f32 = weights.iter().sum();
                let labels = Tensor::from_vec(labels, (batch.len(), 1), &Device::Cpu)?;
                let weights = Tensor::from_vec(weights, batch.len(), &Device::Cpu)?;
                let logits = self.forward(&bx, Some((hyper.dropout, &mut *rng)))?;
                let logp = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
                let picked = logp.gather(&labels, 1)?.squeeze(1)?;
                let loss = (picked.mul(&weights)?.sum_all()? / (-(wsum as f64)))?;
                opt.backward_step(&loss)?;
            }
        }
        Ok(())
    }

    /// Softmax probabilities of rows of `x` (standardised), no dropout.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn predict(&self, x: &Array2<f32>) -> CResult<Array2<f32>> {
        let xs = Tensor::from_slice(
            x.as_slice().expect("standard layout"),
            (x.nrows(), x.ncols()),
            &Device::Cpu,
        )?;
        let p = candle_nn::ops::softmax(&self.forward(&xs, None)?, D::Minus1)?;
        let (r, c) = p.dims2()?;
        let v = p.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        Ok(Array2::from_shape_vec((r, c), v).expect("shape matches"))
    }

    /// The trained network as a model file: the input transform and the
    /// standardisation it was trained with, temperature 1 and the default
    /// confidence threshold (calibration sets both later).
    pub fn export(
        &self,
        mean: &Array1<f32>,
        std: &Array1<f32>,
        input: InputTransform,
        window_s: f32,
        hop_s: f32,
        precision: Precision,
    ) -> CResult<ModelFile> {
        let mut layers = Vec::new();
        for l in &self.layers {
            let (outputs, inputs) = l.weight().dims2()?;
            let w = l.weight().flatten_all()?.to_vec1::<f32>()?;
            let b = match l.bias() {
                Some(b) => b.to_vec1::<f32>()?,
                None => vec![0.0; outputs],
            };
            layers.push(DenseLayer {
                inputs: inputs as u32,
                outputs: outputs as u32,
                weights: precision.encode(&w, inputs),
                bias: b,
            });
        }
        Ok(ModelFile {
            header: Header {
                magic: MAGIC,
                format_version: FORMAT_VERSION,
                layout_version: LAYOUT_VERSION,
                genres: crate::data::GENRES.iter().map(|g| g.to_string()).collect(),
                window_s,
                hop_s,
                feature_mean: mean.to_vec(),
                feature_std: std.to_vec(),
                input,
                temperature: 1.0,
                confidence_threshold: crate::calibrate::CONFIDENCE_THRESHOLD,
            },
            layers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use genre_classifier::Model;

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
        mlp.train(&x, &y, &[1.0; 10], hyper, &mut rng).unwrap();

        let mean = Array1::from_shape_fn(N_FEATURES, |j| (j % 5) as f32 * 0.1);
        let std = Array1::from_shape_fn(N_FEATURES, |j| 0.5 + (j % 3) as f32);
        let model = Model::from_file(
            mlp.export(
                &mean,
                &std,
                InputTransform::default(),
                3.0,
                1.5,
                Precision::F32,
            )
            .unwrap(),
        )
        .unwrap();

        let raw = Array2::from_shape_fn((8, N_FEATURES), |(i, j)| {
            ((i + 1) as f32 * (j as f32 * 0.013).sin()) * 2.0
        });
        let core = model.predict_batch(raw.view()).unwrap();
        let standardised = (&raw - &mean) / &std;
        let reference = mlp
            .predict(&standardised.as_standard_layout().to_owned())
            .unwrap();
        let max_diff = core
            .iter()
            .zip(reference.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(max_diff < 1e-5, "{max_diff}");
    }

    #[test]
    fn training_is_reproducible() {
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
            mlp.train(&x, &y, &[1.0; 10], hyper, &mut rng).unwrap();
            mlp.predict(&x).unwrap()
        };
        assert_eq!(run(), run());
    }
}
