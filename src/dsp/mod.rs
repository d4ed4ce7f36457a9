//! Signal-processing stages, one per file, each a port of the librosa 0.11
//! function it is named after. The defaults shared by all stages are stated
//! here once.

/// FFT size of the short-time Fourier transform (librosa `n_fft`).
pub const N_FFT: usize = 2048;
/// Hop between STFT frames, in samples (librosa `hop_length`).
pub const HOP: usize = 512;
/// Number of frequency bins of one STFT frame.
pub const N_BINS: usize = N_FFT / 2 + 1;

pub mod chroma;
pub mod chroma_cqt;
pub mod chroma_stft;
pub mod cqt;
pub mod db;
pub mod decimate;
mod decimate_taps;
pub mod dot;
pub mod mel;
pub mod mfcc;
pub mod recent;
pub mod resample;
pub mod rfft;
pub mod stft;
pub mod tonnetz;
pub mod tuning;
pub mod window;
