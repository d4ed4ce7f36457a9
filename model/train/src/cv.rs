//! Clip-level cross-validation: model selection on the training folds,
//! evaluation on the held-out fold, and the baselines.

use genre_classifier::layout::N_FEATURES;
use genre_classifier::model::Precision;
use genre_classifier::Model;
use ndarray::{Array1, Array2, Axis};

use crate::data::{n_windows, ClipFeatures, WindowSpec};
use crate::folds::stratified;
use crate::knn;
use crate::metrics::{argmax, Confusion};
use crate::net::{Hyper, Mlp, WIDTHS};
use crate::rng::Rng;

/// Folds of the inner cross-validation that selects the settings.
pub const INNER_FOLDS: usize = 3;
/// Neighbour counts the k-NN baseline chooses from.
pub const KS: [usize; 6] = [1, 3, 5, 9, 15, 25];

/// All clips' window features for each window spec, and the clip labels.
pub struct Corpus {
    pub labels: Vec<usize>,
    pub specs: Vec<WindowSpec>,
    /// `feats[spec][clip]`.
    pub feats: Vec<Vec<ClipFeatures>>,
    pub classes: usize,
}

/// One setting the selection chooses from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub spec: usize,
    pub hyper: Hyper,
}

impl Corpus {
    /// Window rows of `clips` for a spec, with each row's clip label.
    pub fn stack(&self, spec: usize, clips: &[usize]) -> (Array2<f32>, Vec<usize>) {
        let rows: usize = clips.iter().map(|&c| n_windows(&self.feats[spec][c])).sum();
        let mut x = Vec::with_capacity(rows * N_FEATURES);
        let mut y = Vec::with_capacity(rows);
        for &c in clips {
            let f = &self.feats[spec][c];
            x.extend_from_slice(f);
            y.extend(std::iter::repeat_n(self.labels[c], n_windows(f)));
        }
        (
            Array2::from_shape_vec((rows, N_FEATURES), x).expect("rows of 498"),
            y,
        )
    }

    /// Clip labels of `clips`.
    pub fn labels_of(&self, clips: &[usize]) -> Vec<usize> {
        clips.iter().map(|&c| self.labels[c]).collect()
    }
}

