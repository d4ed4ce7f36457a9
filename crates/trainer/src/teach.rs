//! Teaching a personal model in one call: the cross-validated estimate,
//! then the final model on every song, with one progress report.

use genre_classifier::{Error, Model};

use crate::estimate::{estimate, folds_for, Outcome};
use crate::songs::SongSet;
use crate::transfer::{train, Personal, Prepared, Settings};

/// What is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A cross-validation fold of the estimate.
    Estimate,
    /// The final model, on every song.
    Train,
}

impl Stage {
    /// Its name in the JavaScript API: `estimate` or `train`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Estimate => "estimate",
            Stage::Train => "train",
        }
    }
}

/// Progress of [`teach`], after each epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// What is running.
    pub stage: Stage,
    /// Share of the whole work done, in [0, 1]: every training (each fold,
    /// then the final one) counts the same.
    pub fraction: f64,
    /// Epochs done in the current training, from 1.
    pub epoch: usize,
    /// Epochs of the current training.
    pub epochs: usize,
    /// The epoch's mean training loss.
    pub loss: f32,
}

/// A personal model, its estimate, and what it was trained on.
#[derive(Debug, Clone)]
pub struct Taught {
    /// The final model, trained on every song.
    pub personal: Personal,
    /// The cross-validated estimate, or why there is none.
    pub estimate: Outcome,
    /// Songs of each label.
    pub songs: Vec<usize>,
    /// Analysis windows of each label.
    pub windows: Vec<usize>,
}

/// Estimates (cross-validation grouped by song) and trains a personal model
/// on `set` over `base`, from `seed`. `progress` returning `false` ends the
/// call with [`Error::Cancelled`]. The same inputs give the same model.
pub fn teach(
    base: &Model,
    set: &SongSet,
    settings: &Settings,
    seed: u64,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Taught, Error> {
    let prep = Prepared::new(base, set)?;
    let trainings = folds_for(set).unwrap_or(0) + 1;
    let share = |done: usize, epoch: usize, epochs: usize| {
        (done as f64 + epoch as f64 / epochs.max(1) as f64) / trainings as f64
    };
    let estimate = estimate(&prep, settings, seed, &mut |f| {
        progress(&Progress {
            stage: Stage::Estimate,
            fraction: share(f.fold - 1, f.step.epoch, f.step.epochs),
            epoch: f.step.epoch,
            epochs: f.step.epochs,
            loss: f.step.loss,
        })
    })?;
    let all: Vec<usize> = (0..set.songs().len()).collect();
    let personal = train(&prep, &all, settings, seed, &mut |s| {
        progress(&Progress {
            stage: Stage::Train,
            fraction: share(trainings - 1, s.epoch, s.epochs),
            epoch: s.epoch,
            epochs: s.epochs,
            loss: s.loss,
        })
    })?;
    Ok(Taught {
        personal,
        estimate,
        songs: set.songs_per_label(),
        windows: set.windows_per_label(),
    })
}
