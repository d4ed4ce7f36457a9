//! Resampling of any supported input rate to the analysis rate.

use std::borrow::Cow;

/// `samples` at `sample_rate` Hz, resampled to [`crate::SAMPLE_RATE`].
pub fn to_analysis_rate(samples: &[f32], sample_rate: u32) -> Cow<'_, [f32]> {
    // Skeleton: only the analysis rate itself passes through for now.
    let _ = sample_rate;
    Cow::Borrowed(samples)
}