/// Per-feature mean and standard deviation (population); a constant
/// feature gets a deviation of 1 so it standardises to 0.
pub fn standardiser(x: &Array2<f32>) -> (Array1<f32>, Array1<f32>) {
    let xd = x.mapv(|v| v as f64);
    let mean = xd.mean_axis(Axis(0)).expect("rows");
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

/// Inverse class frequency over `labels`, scaled to average 1 per example.
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

/// Trains the network on `clips` with candidate `cand` and returns it as a
/// validated core model (so evaluation runs the product's own inference).
pub fn train_model(corpus: &Corpus, clips: &[usize], cand: Candidate, seed: u64) -> Model {
    let (x, y) = corpus.stack(cand.spec, clips);
    let (mean, std) = standardiser(&x);
    let xs = ((&x - &mean) / &std).as_standard_layout().to_owned();
    let weights = class_weights(&corpus.labels_of(clips), corpus.classes);
    let mut rng = Rng::new(seed);
    let mut mlp = Mlp::init(&WIDTHS, &mut rng).expect("init");
    mlp.train(&xs, &y, &weights, cand.hyper, &mut rng)
        .expect("training");
    let spec = corpus.specs[cand.spec];
    let file = mlp
        .export(&mean, &std, spec.window_s, spec.hop_s, Precision::F32)
        .expect("export");
    Model::from_file(file).expect("a trained model is valid")
}

/// Each clip's probabilities: the mean over its windows.
pub fn clip_probs(model: &Model, corpus: &Corpus, spec: usize, clips: &[usize]) -> Vec<Vec<f32>> {
    clips
        .iter()
        .map(|&c| {
            let f = &corpus.feats[spec][c];
            let x = Array2::from_shape_vec((n_windows(f), N_FEATURES), f.clone()).expect("rows");
            let p = model.predict_batch(x.view()).expect("498 features");
            p.mean_axis(Axis(0)).expect("windows").to_vec()
        })
        .collect()
}

/// Confusion of clip predictions (argmax of the probabilities).
pub fn confusion(probs: &[Vec<f32>], labels: &[usize], classes: usize) -> Confusion {
    let mut c = Confusion::new(classes);
    for (p, &l) in probs.iter().zip(labels) {
        c.add(l, argmax(p));
    }
    c
}

/// Balanced accuracy of each candidate in an inner cross-validation over
/// `clips`, and the index of the best (the first of equals).
pub fn select_net(
    corpus: &Corpus,
    clips: &[usize],
    cands: &[Candidate],
    seed: u64,
) -> (usize, Vec<f64>) {
    let folds = stratified(&corpus.labels_of(clips), INNER_FOLDS, seed);
    let scores: Vec<f64> = cands
        .iter()
        .enumerate()
        .map(|(ci, &cand)| {
            let mut total = Confusion::new(corpus.classes);
            for k in 0..INNER_FOLDS {
                let (train, test) = split(clips, &folds, k);
                let m = train_model(
                    corpus,
                    &train,
                    cand,
                    seed ^ (((ci * 31 + k) as u64 + 1) << 8),
                );
                let p = clip_probs(&m, corpus, cand.spec, &test);
                total.merge(&confusion(&p, &corpus.labels_of(&test), corpus.classes));
            }
            total.balanced_accuracy()
        })
        .collect();
    (best(&scores), scores)
}

/// k-NN clip probabilities: each window votes with its `k` nearest training
/// windows (standardised on the training clips), averaged over the clip.
pub fn knn_probs(
    corpus: &Corpus,
    spec: usize,
    train: &[usize],
    test: &[usize],
    ks: &[usize],
) -> Vec<Vec<Vec<f32>>> {
    let (x, y) = corpus.stack(spec, train);
    let (mean, std) = standardiser(&x);
    let xs = (&x - &mean) / &std;
    let k_max = ks.iter().copied().max().unwrap_or(1);
    let mut out = vec![Vec::with_capacity(test.len()); ks.len()];
    for &c in test {
        let (tx, _) = corpus.stack(spec, &[c]);
        let ts = (&tx - &mean) / &std;
        let nb = knn::neighbours(&xs, &y, &ts, k_max);
        for (ki, &k) in ks.iter().enumerate() {
            let mut p = vec![0.0f32; corpus.classes];
            for n in &nb {
                for (a, b) in p.iter_mut().zip(knn::votes(n, k, corpus.classes)) {
                    *a += b / nb.len() as f32;
                }
            }
            out[ki].push(p);
        }
    }
    out
}

/// Inner-CV choice of the k-NN window spec and k: `(spec, k index)` and the
/// balanced accuracy of every pair, `[spec][k]`.
pub fn select_knn(corpus: &Corpus, clips: &[usize], seed: u64) -> ((usize, usize), Vec<Vec<f64>>) {
    let folds = stratified(&corpus.labels_of(clips), INNER_FOLDS, seed);
    let mut scores = vec![vec![0.0; KS.len()]; corpus.specs.len()];
    for (s, row) in scores.iter_mut().enumerate() {
        let mut totals = vec![Confusion::new(corpus.classes); KS.len()];
        for k in 0..INNER_FOLDS {
            let (train, test) = split(clips, &folds, k);
            let probs = knn_probs(corpus, s, &train, &test, &KS);
            for (ki, p) in probs.iter().enumerate() {
                totals[ki].merge(&confusion(p, &corpus.labels_of(&test), corpus.classes));
            }
        }
        *row = totals.iter().map(Confusion::balanced_accuracy).collect();
    }
    let flat: Vec<f64> = scores.iter().flatten().copied().collect();
    let b = best(&flat);
    ((b / KS.len(), b % KS.len()), scores)
}

/// Clips outside and inside fold `k`.
pub fn split(clips: &[usize], folds: &[usize], k: usize) -> (Vec<usize>, Vec<usize>) {
    let train = clips
        .iter()
        .zip(folds)
        .filter(|(_, &f)| f != k)
        .map(|(&c, _)| c)
        .collect();
    let test = clips
        .iter()
        .zip(folds)
        .filter(|(_, &f)| f == k)
        .map(|(&c, _)| c)
        .collect();
    (train, test)
}

/// Index of the largest score, the first of equals.
fn best(scores: &[f64]) -> usize {
    let mut b = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[b] + 1e-12 {
            b = i;
        }
    }
    b
}
