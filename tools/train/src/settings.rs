//! The protocol's fixed settings: seeds, fold counts, the input transform,
//! the training settings every candidate shares and the bounds of the
//! weight-precision choice. Plain values: every other module may read them.

use genre_classifier::model::InputTransform;
use genre_trainer::net::Hyper;

/// Seed of the outer fold split; every other seed derives from it.
pub const SEED: u64 = 20_240_611;
/// Folds of the outer (evaluation) cross-validation.
pub const OUTER_FOLDS: usize = 5;

/// Regularisation settings the selection chooses from: (dropout, weight decay).
pub const REGULARISATION: [(f32, f64); 2] = [(0.2, 0.01), (0.5, 0.1)];

/// The input transform of every candidate: mel statistics in decibels, the
/// recording level removed, a floor 60 dB below the level (see the ablation
/// in the report).
pub const INPUT: InputTransform = InputTransform {
    mel_db: true,
    level: true,
    floor_db: 60,
};

/// Gradient steps of each training unless `--steps` says otherwise.
pub const DEFAULT_STEPS: usize = 600;
/// Candidates trained with the augmented copies (a training set seven times
/// larger) take this many times the steps.
pub const AUGMENTED_STEPS_FACTOR: f64 = 2.5;

/// Training settings shared by every candidate.
pub fn hyper(steps: usize, dropout: f32, weight_decay: f64) -> Hyper {
    Hyper {
        steps,
        batch: 64,
        learning_rate: 1e-3,
        weight_decay,
        dropout,
    }
}

/// Training lengths the selection chooses from, as multiples of the base
/// steps (before [`AUGMENTED_STEPS_FACTOR`]).
pub const LENGTHS: [usize; 2] = [1, 2];

/// A lower weight precision is used only if at most this fraction of the
/// held-out clip predictions change class against f32 weights...
pub const MAX_CHANGED_FRACTION: f64 = 0.01;
/// ...and the pooled held-out accuracy drops by at most this much.
pub const MAX_ACCURACY_DROP: f64 = 0.005;
