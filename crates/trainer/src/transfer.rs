//! Personal models: the user's labels on top of a trained model (the
//! shipped one). The new model keeps the base model's window, input
//! transform, standardisation and hidden layers (498 -> 300 -> 200) and gets
//! a new output layer 200 -> K, trained on the user's songs; in
//! [`Mode::FineTune`] every layer is then trained a little further.

use genre_classifier::model::{ModelFile, Precision};
use genre_classifier::{Error, Model};
use ndarray::Array2;

use crate::net::{header, Epoch, Hyper, Mlp};
use crate::rng::Rng;
use crate::songs::SongSet;
use crate::standardise::Standardiser;

/// Which layers a personal model trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Only the new output layer; the hidden layers stay the base model's.
    Frozen,
    /// The new output layer first (as [`Mode::Frozen`]), then every layer
    /// for a few steps at a lower learning rate.
    FineTune,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 2] = [Mode::Frozen, Mode::FineTune];

    /// Its name in the JavaScript API: `frozen` or `fine-tune`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Frozen => "frozen",
            Mode::FineTune => "fine-tune",
        }
    }

    /// The mode of a name, or a [`Error::Training`] naming the choices.
    pub fn from_name(name: &str) -> Result<Mode, Error> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| Error::Training {
                reason: format!("unknown mode \"{name}\" (frozen or fine-tune)"),
            })
    }
}

/// The mode personal models train in unless told otherwise; chosen by
/// `genre-train personal` (see model/PERSONAL.md).
pub const DEFAULT_MODE: Mode = Mode::Frozen;

/// How a personal model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Which layers are trained.
    pub mode: Mode,
    /// Training of the new output layer (no dropout: it has no hidden layer).
    pub head: Hyper,
    /// Training of every layer afterwards, in [`Mode::FineTune`] only.
    pub fine: Hyper,
}

impl Settings {
    /// The settings of a mode.
    pub fn new(mode: Mode) -> Settings {
        Settings {
            mode,
            head: Hyper {
                steps: 300,
                batch: 64,
                learning_rate: 3e-3,
                weight_decay: 0.01,
                dropout: 0.0,
            },
            fine: Hyper {
                steps: 150,
                batch: 64,
                learning_rate: 1e-4,
                weight_decay: 0.01,
                dropout: 0.5,
            },
        }
    }

    /// Epochs of each training stage for `rows` training windows.
    fn epochs(&self, rows: usize) -> usize {
        let stage = |h: Hyper| (h.steps * h.batch).div_ceil(rows.max(1)).max(1);
        stage(self.head)
            + match self.mode {
                Mode::Frozen => 0,
                Mode::FineTune => stage(self.fine),
            }
    }
}

/// A base model's layers and the training rows through them, computed once
/// and shared by every training on the set (cross-validation folds and the
/// final model).
pub struct Prepared<'a> {
    base: &'a Model,
    set: &'a SongSet,
    /// Network inputs: input transform, standardisation, clamp.
    x: Array2<f32>,
    /// Activations of the last hidden layer.
    h: Array2<f32>,
}

impl<'a> Prepared<'a> {
    /// The rows of `set` through `base`'s input transform, standardisation
    /// and hidden layers. The base needs at least one hidden layer.
    pub fn new(base: &'a Model, set: &'a SongSet) -> Result<Self, Error> {
        let hidden = base.layers().len().saturating_sub(1);
        if hidden == 0 {
            return Err(Error::InvalidModel {
                reason: "a personal model needs a base model with hidden layers".into(),
            });
        }
        let f = set.features();
        let mut x = Array2::zeros((f.nrows(), f.ncols()));
        let mut v = [0.0f32; genre_classifier::N_FEATURES];
        for (mut out, row) in x.rows_mut().into_iter().zip(f.rows()) {
            for (d, s) in v.iter_mut().zip(row) {
                *d = *s;
            }
            out.assign(&base.network_input(&v));
        }
        let net = Mlp::from_layers(&base.layers()[..hidden]).map_err(candle)?;
        let h = net.hidden(&x, hidden).map_err(candle)?;
        Ok(Prepared { base, set, x, h })
    }

    /// The set.
    pub fn set(&self) -> &SongSet {
        self.set
    }
}

/// A trained personal model.
#[derive(Debug, Clone)]
pub struct Personal {
    /// The model file's bytes (`Model::from_bytes` loads them).
    pub bytes: Vec<u8>,
    /// The model, as loaded from `bytes`.
    pub model: Model,
    /// Mean training loss of each epoch (output layer, then every layer in
    /// [`Mode::FineTune`]).
    pub loss_curve: Vec<f32>,
}

/// Progress of one training: the epoch done and its loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Epochs done, from 1, over both stages.
    pub epoch: usize,
    /// Epochs in all.
    pub epochs: usize,
    /// The epoch's mean training loss.
    pub loss: f32,
}

