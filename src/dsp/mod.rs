//! Signal-processing stages, one per file, each a port of the librosa 0.11
//! function it is named after. The defaults shared by all stages are stated
//! here once.

use rustfft::num_complex::Complex;

/// Sample rate of the analysis, in Hz (librosa's default `sr`).
pub const SAMPLE_RATE: u32 = 22050;
/// FFT size of the short-time Fourier transform (librosa `n_fft`).
pub const N_FFT: usize = 2048;
/// Hop between STFT frames, in samples (librosa `hop_length`).
pub const HOP: usize = 512;
/// Number of frequency bins of one STFT frame.
pub const N_BINS: usize = N_FFT / 2 + 1;

/// Copies `x[first..first + out.len()]` into `out`, zero outside `x`.
pub(crate) fn copy_padded<T: bytemuck::Zeroable + Copy>(x: &[T], first: isize, out: &mut [T]) {
    let zero = T::zeroed();
    let n = out.len() as isize;
    let lo = first.clamp(0, x.len() as isize);
    let hi = (first + n).clamp(0, x.len() as isize);
    if lo >= hi {
        out.fill(zero);
        return;
    }
    let (a, b) = ((lo - first) as usize, (hi - first) as usize);
    out[..a].fill(zero);
    out[a..b].copy_from_slice(&x[lo as usize..hi as usize]);
    out[b..].fill(zero);
}

/// `exp(i (phase + n step))` for n = 0, 1, ...: a rotation recurrence,
/// restarted from an exact sine and cosine every 32 steps so that it stays
/// within a few units in the last place of the direct evaluation.
pub(crate) fn unit_phasors(phase: f64, step: f64) -> impl Iterator<Item = Complex<f64>> {
    const RESTART: usize = 32;
    let rotation = Complex::new(step.cos(), step.sin());
    let mut z = Complex::new(1.0, 0.0);
    (0..).map(move |n: usize| {
        if n.is_multiple_of(RESTART) {
            let (sin, cos) = (phase + n as f64 * step).sin_cos();
            z = Complex::new(cos, sin);
        } else {
            z *= rotation;
        }
        z
    })
}

pub mod chroma;
pub mod chroma_cqt;
pub mod chroma_stft;
pub mod cqt;
pub mod db;
pub mod decimate;
mod decimate_taps;
pub mod fft;
pub mod mel;
pub mod mfcc;
pub mod recent;
pub mod reduce;
pub mod resample;
pub mod resample_stream;
pub mod stft;
pub mod target_features;
pub mod tonnetz;
pub mod tuning;
pub mod window;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phasors_follow_the_direct_sine_and_cosine() {
        let (phase, step) = (-271.3 * 0.0217, 0.0217);
        for (n, z) in unit_phasors(phase, step).take(2000).enumerate() {
            let want = phase + n as f64 * step;
            let err = (z.re - want.cos()).abs().max((z.im - want.sin()).abs());
            assert!(err < 1e-14, "n {n}: error {err}");
        }
    }
}
