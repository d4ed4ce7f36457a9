//! Constant-Q chroma (librosa.feature.chroma_cqt with default parameters):
//! CQT bins folded onto 12 pitch classes, then each frame divided by its
//! maximum (norm=inf).

use super::chroma::N_CHROMA;
use super::cqt::{BINS_PER_OCTAVE, N_CQT_BINS};

/// CQT bins merged into one chroma bin.
const MERGE: usize = BINS_PER_OCTAVE / N_CHROMA;

/// Pitch class (0 = C) of CQT bin `b` in librosa.filters.cq_to_chroma:
/// each class takes the bin on its note and one either side.
pub fn pitch_class(b: usize) -> usize {
    ((b + MERGE / 2) % BINS_PER_OCTAVE) / MERGE
}

/// Normalised chroma of one frame of 252 CQT magnitudes.
pub fn chroma_frame(cqt: &[f32], out: &mut [f32; N_CHROMA]) {
    out.fill(0.0);
    for (b, &m) in cqt.iter().take(N_CQT_BINS).enumerate() {
        out[pitch_class(b)] += m;
    }
    // threshold=0 leaves non-negative values as they are.
    normalize_max(out);
}

/// librosa.util.normalize(norm=inf): divide by the largest magnitude,
/// leaving frames whose norm is below the smallest normal f32 unchanged.
pub fn normalize_max(v: &mut [f32]) {
    let norm = v.iter().fold(0.0f64, |m, x| m.max(x.abs() as f64));
    if norm >= f32::MIN_POSITIVE as f64 {
        v.iter_mut().for_each(|x| *x = (*x as f64 / norm) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_fold_onto_pitch_classes_centred_on_the_note() {
        assert_eq!(pitch_class(0), 0);
        assert_eq!(pitch_class(1), 0);
        assert_eq!(pitch_class(35), 0);
        assert_eq!(pitch_class(2), 1);
        assert_eq!(pitch_class(4), 1);
        assert_eq!(pitch_class(33), 11);
        assert_eq!(pitch_class(36 + 3), 1);
        let mut counts = [0; N_CHROMA];
        (0..N_CQT_BINS).for_each(|b| counts[pitch_class(b)] += 1);
        assert!(counts.iter().all(|&c| c == N_CQT_BINS / N_CHROMA));
    }

    #[test]
    fn frames_are_max_normalised_and_silence_stays_zero() {
        let mut cqt = vec![0.0f32; N_CQT_BINS];
        cqt[36] = 2.0;
        cqt[37] = 1.0;
        cqt[9] = 1.0;
        let mut out = [0.0; N_CHROMA];
        chroma_frame(&cqt, &mut out);
        assert_eq!(out[0], 1.0);
        assert_eq!(out[3], 1.0 / 3.0);
        chroma_frame(&[0.0; N_CQT_BINS], &mut out);
        assert_eq!(out, [0.0; N_CHROMA]);
    }
}
