//! The honest accuracy estimate of a personal model: cross-validation over
//! the user's songs, grouped by song (the windows of one song are never on
//! both sides of a split), with the same training as the final model.

use genre_classifier::{Error, N_FEATURES};

use crate::rng::Rng;
use crate::songs::SongSet;
use crate::transfer::{train, Prepared, Settings, Step};

/// Most folds of the estimate.
pub const MAX_FOLDS: usize = 5;

/// Cross-validated accuracy over the songs.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Number of folds: min(5, songs of the smallest label).
    pub folds: usize,
    /// Songs classified (each once, by the fold that held it out).
    pub songs: usize,
    /// Share of songs classified as their label.
    pub accuracy: f64,
    /// Mean of the per-label recalls.
    pub balanced_accuracy: f64,
    /// Per label: share of its songs classified as it.
    pub recall: Vec<f64>,
    /// `confusion[true][predicted]`, in songs.
    pub confusion: Vec<Vec<usize>>,
}

/// The estimate, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Cross-validation ran.
    Estimate(Estimate),
    /// A label has fewer than 2 songs: no song could be held out of it
    /// while keeping one to train on.
    Unavailable {
        /// Said in words, naming the labels.
        reason: String,
    },
}

/// Progress of the estimate: fold `fold` of `folds` (from 1), and the step
/// of its training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FoldStep {
    /// The fold being trained, from 1.
    pub fold: usize,
    /// Folds in all.
    pub folds: usize,
    /// The training's progress.
    pub step: Step,
}

/// Folds of the songs: each label's songs, in an order drawn from `seed`,
/// dealt to the folds in turn (continuing across labels, so that folds
/// have about as many songs each). Fold of each song.
pub fn song_folds(set: &SongSet, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut fold = vec![0; set.songs().len()];
    let mut next = 0;
    for label in 0..set.labels().len() {
        let mut songs: Vec<usize> = (0..set.songs().len())
            .filter(|&s| set.songs()[s].label == label)
            .collect();
        rng.shuffle(&mut songs);
        for s in songs {
            fold[s] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

/// The number of folds for a set, or why there can be none.
pub fn folds_for(set: &SongSet) -> Result<usize, String> {
    let per_label = set.songs_per_label();
    let few: Vec<&str> = set
        .labels()
        .iter()
        .zip(&per_label)
        .filter(|(_, &n)| n < 2)
        .map(|(l, _)| l.as_str())
        .collect();
    if !few.is_empty() {
        return Err(format!(
            "no accuracy estimate: {} {} only one song; the estimate needs at least 2 songs per label (better 5 or more)",
            few.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(", "),
            if few.len() == 1 { "has" } else { "have" }
        ));
    }
    Ok(per_label.into_iter().min().unwrap_or(0).min(MAX_FOLDS))
}

/// Cross-validates the personal training on `prep`'s songs, grouped by
/// song; `on_step` as in [`train`] (returning `false` cancels).
pub fn estimate(
    prep: &Prepared,
    settings: &Settings,
    seed: u64,
    on_step: &mut dyn FnMut(&FoldStep) -> bool,
) -> Result<Outcome, Error> {
    let set = prep.set();
    let k = match folds_for(set) {
        Ok(k) => k,
        Err(reason) => return Ok(Outcome::Unavailable { reason }),
    };
    let folds = song_folds(set, k, seed ^ 0x5EED_F01D);
    let labels = set.labels().len();
    let mut confusion = vec![vec![0usize; labels]; labels];
    for f in 0..k {
        let train_songs: Vec<usize> = (0..folds.len()).filter(|&s| folds[s] != f).collect();
        let fold_seed = seed ^ (((f as u64) + 1) << 32);
        let personal = train(prep, &train_songs, settings, fold_seed, &mut |s| {
            on_step(&FoldStep {
                fold: f + 1,
                folds: k,
                step: *s,
            })
        })?;
        for s in (0..folds.len()).filter(|&s| folds[s] == f) {
            let song = &set.songs()[s];
            let mut mean = vec![0.0f64; labels];
            for r in song.start..song.start + song.windows {
                let row = set.features().row(r);
                let x: [f32; N_FEATURES] = std::array::from_fn(|i| row[i]);
                for (m, p) in mean.iter_mut().zip(personal.model.predict(&x)) {
                    *m += p as f64;
                }
            }
            let best = (0..labels).fold(0, |b, i| if mean[i] > mean[b] { i } else { b });
            confusion[song.label][best] += 1;
        }
    }
    let songs: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..labels).map(|i| confusion[i][i]).sum();
    let recall: Vec<f64> = confusion
        .iter()
        .enumerate()
        .map(|(i, row)| row[i] as f64 / row.iter().sum::<usize>().max(1) as f64)
        .collect();
    Ok(Outcome::Estimate(Estimate {
        folds: k,
        songs,
        accuracy: correct as f64 / songs.max(1) as f64,
        balanced_accuracy: recall.iter().sum::<f64>() / labels as f64,
        recall,
        confusion,
    }))
}
