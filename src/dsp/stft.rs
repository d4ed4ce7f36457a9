//! Short-time Fourier transform, one frame at a time (librosa.stft with
//! `center=True, pad_mode="constant"`).
//!
//! The signal is treated as if padded with `N_FFT / 2` zeros on both sides;
//! frame `t` starts at padded sample `t * HOP`, so a signal of `n` samples
//! has `1 + n / HOP` frames. Each frame is windowed and transformed in double
//! precision and rounded to single precision, as librosa does for `float32`
//! input, and only the current frame is kept.

use super::fft::RealFft;
use super::{window, HOP, N_BINS, N_FFT};

/// Number of STFT frames of a signal of `len` samples.
pub fn n_frames(len: usize) -> usize {
    1 + len / HOP
}

/// The periodic Hann window of [`N_FFT`] points, computed once.
fn analysis_window() -> &'static [f64] {
    static WINDOW: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    WINDOW.get_or_init(|| window::hann(N_FFT))
}

/// Reusable state for computing STFT frames of length [`N_FFT`].
pub struct Stft {
    fft: RealFft<f64>,
    window: &'static [f64],
    /// The last frame's spectrum: real parts, imaginary parts.
    spectrum: [Vec<f64>; 2],
}

impl Default for Stft {
    fn default() -> Self {
        Self::new()
    }
}

impl Stft {
    /// A transform of size [`N_FFT`] with the periodic Hann window.
    pub fn new() -> Self {
        Self {
            fft: RealFft::new(N_FFT),
            window: analysis_window(),
            spectrum: [vec![0.0; N_BINS], vec![0.0; N_BINS]],
        }
    }

    /// Transforms frame `t` of `y`; read the result with [`Stft::power`] or
    /// [`Stft::magnitude`].
    #[inline(always)]
    pub fn compute(&mut self, y: &[f32], t: usize) {
        // Frame t covers y[t * HOP - N_FFT / 2 ..][..N_FFT], zero outside y:
        // input[lo..hi] comes from y[first..], the rest is zero.
        let start = t as i128 * HOP as i128 - (N_FFT / 2) as i128;
        let lo = (-start).clamp(0, N_FFT as i128);
        let hi = (y.len() as i128 - start).clamp(lo, N_FFT as i128);
        let (lo, hi) = (lo as usize, hi as usize);
        let first = (start + lo as i128).clamp(0, y.len() as i128) as usize;
        let seg = y.get(first..first + (hi - lo)).unwrap_or(&[]);
        let window = self.window;
        let [re, im] = &mut self.spectrum;
        self.fft.process(
            |input| {
                input[..lo].fill(0.0);
                input[hi..].fill(0.0);
                for ((x, &w), &s) in input[lo..hi].iter_mut().zip(&window[lo..hi]).zip(seg) {
                    *x = s as f64 * w;
                }
            },
            0..N_BINS,
            (&mut re[..], &mut im[..]),
        );
    }

    /// Magnitude `|X|` of the last computed frame, one value per bin
    /// ([`N_BINS`] values), as numpy's `abs` of a `complex64` value.
    #[inline(always)]
    pub fn magnitude(&self, out: &mut [f32]) {
        // Rounded to complex64 first, as librosa stores the STFT.
        let [re, im] = &self.spectrum;
        for ((o, &re), &im) in out.iter_mut().zip(re).zip(im) {
            let (re, im) = (re as f32 as f64, im as f32 as f64);
            *o = (re * re + im * im).sqrt() as f32;
        }
    }

    /// Power `|X|^2` of the last computed frame, as librosa's
    /// `np.abs(stft) ** 2` in single precision (bit for bit).
    #[inline(always)]
    pub fn power(&self, out: &mut [f32]) {
        self.magnitude(out);
        for o in out.iter_mut() {
            *o *= *o;
        }
    }

    /// Power `|X|^2` of the last computed frame, rounded once to single
    /// precision: within one unit in the last place of [`Stft::power`] and
    /// cheaper (no square root).
    #[inline(always)]
    pub fn power_fast(&self, out: &mut [f32]) {
        let [re, im] = &self.spectrum;
        for ((o, &re), &im) in out.iter_mut().zip(re).zip(im) {
            *o = (re * re + im * im) as f32;
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
        stft.compute(&y, 4);
        stft.power(&mut p);
        let peak = (0..N_BINS).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(peak, 100);
        // Hann window of a unit sine: peak amplitude N/4.
        assert!((p[100].sqrt() - N_FFT as f32 / 4.0).abs() < 1e-2);
        // Frame 0 sees only the first half frame of signal (zero padding).
        stft.compute(&y, 0);
        let mut m = vec![0.0; N_BINS];
        stft.magnitude(&mut m);
        assert!(m[100] < N_FFT as f32 / 4.0);
        // Frames past the end are silent, not a panic.
        stft.compute(&y, usize::MAX);
        stft.magnitude(&mut m);
        assert!(m.iter().all(|&v| v == 0.0));
        // The cheaper power is within a few units in the last place.
        let mut fast = vec![0.0; N_BINS];
        stft.power(&mut p);
        stft.power_fast(&mut fast);
        for (a, b) in p.iter().zip(&fast) {
            assert!((a - b).abs() <= 4.0 * f32::EPSILON * a.abs().max(f32::MIN_POSITIVE));
        }
    }
}
