//! Short-time Fourier transform, one frame at a time (librosa.stft with
//! `center=True, pad_mode="constant"`).
//!
//! The signal is treated as if padded with `N_FFT / 2` zeros on both sides;
//! frame `t` starts at padded sample `t * HOP`, so a signal of `n` samples
//! has `1 + n / HOP` frames. Each frame is windowed and transformed in double
//! precision and rounded to single precision, as librosa does for `float32`
//! input, and only the current frame is kept.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use super::{window, HOP, N_BINS, N_FFT};
use crate::error::Error;

/// Number of STFT frames of a signal of `len` samples.
pub fn n_frames(len: usize) -> usize {
    1 + len / HOP
}

/// Reusable state for computing STFT frames of length [`N_FFT`].
pub struct Stft {
    fft: Arc<dyn RealToComplex<f64>>,
    window: Vec<f64>,
    input: Vec<f64>,
    spectrum: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    re: Vec<f32>,
    im: Vec<f32>,
}

impl Default for Stft {
    fn default() -> Self {
        Self::new()
    }
}

impl Stft {
    /// A transform of size [`N_FFT`] with the periodic Hann window.
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(N_FFT);
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        Self {
            window: window::hann(N_FFT),
            input: vec![0.0; N_FFT],
            spectrum,
            scratch,
            re: vec![0.0; N_BINS],
            im: vec![0.0; N_BINS],
            fft,
        }
    }

    /// Transforms frame `t` of `y`; read the result with [`Stft::power`] or
    /// [`Stft::magnitude`].
    pub fn compute(&mut self, y: &[f32], t: usize) -> Result<(), Error> {
        let half = N_FFT / 2;
        let start = (t * HOP) as isize - half as isize;
        for (j, (x, w)) in self.input.iter_mut().zip(&self.window).enumerate() {
            let i = start + j as isize;
            let s = if i >= 0 && (i as usize) < y.len() {
                y[i as usize] as f64
            } else {
                0.0
            };
            *x = s * w;
        }
        self.fft
            .process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch)
            .map_err(|_| Error::Internal {
                what: "real FFT of an STFT frame",
            })?;
        for ((c, re), im) in self.spectrum.iter().zip(&mut self.re).zip(&mut self.im) {
            *re = c.re as f32;
            *im = c.im as f32;
        }
        Ok(())
    }

    /// Magnitude `|X|` of the last computed frame, one value per bin
    /// ([`N_BINS`] values), as numpy's `abs` of a `complex64` value.
    pub fn magnitude(&self, out: &mut [f32]) {
        for ((o, &re), &im) in out.iter_mut().zip(&self.re).zip(&self.im) {
            let (re, im) = (re as f64, im as f64);
            *o = (re * re + im * im).sqrt() as f32;
        }
    }

    /// Power `|X|^2` of the last computed frame, as librosa's
    /// `np.abs(stft) ** 2` in single precision.
    pub fn power(&self, out: &mut [f32]) {
        self.magnitude(out);
        for o in out.iter_mut() {
            *o *= *o;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_count_matches_librosa() {
        assert_eq!(n_frames(0), 1);
        assert_eq!(n_frames(511), 1);
        assert_eq!(n_frames(512), 2);
        assert_eq!(n_frames(22050), 44);
    }

    #[test]
    fn sine_peaks_at_its_bin() {
        let k = 100.0;
        let y: Vec<f32> = (0..8192)
            .map(|n| (2.0 * std::f64::consts::PI * k * n as f64 / N_FFT as f64).sin() as f32)
            .collect();
        let mut stft = Stft::new();
        let mut p = vec![0.0; N_BINS];
        stft.compute(&y, 4).unwrap();
        stft.power(&mut p);
        let peak = (0..N_BINS).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(peak, 100);
        // Hann window of a unit sine: peak amplitude N/4.
        assert!((p[100].sqrt() - N_FFT as f32 / 4.0).abs() < 1e-2);
        // Frame 0 sees only the first half frame of signal (zero padding).
        stft.compute(&y, 0).unwrap();
        let mut m = vec![0.0; N_BINS];
        stft.magnitude(&mut m);
        assert!(m[100] < N_FFT as f32 / 4.0);
    }
}
