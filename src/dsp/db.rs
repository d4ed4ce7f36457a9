//! Power to decibels (librosa.power_to_db with `amin=1e-10, top_db=80`).
//!
//! librosa clamps the whole spectrogram at its global maximum minus
//! `top_db`, so callers find the maximum first (see [`floor`]).

/// Smallest power considered, to avoid `log(0)` (librosa `amin`).
pub const AMIN: f32 = 1e-10;
/// Dynamic range kept below the maximum, in dB (librosa `top_db`).
pub const TOP_DB: f32 = 80.0;

/// `10 * log10(max(AMIN, power))`, in single precision as librosa computes
/// it for `float32` input (`ref=1.0`).
#[inline(always)]
pub fn power_to_db(power: f32) -> f32 {
    // Not f32::max, a library call in WebAssembly; NaN is not expected.
    10.0 * (if power > AMIN { power } else { AMIN }).log10()
}

/// The clamp level of a spectrogram whose largest value is `max_db`.
pub fn floor(max_db: f32) -> f32 {
    max_db - TOP_DB
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decibels_with_floor() {
        assert_eq!(power_to_db(1.0), 0.0);
        assert!((power_to_db(100.0) - 20.0).abs() < 1e-5);
        assert!((power_to_db(0.0) + 100.0).abs() < 1e-4);
        assert_eq!(floor(3.0), -77.0);
    }
}
