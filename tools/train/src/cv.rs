//! Cross-validation: model selection on the training folds (grouped by
//! artist), evaluation on the held-out fold, and the baselines.

use genre_classifier::layout::N_FEATURES;
use genre_classifier::model::{InputTransform, Precision};
use genre_classifier::Model;
use ndarray::Array2;
use rayon::prelude::*;

use crate::augment::Kind;
use crate::data::{n_windows, ClipFeatures, WindowSpec};
use crate::folds::grouped;
use crate::knn;
use crate::metrics::{argmax, probs_at, Confusion};
use genre_trainer::net::{Hyper, Mlp};
use genre_trainer::rng::Rng;
use genre_trainer::standardise::{class_weights, standardiser, transform_rows, Standardiser};

/// Widths of the layers, input first.
pub const WIDTHS: [usize; 4] = [N_FEATURES, 300, 200, 10];

/// Folds of the inner cross-validation that selects the settings.
pub const INNER_FOLDS: usize = 3;
/// Neighbour counts the k-NN baseline chooses from.
pub const KS: [usize; 6] = [1, 3, 5, 9, 15, 25];

/// All clips' window features for each window spec, of the clips as they
/// are and of each kind of augmented copy, with the clip labels and groups.
pub struct Corpus {
    pub labels: Vec<usize>,
    /// Group (artist) index of each clip.
    pub groups: Vec<usize>,
    pub specs: Vec<WindowSpec>,
    /// `feats[spec][clip]`, the clips as they are.
    pub feats: Vec<Vec<ClipFeatures>>,
    /// `augmented[kind][spec][clip]`, one copy per kind of [`Kind::ALL`].
    pub augmented: Vec<Vec<Vec<ClipFeatures>>>,
    pub classes: usize,
}

/// Set of augmentation kinds, as a bit mask over [`Kind::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Kinds(pub u8);

impl Kinds {
    /// Every kind.
    pub const ALL: Kinds = Kinds((1 << Kind::ALL.len()) - 1);
    /// No augmentation.
    pub const NONE: Kinds = Kinds(0);

    /// Every kind but `kind`.
    pub fn without(self, kind: Kind) -> Kinds {
        Kinds(self.0 & !(1 << kind.index()))
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind.index()) != 0
    }

    /// Names of the kinds, or "none".
    pub fn describe(self) -> String {
        let names: Vec<&str> = Kind::ALL
            .iter()
            .filter(|&&k| self.contains(k))
            .map(|k| k.name())
            .collect();
        if names.is_empty() {
            "none".into()
        } else if self == Kinds::ALL {
            "all".into()
        } else {
            names.join(", ")
        }
    }
}

/// One setting: window spec, training settings, input transform and the
/// augmented copies added to the training clips.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub spec: usize,
    pub hyper: Hyper,
    pub input: InputTransform,
    pub augment: Kinds,
}

impl Corpus {
    /// Window rows of `clips` for a spec (the clips as they are, then their
    /// augmented copies of the given kinds), with each row's clip label.
    pub fn stack(&self, spec: usize, clips: &[usize], augment: Kinds) -> (Array2<f32>, Vec<usize>) {
        let mut sources: Vec<&[ClipFeatures]> = vec![&self.feats[spec]];
        for k in Kind::ALL {
            if augment.contains(k) {
                sources.push(self.copies(k, spec));
            }
        }
        let rows: usize = sources
            .iter()
            .map(|s| clips.iter().map(|&c| n_windows(&s[c])).sum::<usize>())
            .sum();
        let mut x = Vec::with_capacity(rows * N_FEATURES);
        let mut y = Vec::with_capacity(rows);
        for s in sources {
            for &c in clips {
                x.extend_from_slice(&s[c]);
                y.extend(std::iter::repeat_n(self.labels[c], n_windows(&s[c])));
            }
        }
        (
            Array2::from_shape_vec((rows, N_FEATURES), x).expect("rows of 498"),
            y,
        )
    }

    /// Window features of every clip's augmented copy of `kind`, for a spec.
    pub fn copies(&self, kind: Kind, spec: usize) -> &[ClipFeatures] {
        &self.augmented[kind.index()][spec]
    }

    /// Clip labels of `clips`.
    pub fn labels_of(&self, clips: &[usize]) -> Vec<usize> {
        clips.iter().map(|&c| self.labels[c]).collect()
    }

    /// Grouped folds (no artist on both sides) of `clips`.
    pub fn grouped_folds(&self, clips: &[usize], k: usize, seed: u64) -> Vec<usize> {
        let groups: Vec<usize> = clips.iter().map(|&c| self.groups[c]).collect();
        grouped(&self.labels_of(clips), &groups, k, seed)
    }
}

/// Trains the network on `clips` (and their augmented copies) with
/// candidate `cand` and returns it as a validated core model, temperature
/// 1, so that evaluation runs the product's own inference.
pub fn train_model(corpus: &Corpus, clips: &[usize], cand: Candidate, seed: u64) -> Model {
    let (mut x, y) = corpus.stack(cand.spec, clips, cand.augment);
    transform_rows(&mut x, cand.input);
    let standardiser = Standardiser::fit(&x);
    let xs = standardiser.apply(&x);
    // Class weights count clips, not windows: every clip has its copies.
    let weights = class_weights(&corpus.labels_of(clips), corpus.classes);
    let row_weights: Vec<f32> = y.iter().map(|&l| weights[l]).collect();
    let mut rng = Rng::new(seed);
    let mut mlp = Mlp::init(&WIDTHS, &mut rng).expect("init");
    mlp.train(&xs, &y, &row_weights, cand.hyper, &mut rng, &mut |_| true)
        .expect("training");
    let spec = corpus.specs[cand.spec];
    let labels: Vec<String> = crate::data::GENRES.iter().map(|g| g.to_string()).collect();
    let file = mlp
        .export(
            &standardiser,
            cand.input,
            spec.window_s,
            spec.hop_s,
            &labels,
            Precision::F32,
        )
        .expect("export");
    Model::from_file(file).expect("a trained model is valid")
}

