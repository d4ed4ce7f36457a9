//! Chromagram from a power spectrogram (librosa.feature.chroma_stft): the
//! chroma filter bank applied to each frame, then each frame scaled to a
//! maximum of 1 (util.normalize with `norm=inf`).

use std::sync::Arc;

use super::chroma::{chroma_filters, N_CHROMA};
use super::recent::Recent;
use super::reduce::dot_f32;
use super::{N_BINS, SAMPLE_RATE};

/// Projections kept by [`ChromaStft::cached`] (48 KiB each): one for every
/// tuning the estimate can give (0.01-bin steps), as for the CQT plans
/// (4.7 MiB at most).
const CACHE_SIZE: usize = 100;

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

    /// Shared projection of the analysis (12 classes at [`SAMPLE_RATE`])
    /// for `tuning`, from a small cache of the most recently used tunings.
    pub fn cached(tuning: f64) -> Arc<Self> {
        static RECENT: Recent<ChromaStft> = Recent::new(CACHE_SIZE);
        RECENT.get_or_insert_with(tuning.to_bits(), || {
            Self::new(SAMPLE_RATE as f64, N_CHROMA, tuning)
        })
    }

    /// Normalized chroma of one power frame ([`N_BINS`] in, `n_chroma` out).
    #[inline(always)]
    pub fn apply(&self, power: &[f32], out: &mut [f32]) {
        for (o, row) in out
            .iter_mut()
            .zip(self.filters.chunks_exact(N_BINS))
            .take(self.n_chroma)
        {
            *o = dot_f32(row, power);
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
