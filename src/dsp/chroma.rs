//! Chroma filter bank (librosa.filters.chroma with `ctroct=5.0,
//! octwidth=2, norm=2, base_c=True`).

use super::{N_BINS, N_FFT};

/// Pitch classes of a chromagram (librosa `n_chroma`).
pub const N_CHROMA: usize = 12;

/// Dense `n_chroma x N_BINS` filter bank, row-major, single precision like
/// librosa's, for STFT frames of [`N_FFT`] points at `sr` Hz and a tuning
/// deviation of `tuning` (fractions of a chroma bin).
pub fn chroma_filters(sr: f64, n_chroma: usize, tuning: f64) -> Vec<f32> {
    if n_chroma == 0 {
        return Vec::new();
    }
    let nc = n_chroma as f64;
    let a440 = 440.0 * 2f64.powf(tuning / nc);
    let step = sr / N_FFT as f64;
    // FFT bins in chroma-bin units, plus a made-up value for DC 1.5 octaves
    // below bin 1. librosa builds all N_FFT columns and drops those above
    // N_BINS; columns are independent, so only the kept ones are built.
    let mut frqbins = Vec::with_capacity(N_BINS + 1);
    frqbins.push(0.0);
    frqbins.extend((1..=N_BINS).map(|k| nc * ((k as f64 * step) / (a440 / 16.0)).log2()));
    frqbins[0] = frqbins[1] - 1.5 * nc;
    // N_BINS < N_FFT, so every kept column has a next one.
    let binwidth: Vec<f64> = frqbins.windows(2).map(|w| (w[1] - w[0]).max(1.0)).collect();
    let half = (nc / 2.0).round();
    let mut wts = vec![0.0f64; n_chroma * N_BINS];
    for k in 0..N_BINS {
        let mut sumsq = 0.0;
        for c in 0..n_chroma {
            let d = (frqbins[k] - c as f64 + half + 10.0 * nc) % nc - half;
            let w = (-0.5 * (2.0 * d / binwidth[k]).powi(2)).exp();
            wts[c * N_BINS + k] = w;
            sumsq += w * w;
        }
        // util.normalize(norm=2, axis=0): tiny columns stay as they are.
        let norm = sumsq.sqrt();
        let norm = if norm < f64::MIN_POSITIVE { 1.0 } else { norm };
        let oct = (-0.5 * ((frqbins[k] / nc - 5.0) / 2.0).powi(2)).exp();
        for c in 0..n_chroma {
            wts[c * N_BINS + k] = wts[c * N_BINS + k] / norm * oct;
        }
    }
    // base_c: roll the rows so that C comes first, and drop aliased bins.
    let roll = 3 * (n_chroma / 12);
    let mut out = vec![0.0f32; n_chroma * N_BINS];
    for r in 0..n_chroma {
        let src = (r + roll) % n_chroma;
        for k in 0..N_BINS {
            out[r * N_BINS + k] = wts[src * N_BINS + k] as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a440_lands_in_the_a_row() {
        let fb = chroma_filters(22050.0, 12, 0.0);
        assert_eq!(fb.len(), 12 * N_BINS);
        // Bin nearest 440 Hz.
        let k = (440.0 / (22050.0 / N_FFT as f64)).round() as usize;
        let col: Vec<f32> = (0..12).map(|r| fb[r * N_BINS + k]).collect();
        let best = (0..12).max_by(|&a, &b| col[a].total_cmp(&col[b])).unwrap();
        assert_eq!(best, 9, "{col:?}"); // C C# D D# E F F# G G# A
                                        // A quarter-tone tuning shift moves weight towards the next row.
        let sharp = chroma_filters(22050.0, 12, 0.5);
        assert!(sharp[8 * N_BINS + k] > fb[8 * N_BINS + k]);
        assert!(chroma_filters(22050.0, 0, 0.0).is_empty());
    }
}
