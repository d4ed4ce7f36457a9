//! The model's fixed input transform: what happens to the 498 librosa
//! features before they are standardised and reach the network.
//!
//! The feature vector itself stays librosa's; the transform is part of the
//! model file, so the native code, the WebAssembly build and the training
//! pipeline all apply the same one (this function).

use serde::{Deserialize, Serialize};

use crate::layout::{MEL, MFCC, N_FEATURES, N_MELS};

/// Power floor of the decibel conversion, as librosa's `power_to_db(amin=1e-10)`.
pub const AMIN: f32 = 1e-10;

/// Which steps of the input transform a model uses, in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InputTransform {
    /// The 384 mel statistics (mean, min and max of the power in each band)
    /// become decibels, `10 log10(max(x, AMIN))`. Raw power spans many
    /// orders of magnitude; standardised as it is, a few loud bands dominate.
    pub mel_db: bool,
    /// The recording level is taken out: `L`, the mean over the 128 bands of
    /// the mel means in decibels, is subtracted from every mel statistic in
    /// decibels, and `sqrt(128) L` from the mean, min and max of MFCC 0 (its
    /// orthonormal DCT sums the 128 decibel bands). A gain of `g` dB moves
    /// every one of those features by the same multiple of `g` and leaves the
    /// others (chroma, higher MFCCs, tonnetz) unchanged, so after this step
    /// the network sees the same inputs at any playback level, down to the
    /// decibel floor. Needs `mel_db`.
    pub level: bool,
    /// With `level`: mel statistics more than this many decibels below the
    /// level are raised to `-floor_db` (0: no floor). What lies that far
    /// below the music is the recording's noise floor, not the music: 16-bit
    /// quantisation, dither, or the empty bands of a lossy codec, which would
    /// otherwise move the quietest statistics by tens of decibels.
    pub floor_db: u8,
}

impl InputTransform {
    /// The transform a model file may declare: `level` only with `mel_db`,
    /// a floor only with `level`.
    pub fn is_valid(self) -> bool {
        (self.mel_db || !self.level) && (self.level || self.floor_db == 0)
    }

    /// Applies the transform to one feature vector in place.
    pub fn apply(self, x: &mut [f32; N_FEATURES]) {
        if self.mel_db {
            for v in &mut x[MEL.all()] {
                *v = 10.0 * v.max(AMIN).log10();
            }
        }
        if self.mel_db && self.level {
            let level = x[MEL.mean()].iter().map(|&v| v as f64).sum::<f64>() / N_MELS as f64;
            let level = level as f32;
            let floor = -(self.floor_db as f32);
            for v in &mut x[MEL.all()] {
                *v -= level;
                if self.floor_db > 0 {
                    *v = v.max(floor);
                }
            }
            let c0 = level * (N_MELS as f32).sqrt();
            for i in [MFCC.mean().start, MFCC.min().start, MFCC.max().start] {
                x[i] -= c0;
            }
        }
    }

    /// Short description for reports, e.g. `mel in dB, level removed`.
    pub fn describe(self) -> String {
        match (self.mel_db, self.level, self.floor_db) {
            (false, _, _) => "raw features".into(),
            (true, false, _) => "mel in dB".into(),
            (true, true, 0) => "mel in dB, level removed".into(),
            (true, true, f) => format!("mel in dB, level removed, floor -{f} dB"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(gain_db: f32) -> [f32; N_FEATURES] {
        let mut x = [0.0f32; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            *v = 0.5 + (i as f32 * 0.37).sin();
        }
        let p = 10f32.powf(gain_db / 10.0);
        for (i, v) in x[MEL.all()].iter_mut().enumerate() {
            *v = 1e-3 * (1.0 + (i % 17) as f32) * p;
        }
        let c0 = gain_db * (N_MELS as f32).sqrt();
        for i in [MFCC.mean().start, MFCC.min().start, MFCC.max().start] {
            x[i] = -200.0 + c0;
        }
        x
    }

    #[test]
    fn level_step_removes_a_gain() {
        let t = InputTransform {
            mel_db: true,
            level: true,
            floor_db: 0,
        };
        let (mut a, mut b) = (features(0.0), features(-20.0));
        t.apply(&mut a);
        t.apply(&mut b);
        for (i, (p, q)) in a.iter().zip(&b).enumerate() {
            assert!((p - q).abs() < 1e-3, "feature {i}: {p} vs {q}");
        }
        // Without the level step the gain stays visible in decibels.
        let t = InputTransform {
            mel_db: true,
            level: false,
            floor_db: 0,
        };
        let (mut a, mut b) = (features(0.0), features(-20.0));
        t.apply(&mut a);
        t.apply(&mut b);
        let d = a[MEL.mean().start] - b[MEL.mean().start];
        assert!((d - 20.0).abs() < 1e-3, "{d}");
    }

    #[test]
    fn decibels_follow_power_to_db_and_leave_other_groups() {
        let t = InputTransform {
            mel_db: true,
            level: false,
            floor_db: 0,
        };
        let mut x = features(0.0);
        x[MEL.offset] = 0.01;
        x[MEL.offset + 1] = 0.0;
        let before = x;
        t.apply(&mut x);
        assert!((x[MEL.offset] + 20.0).abs() < 1e-5);
        assert!((x[MEL.offset + 1] + 100.0).abs() < 1e-4);
        for i in (0..N_FEATURES).filter(|i| !MEL.all().contains(i)) {
            assert_eq!(x[i], before[i], "feature {i}");
        }
        let mut y = before;
        InputTransform::default().apply(&mut y);
        assert_eq!(y, before);
    }

    #[test]
    fn the_floor_hides_what_lies_far_below_the_level() {
        let t = InputTransform {
            mel_db: true,
            level: true,
            floor_db: 60,
        };
        let mut a = features(0.0);
        // One band's minimum at digital silence, another's at a noise floor
        // 90 dB below the music: both end at the floor.
        a[MEL.min().start] = 0.0;
        a[MEL.min().start + 1] = 1e-12;
        let mut b = a;
        b[MEL.min().start] = 1e-11;
        t.apply(&mut a);
        t.apply(&mut b);
        assert_eq!(a[MEL.min().start], -60.0);
        assert_eq!(a[MEL.min().start + 1], -60.0);
        assert_eq!(a, b);
        // Values above the floor are untouched by it.
        let mut c = features(0.0);
        let mut d = c;
        t.apply(&mut c);
        InputTransform { floor_db: 0, ..t }.apply(&mut d);
        assert_eq!(c, d);
    }

    #[test]
    fn inconsistent_steps_are_invalid() {
        let t = |mel_db, level, floor_db| InputTransform {
            mel_db,
            level,
            floor_db,
        };
        assert!(!t(false, true, 0).is_valid());
        assert!(!t(true, false, 60).is_valid());
        assert!(t(true, true, 60).is_valid());
        assert!(InputTransform::default().is_valid());
    }
}