/// Frozen weights as small as they stay exact: int8 when they are
/// dequantised int8 weights (the shipped model's: re-encoding gives them
/// back to within a rounding of each row's scale), f32 otherwise.
fn stored(w: &[f32], outputs: usize, inputs: usize) -> genre_classifier::model::Weights {
    let i8 = Precision::I8.encode(w, inputs);
    let exact = i8.to_f32(outputs).is_ok_and(|back| {
        back.iter()
            .zip(w)
            .all(|(a, b)| (a - b).abs() <= 1e-6 * b.abs().max(1e-6))
    });
    if exact {
        i8
    } else {
        Precision::F32.encode(w, inputs)
    }
}

fn candle(e: candle_core::Error) -> Error {
    Error::Training {
        reason: format!("the training failed: {e}"),
    }
}

/// Trains a personal model on the songs `songs` (indices into the set) of
/// `prep`, from `seed`. `on_step` is called after each epoch; returning
/// `false` ends the training with [`Error::Cancelled`].
pub fn train(
    prep: &Prepared,
    songs: &[usize],
    settings: &Settings,
    seed: u64,
    on_step: &mut dyn FnMut(&Step) -> bool,
) -> Result<Personal, Error> {
    let set = prep.set;
    let (rows, y, w) = set.rows(songs);
    if rows.is_empty() {
        return Err(Error::Training {
            reason: "no songs to train on".into(),
        });
    }
    let epochs = settings.epochs(rows.len());
    let mut done = 0usize;
    let mut report = |e: &Epoch| {
        done += 1;
        on_step(&Step {
            epoch: done,
            epochs,
            loss: e.loss,
        })
    };
    let mut rng = Rng::new(seed);
    let hidden = prep.base.layers().len() - 1;
    let k = set.labels().len();
    let width = prep.h.ncols();

    // The new output layer on the hidden activations.
    let h = prep.h.select(ndarray::Axis(0), &rows);
    let mut head = Mlp::init(&[width, k], &mut rng).map_err(candle)?;
    let t = head
        .train(&h, &y, &w, settings.head, &mut rng, &mut report)
        .map_err(candle)?;
    if t.cancelled {
        return Err(Error::Cancelled);
    }
    let mut loss_curve = t.loss_curve;
    let head_layer = head.dense_layers().map_err(candle)?;

    let base_hidden = &prep.base.layers()[..hidden];
    let layers = match settings.mode {
        Mode::Frozen => {
            let mut layers: Vec<_> = base_hidden
                .iter()
                .map(|l| {
                    let w: Vec<f32> = l.weights().iter().copied().collect();
                    genre_classifier::model::DenseLayer {
                        inputs: l.inputs() as u32,
                        outputs: l.outputs() as u32,
                        weights: stored(&w, l.outputs(), l.inputs()),
                        bias: l.bias().to_vec(),
                    }
                })
                .collect();
            layers.extend(head_layer);
            layers
        }
        Mode::FineTune => {
            let mut params = Vec::new();
            let dev = candle_core::Device::Cpu;
            for l in base_hidden {
                let w: Vec<f32> = l.weights().iter().copied().collect();
                params.push((
                    candle_core::Tensor::from_vec(w, (l.outputs(), l.inputs()), &dev)
                        .map_err(candle)?,
                    candle_core::Tensor::from_vec(l.bias().to_vec(), l.outputs(), &dev)
                        .map_err(candle)?,
                ));
            }
            let hv = head.vars();
            params.push((
                hv[0].as_tensor().detach().copy().map_err(candle)?,
                hv[1].as_tensor().detach().copy().map_err(candle)?,
            ));
            let mut net = Mlp::from_tensors(params).map_err(candle)?;
            let x = prep.x.select(ndarray::Axis(0), &rows);
            let t = net
                .train(&x, &y, &w, settings.fine, &mut rng, &mut report)
                .map_err(candle)?;
            if t.cancelled {
                return Err(Error::Cancelled);
            }
            loss_curve.extend(t.loss_curve);
            net.dense_layers().map_err(candle)?
        }
    };
    let base = prep.base;
    let standardiser = Standardiser {
        mean: base.mean().clone(),
        std: base.std().clone(),
    };
    let file = ModelFile {
        header: header(
            &standardiser,
            base.input_transform(),
            base.window_s(),
            base.hop_s(),
            set.labels(),
        ),
        layers,
    };
    let bytes = file.to_bytes()?;
    let model = Model::from_bytes(&bytes)?;
    Ok(Personal {
        bytes,
        model,
        loss_curve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::{estimate, Outcome};
    use genre_classifier::N_FEATURES;

    /// Features of `songs` songs per label of 3 windows each: label `l`
    /// raises its own block of features, so the labels are separable.
    fn set(labels: usize, songs: usize) -> SongSet {
        let base = Model::embedded().unwrap();
        let mut rng = Rng::new(3);
        let (mut sl, mut sw, mut f) = (Vec::new(), Vec::new(), Vec::new());
        for l in 0..labels {
            for _ in 0..songs {
                sl.push(l);
                sw.push(3);
                for _ in 0..3 {
                    for j in 0..N_FEATURES {
                        let z = rng.uniform() - 0.5 + if j % labels == l { 1.5 } else { 0.0 };
                        f.push(base.mean()[j] + z * base.std()[j]);
                    }
                }
            }
        }
        let names = (0..labels).map(|l| format!("mine {l}")).collect();
        SongSet::new(names, &sl, &sw, f).unwrap()
    }

    fn quick(mode: Mode) -> Settings {
        let mut s = Settings::new(mode);
        s.head.steps = 40;
        s.fine.steps = 4;
        s
    }

    #[test]
    fn frozen_keeps_the_base_hidden_layers_and_learns_the_labels() {
        let base = Model::embedded().unwrap();
        let set = set(3, 4);
        let prep = Prepared::new(base, &set).unwrap();
        let all: Vec<usize> = (0..12).collect();
        let p = train(&prep, &all, &quick(Mode::Frozen), 9, &mut |_| true).unwrap();
        assert_eq!(p.model.genres(), set.labels());
        assert_eq!(p.model.window_s(), base.window_s());
        assert_eq!(p.model.hop_s(), base.hop_s());
        assert_eq!(p.model.input_transform(), base.input_transform());
        assert_eq!(p.model.mean(), base.mean());
        let layers = p.model.layers();
        assert_eq!(layers.len(), 3);
        assert_eq!(layers[2].outputs(), 3);
        for (a, b) in layers[..2].iter().zip(&base.layers()[..2]) {
            assert_eq!(a.bias(), b.bias());
            let d = a
                .weights()
                .iter()
                .zip(b.weights().iter())
                .map(|(x, y)| (x - y).abs() / y.abs().max(1e-3))
                .fold(0.0f32, f32::max);
            assert!(d < 1e-5, "hidden weights moved by {d}");
        }
        // The training songs are told apart, and the loss fell.
        for s in set.songs() {
            let row = set.features().row(s.start);
            let x: [f32; N_FEATURES] = std::array::from_fn(|i| row[i]);
            let probs = p.model.predict(&x);
            let best = (0..3).fold(0, |b, i| if probs[i] > probs[b] { i } else { b });
            assert_eq!(best, s.label);
        }
        assert!(p.loss_curve.last().unwrap() < &p.loss_curve[0]);
        // Deterministic, and the bytes are the model.
        let again = train(&prep, &all, &quick(Mode::Frozen), 9, &mut |_| true).unwrap();
        assert_eq!(again.bytes, p.bytes);
        assert_eq!(Model::from_bytes(&p.bytes).unwrap(), p.model);
    }

    #[test]
    fn fine_tuning_moves_the_hidden_layers() {
        let base = Model::embedded().unwrap();
        let set = set(2, 2);
        let prep = Prepared::new(base, &set).unwrap();
        let mut steps = 0;
        let p = train(&prep, &[0, 1, 2, 3], &quick(Mode::FineTune), 4, &mut |s| {
            steps = s.epochs;
            true
        })
        .unwrap();
        assert_eq!(p.loss_curve.len(), steps);
        assert_ne!(p.model.layers()[0].weights(), base.layers()[0].weights());
        assert_eq!(p.model.layers()[2].outputs(), 2);
        let r = train(&prep, &[0, 1, 2, 3], &quick(Mode::FineTune), 4, &mut |s| {
            s.epoch < 2
        });
        assert_eq!(r.unwrap_err(), Error::Cancelled);
    }

    #[test]
    fn the_estimate_is_grouped_by_song_and_needs_two_songs_per_label() {
        let base = Model::embedded().unwrap();
        let set3 = set(3, 3);
        let prep = Prepared::new(base, &set3).unwrap();
        let mut folds_seen = Vec::new();
        let out = estimate(&prep, &Settings::new(Mode::Frozen), 5, &mut |f| {
            folds_seen.push(f.fold);
            true
        })
        .unwrap();
        let Outcome::Estimate(e) = out else {
            panic!("an estimate")
        };
        assert_eq!(e.folds, 3);
        assert_eq!(e.songs, 9);
        assert_eq!(folds_seen.first(), Some(&1));
        assert_eq!(folds_seen.last(), Some(&3));
        // Well above chance (1/3), from 2 training songs per label.
        assert!(e.accuracy > 0.6, "{e:?}");
        assert_eq!(e.confusion.iter().flatten().sum::<usize>(), 9);
        // Every song is held out by exactly one fold, and each fold holds
        // songs of every label (k <= songs of the smallest label).
        let f = crate::estimate::song_folds(&set3, 3, 1);
        for k in 0..3 {
            for l in 0..3 {
                assert!((0..9).any(|s| f[s] == k && set3.songs()[s].label == l));
            }
        }
        let set1 = set(2, 1);
        let prep = Prepared::new(base, &set1).unwrap();
        let out = estimate(&prep, &quick(Mode::Frozen), 5, &mut |_| true).unwrap();
        assert!(
            matches!(out, Outcome::Unavailable { reason } if reason.contains("\"mine 0\", \"mine 1\" have only one song"))
        );
    }
}
