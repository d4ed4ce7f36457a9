//! Signal-processing stages, one per file, each a port of the librosa 0.11
//! function it is named after. The defaults shared by all stages are stated
//! here once.

/// FFT size of the short-time Fourier transform (librosa `n_fft`).
pub const N_FFT: usize = 2048;
/// Hop between STFT frames, in samples (librosa `hop_length`).
pub const HOP: usize = 512;
/// Number of frequency bins of one STFT frame.
pub const N_BINS: usize = N_FFT / 2 + 1;

/// Copies `x[first..first + out.len()]` into `out`, zero outside `x`.
pub(crate) fn copy_padded(x: &[f32], first: isize, out: &mut [f32]) {
    let n = out.len() as isize;
    let lo = first.clamp(0, x.len() as isize);
    let hi = (first + n).clamp(0, x.len() as isize);
    if lo >= hi {
        out.fill(0.0);
        return;
    }
    let (a, b) = ((lo - first) as usize, (hi - first) as usize);
    out[..a].fill(0.0);
    out[a..b].copy_from_slice(&x[lo as usize..hi as usize]);
    out[b..].fill(0.0);
}

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
