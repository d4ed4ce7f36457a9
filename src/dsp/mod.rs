//! Signal-processing stages, one per file, each a port of the librosa 0.11
//! function it is named after. The defaults shared by all stages are stated
//! here once.

/// FFT size of the short-time Fourier transform (librosa `n_fft`).
pub const N_FFT: usize = 2048;
/// Hop between STFT frames, in samples (librosa `hop_length`).
pub const HOP: usize = 512;
/// Number of frequency bins of one STFT frame.
pub const N_BINS: usize = N_FFT / 2 + 1;

pub mod chroma_cqt;
pub mod cqt;
pub mod decimate;
mod decimate_taps;
pub mod resample;
pub mod tonnetz;

use crate::layout::{CHROMA, MEL, MFCC, N_FEATURES, TONNETZ};

/// Feature vector of samples at 22050 Hz that passed [`crate::features::check`].
pub(crate) fn extract_checked(y: &[f32]) -> [f32; N_FEATURES] {
    // Skeleton: the spectral groups and the tuning estimate are filled in by
    // the STFT pipeline; until then they stay zero.
    let mut out = [0.0f32; N_FEATURES];
    let _ = (CHROMA, MEL, MFCC);
    let tuning = 0.0;
    tonnetz::tonnetz_stats(y, tuning).write_to(&mut out[TONNETZ.all()]);
    out
}
