//! What the cross-validation produces for the report: each outer fold's
//! held-out results, the ablation's lines and the held-out results at each
//! weight precision.

use genre_classifier::model::Precision;

use crate::cv::{self, Candidate, Corpus};
use crate::metrics;

/// Everything one outer fold produces.
pub struct FoldResult {
    pub test: Vec<usize>,
    pub chosen: usize,
    /// Window logits of the test clips with the fold's network at each of
    /// [`Precision::ALL`] (f32 first).
    pub logits_at: Vec<Vec<Vec<Vec<f32>>>>,
    pub knn_choice: (usize, usize),
    pub knn: Vec<Vec<f32>>,
    pub majority: usize,
}

impl FoldResult {
    /// Clip probabilities of the fold's f32 network at temperature 1.
    pub fn net(&self) -> Vec<Vec<f32>> {
        metrics::probs_at(&self.logits_at[0], 1.0)
    }
}

/// One line of the ablation: a fixed setting evaluated on the outer folds.
pub struct Ablation {
    pub name: String,
    pub cand: Candidate,
    /// Per outer fold: clip probabilities of the test clips as they are, of
    /// their gain copies and of their MP3 copies.
    pub folds: Vec<[Vec<Vec<f32>>; 3]>,
}

/// Held-out results of the outer folds' networks at one weight precision.
pub struct PrecisionResult {
    pub precision: Precision,
    /// Size of the final model file at this precision.
    pub file_bytes: usize,
    pub per_fold: Vec<metrics::Confusion>,
    pub pooled: metrics::Confusion,
    /// Held-out clips whose predicted genre differs from the f32 network's.
    pub changes: usize,
    /// Largest difference of a held-out clip's genre probability from the
    /// f32 network's.
    pub max_prob_change: f32,
}

pub fn precision_result(
    corpus: &Corpus,
    folds: &[FoldResult],
    index: usize,
    precision: Precision,
    file_bytes: usize,
) -> PrecisionResult {
    let at: Vec<Vec<Vec<f32>>> = folds
        .iter()
        .map(|f| metrics::probs_at(&f.logits_at[index], 1.0))
        .collect();
    let f32s: Vec<Vec<Vec<f32>>> = folds.iter().map(FoldResult::net).collect();
    let per_fold: Vec<metrics::Confusion> = folds
        .iter()
        .zip(&at)
        .map(|(f, p)| cv::confusion(p, &corpus.labels_of(&f.test), corpus.classes))
        .collect();
    let mut pooled = metrics::Confusion::new(corpus.classes);
    for c in &per_fold {
        pooled.merge(c);
    }
    let pairs = || f32s.iter().flatten().zip(at.iter().flatten());
    let changes = pairs()
        .filter(|(a, b)| metrics::argmax(a) != metrics::argmax(b))
        .count();
    let max_prob_change = pairs()
        .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
        .fold(0.0f32, f32::max);
    PrecisionResult {
        precision,
        file_bytes,
        per_fold,
        pooled,
        changes,
        max_prob_change,
    }
}
