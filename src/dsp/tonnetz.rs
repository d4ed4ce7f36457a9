//! Tonal centroid features (librosa.feature.tonnetz).

use crate::layout::N_TONNETZ;
use crate::stats::RowStats;

/// Per-row statistics of the tonnetz of `y` (22050 Hz), given the tuning
/// estimate (in fractions of a 36-per-octave bin) that chroma_cqt uses.
pub fn tonnetz_stats(y: &[f32], tuning: f32) -> RowStats {
    // Skeleton: replaced by the CQT pipeline.
    let _ = (y, tuning);
    RowStats::new(N_TONNETZ)
}
