//! Mel-frequency cepstral coefficients (librosa.feature.mfcc defaults: DCT
//! type II with `norm="ortho"` over the dB mel bands, first 20 kept, no lifter).

use std::f64::consts::PI;

use super::mel::N_MELS;

/// Coefficients kept (librosa `n_mfcc`).
pub const N_MFCC: usize = 20;

/// The truncated orthonormal DCT-II as a dense matrix.
#[derive(Debug, Clone)]
pub struct Mfcc {
    n_in: usize,
    basis: Vec<f64>,
}

impl Mfcc {
    /// DCT of `n_in` values (mel bands), keeping the first `n_mfcc` outputs.
    pub fn new(n_in: usize, n_mfcc: usize) -> Self {
        let n = n_in as f64;
        let mut basis = Vec::with_capacity(n_in * n_mfcc);
        for k in 0..n_mfcc {
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            for i in 0..n_in {
                basis.push(scale * (PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n)).cos());
            }
        }
        Self { n_in, basis }
    }

    /// The DCT of the analysis ([`N_MELS`] bands in, [`N_MFCC`]
    /// coefficients out), built once.
    pub fn analysis() -> &'static Self {
        static DCT: std::sync::OnceLock<Mfcc> = std::sync::OnceLock::new();
        DCT.get_or_init(|| Self::new(N_MELS, N_MFCC))
    }

    /// Coefficients of one frame of dB values (`n_in` in, `n_mfcc` out).
    #[inline(always)]
    pub fn apply(&self, db: &[f32], out: &mut [f32]) {
        for (o, row) in out
            .iter_mut()
            .zip(self.basis.chunks_exact(self.n_in.max(1)))
        {
            *o = super::reduce::dot64(row, db) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthonormal_dct() {
        let dct = Mfcc::new(8, 8);
        // Rows are orthonormal.
        for a in 0..8 {
            for b in 0..8 {
                let dot: f64 = (0..8)
                    .map(|i| dct.basis[a * 8 + i] * dct.basis[b * 8 + i])
                    .sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-12);
            }
        }
        // A constant input has only a DC term, sqrt(n) * value.
        let mut out = [0.0; 8];
        dct.apply(&[2.0; 8], &mut out);
        assert!((out[0] - 2.0 * 8f32.sqrt()).abs() < 1e-5);
        assert!(out[1..].iter().all(|c| c.abs() < 1e-5));
        // A degenerate size leaves the output as it is, without a panic.
        let mut none = [1.0; 2];
        Mfcc::new(0, 2).apply(&[], &mut none);
        assert_eq!(none, [1.0; 2]);
    }
}
