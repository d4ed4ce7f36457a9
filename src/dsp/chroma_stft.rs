//! Chromagram from a power spectrogram (librosa.feature.chroma_stft): the
//! chroma filter bank applied to each frame, then each frame scaled to a
//! maximum of 1 (util.normalize with `norm=inf`).

use super::chroma::chroma_filters;
use super::N_BINS;

/// Chroma projection for one tuning.
#[derive(Debug, Clone)]
pub struct ChromaStft {
    n_chroma: usize,
    filters: Vec<f32>,
}

impl ChromaStft {
    /// Projection onto `n_chroma` classes at `sr` Hz with the given tuning.
    pub fn new(sr: f64, n_chroma: usize, tuning: f64) -> Self {
        Self {
            n_chroma,
            filters: chroma_filters(sr, n_chroma, tuning),
        }
    }

    /// Normalized chroma of one power frame ([`N_BINS`] in, `n_chroma` out).
    pub fn apply(&self, power: &[f32], out: &mut [f32]) {
        for (o, row) in out
            .iter_mut()
            .zip(self.filters.chunks_exact(N_BINS))
            .take(self.n_chroma)
        {
            *o = dot(row, power) as f32;
        }
        // util.normalize(norm=inf, axis=0): frames whose maximum is below
        // the smallest normal float32 are left unnormalized.
        let length = out.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64));
        let length = if length < f32::MIN_POSITIVE as f64 {
            1.0
        } else {
            length
        };
        for o in out.iter_mut() {
            *o = (*o as f64 / length) as f32;
        }
    }
}

/// Dot product accumulated in double precision, in independent lanes so
/// that it vectorizes.
fn dot(a: &[f32], b: &[f32]) -> f64 {
    const LANES: usize = 8;
    let mut acc = [0.0f64; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] += x[l] as f64 * y[l] as f64;
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(&x, &y)| x as f64 * y as f64).sum();
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_peak_at_one_and_silence_stays_zero() {
        let chroma = ChromaStft::new(22050.0, 12, 0.0);
        let mut power = vec![0.0f32; N_BINS];
        power[41] = 5.0; // about 440 Hz
        let mut out = [0.0f32; 12];
        chroma.apply(&power, &mut out);
        let max = out.iter().fold(0.0f32, |m, &v| m.max(v));
        assert!((max - 1.0).abs() < 1e-6);
        assert_eq!(out[9], max);
        chroma.apply(&vec![0.0; N_BINS], &mut out);
        assert_eq!(out, [0.0; 12]);
    }
}