/// Uncalibrated logits of every window of each of `clips`, given the
/// window features of every clip (`feats[clip]`, one window spec).
pub fn clip_logits(model: &Model, feats: &[ClipFeatures], clips: &[usize]) -> Vec<Vec<Vec<f32>>> {
    clips
        .iter()
        .map(|&c| {
            feats[c]
                .chunks_exact(N_FEATURES)
                .map(|w| {
                    let x: &[f32; N_FEATURES] = w.try_into().expect("498 features");
                    model.logits(x)
                })
                .collect()
        })
        .collect()
}

/// Each clip's probabilities with the model's own temperature.
pub fn clip_probs(model: &Model, feats: &[ClipFeatures], clips: &[usize]) -> Vec<Vec<f32>> {
    probs_at(&clip_logits(model, feats, clips), model.temperature())
}

/// Confusion of clip predictions (argmax of the probabilities).
pub fn confusion(probs: &[Vec<f32>], labels: &[usize], classes: usize) -> Confusion {
    let mut c = Confusion::new(classes);
    for (p, &l) in probs.iter().zip(labels) {
        c.add(l, argmax(p));
    }
    c
}

/// Copies of the held-out clips that the selection scores beside the clips
/// themselves: users' files are often MP3s, at any level.
pub const SELECTION_COPIES: [Kind; 2] = [Kind::Mp3, Kind::Gain];

/// Balanced accuracy of each candidate in an inner cross-validation over
/// `clips`, grouped by artist, and the index of the best (the first of
/// equals). Each held-out clip counts three times: as it is, and as its
/// [`SELECTION_COPIES`] (never trained on, since the clip is held out).
pub fn select_net(
    corpus: &Corpus,
    clips: &[usize],
    cands: &[Candidate],
    seed: u64,
) -> (usize, Vec<f64>) {
    let folds = corpus.grouped_folds(clips, INNER_FOLDS, seed);
    // Every (candidate, fold) training is independent: run them in parallel.
    let jobs: Vec<(usize, usize)> = (0..cands.len())
        .flat_map(|ci| (0..INNER_FOLDS).map(move |k| (ci, k)))
        .collect();
    let results: Vec<Confusion> = jobs
        .par_iter()
        .map(|&(ci, k)| {
            let cand = cands[ci];
            let (train, test) = split(clips, &folds, k);
            let m = train_model(
                corpus,
                &train,
                cand,
                seed ^ (((ci * 31 + k) as u64 + 1) << 8),
            );
            let labels = corpus.labels_of(&test);
            let mut c = confusion(
                &clip_probs(&m, &corpus.feats[cand.spec], &test),
                &labels,
                corpus.classes,
            );
            for kind in SELECTION_COPIES {
                let p = clip_probs(&m, corpus.copies(kind, cand.spec), &test);
                c.merge(&confusion(&p, &labels, corpus.classes));
            }
            c
        })
        .collect();
    let scores: Vec<f64> = (0..cands.len())
        .map(|ci| {
            let mut total = Confusion::new(corpus.classes);
            for (&(c, _), r) in jobs.iter().zip(&results) {
                if c == ci {
                    total.merge(r);
                }
            }
            total.balanced_accuracy()
        })
        .collect();
    (best(&scores), scores)
}

/// k-NN clip probabilities: each window votes with its `k` nearest training
/// windows (transformed, then standardised on the training clips),
/// averaged over the clip.
pub fn knn_probs(
    corpus: &Corpus,
    spec: usize,
    input: InputTransform,
    train: &[usize],
    test: &[usize],
    ks: &[usize],
) -> Vec<Vec<Vec<f32>>> {
    let (mut x, y) = corpus.stack(spec, train, Kinds::NONE);
    transform_rows(&mut x, input);
    let (mean, std) = standardiser(&x);
    let xs = (&x - &mean) / &std;
    let k_max = ks.iter().copied().max().unwrap_or(1);
    let mut out = vec![Vec::with_capacity(test.len()); ks.len()];
    for &c in test {
        let (mut tx, _) = corpus.stack(spec, &[c], Kinds::NONE);
        transform_rows(&mut tx, input);
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

/// Inner-CV (grouped) choice of the k-NN window spec and k: `(spec, k
/// index)` and the balanced accuracy of every pair, `[spec][k]`.
pub fn select_knn(
    corpus: &Corpus,
    clips: &[usize],
    input: InputTransform,
    seed: u64,
) -> ((usize, usize), Vec<Vec<f64>>) {
    let folds = corpus.grouped_folds(clips, INNER_FOLDS, seed);
    let mut scores = vec![vec![0.0; KS.len()]; corpus.specs.len()];
    for (s, row) in scores.iter_mut().enumerate() {
        let mut totals = vec![Confusion::new(corpus.classes); KS.len()];
        for k in 0..INNER_FOLDS {
            let (train, test) = split(clips, &folds, k);
            let probs = knn_probs(corpus, s, input, &train, &test, &KS);
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
pub fn best(scores: &[f64]) -> usize {
    let mut b = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[b] + 1e-12 {
            b = i;
        }
    }
    b
}
