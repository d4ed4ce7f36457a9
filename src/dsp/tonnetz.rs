//! Tonal centroid features (librosa.feature.tonnetz of chroma_cqt).

use std::f64::consts::PI;

use super::chroma::N_CHROMA;
use super::chroma_cqt::chroma_frame;
use super::cqt::CqtPlan;

/// Tonal centroid dimensions: fifths, minor and major thirds as (sin, cos).
pub const N_TONNETZ: usize = 6;

/// Projection of L1-normalised chroma onto the tonal centroids: fifths,
/// minor thirds and major thirds, each as a (sin, cos) pair.
fn projection() -> [[f64; N_CHROMA]; N_TONNETZ] {
    const SCALE: [f64; N_TONNETZ] = [7.0 / 6.0, 7.0 / 6.0, 1.5, 1.5, 2.0 / 3.0, 2.0 / 3.0];
    const RADIUS: [f64; N_TONNETZ] = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5];
    let mut phi = [[0.0; N_CHROMA]; N_TONNETZ];
    for (p, row) in phi.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            let shift = if p % 2 == 0 { 0.5 } else { 0.0 };
            *v = RADIUS[p] * (PI * (SCALE[p] * c as f64 - shift)).cos();
        }
    }
    phi
}

/// Tonnetz of one normalised chroma frame.
pub fn tonnetz_frame(
    chroma: &[f32; N_CHROMA],
    phi: &[[f64; N_CHROMA]; N_TONNETZ],
) -> [f32; N_TONNETZ] {
    // librosa.util.normalize(norm=1), small norms left unnormalised.
    let l1: f64 = chroma.iter().map(|x| x.abs() as f64).sum();
    let div = if l1 < f32::MIN_POSITIVE as f64 {
        1.0
    } else {
        l1
    };
    let c: Vec<f64> = chroma
        .iter()
        .map(|&x| (x as f64 / div) as f32 as f64)
        .collect();
    let mut out = [0.0f32; N_TONNETZ];
    for (o, row) in out.iter_mut().zip(phi) {
        *o = row.iter().zip(&c).map(|(a, b)| a * b).sum::<f64>() as f32;
    }
    out
}

/// Calls `f` with the tonnetz of each frame of `y` (22050 Hz), in time
/// order, given the tuning estimate (in fractions of a 36-per-octave bin)
/// that chroma_cqt uses.
pub fn for_each_frame(y: &[f32], tuning: f32, mut f: impl FnMut(&[f32; N_TONNETZ])) {
    let plan = CqtPlan::cached(tuning);
    let phi = projection();
    let mut chroma = [0.0f32; N_CHROMA];
    plan.for_each_frame(y, |cqt| {
        chroma_frame(cqt, &mut chroma);
        f(&tonnetz_frame(&chroma, &phi));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_pitch_class_lands_on_its_centroid() {
        let phi = projection();
        let mut chroma = [0.0f32; N_CHROMA];
        chroma[0] = 1.0;
        let t = tonnetz_frame(&chroma, &phi);
        // C: sin terms 0, cos terms equal to the radius.
        let want = [0.0, 1.0, 0.0, 1.0, 0.0, 0.5];
        for (a, b) in t.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{t:?}");
        }
        assert_eq!(tonnetz_frame(&[0.0; N_CHROMA], &phi), [0.0; N_TONNETZ]);
    }
}
