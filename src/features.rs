//! The 498-float feature vector: validation, resampling and the four
//! feature groups of [`crate::layout`].

use crate::dsp::N_FFT;
use crate::error::Error;
use crate::layout::N_FEATURES;
use crate::SAMPLE_RATE;

/// Lowest accepted input sample rate, in Hz.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// Highest accepted input sample rate, in Hz.
pub const MAX_SAMPLE_RATE: u32 = 192_000;
/// Shortest accepted input, in samples at [`SAMPLE_RATE`]: one full STFT
/// frame (2048 samples, about 93 ms).
pub const MIN_SAMPLES: usize = N_FFT;

/// Feature vector of mono `samples` at `sample_rate` Hz.
///
/// The input is checked, resampled to [`SAMPLE_RATE`] when needed, and
/// passed to [`extract`].
pub fn features(samples: &[f32], sample_rate: u32) -> Result<[f32; N_FEATURES], Error> {
    check(samples, sample_rate)?;
    let y = crate::dsp::resample::to_analysis_rate(samples, sample_rate);
    extract(&y)
}

/// Feature vector of mono samples already at [`SAMPLE_RATE`].
pub fn extract(y: &[f32]) -> Result<[f32; N_FEATURES], Error> {
    check(y, SAMPLE_RATE)?;
    Ok(crate::dsp::extract_checked(y))
}

/// Shortest input accepted at `sample_rate`, in samples.
pub fn min_samples(sample_rate: u32) -> usize {
    (MIN_SAMPLES as u64 * sample_rate as u64).div_ceil(SAMPLE_RATE as u64) as usize
}

/// Rejects inputs the analysis cannot take, with the reason.
pub fn check(samples: &[f32], sample_rate: u32) -> Result<(), Error> {
    if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        return Err(Error::UnsupportedSampleRate { sample_rate });
    }
    if samples.is_empty() {
        return Err(Error::Empty);
    }
    if let Some(index) = samples.iter().position(|s| !s.is_finite()) {
        return Err(Error::NonFinite { index });
    }
    let min = min_samples(sample_rate);
    if samples.len() < min {
        return Err(Error::TooShort {
            samples: samples.len(),
            min_samples: min,
        });
    }
    Ok(())
}

/// Mono mix of interleaved samples: the mean of the channels, frame by frame.
pub fn downmix(interleaved: &[f32], channels: usize) -> Result<Vec<f32>, Error> {
    if channels == 0 || !interleaved.len().is_multiple_of(channels) {
        return Err(Error::BadChannels {
            channels,
            len: interleaved.len(),
        });
    }
    let scale = 1.0 / channels as f32;
    Ok(interleaved
        .chunks_exact(channels)
        .map(|frame| frame.iter().sum::<f32>() * scale)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input_with_typed_errors() {
        assert_eq!(check(&[], 22050), Err(Error::Empty));
        assert_eq!(
            check(&[0.0; 4096], 7999),
            Err(Error::UnsupportedSampleRate { sample_rate: 7999 })
        );
        let mut y = vec![0.0; 4096];
        y[7] = f32::NAN;
        assert_eq!(check(&y, 22050), Err(Error::NonFinite { index: 7 }));
        assert_eq!(
            check(&[0.0; 100], 44100),
            Err(Error::TooShort {
                samples: 100,
                min_samples: 4096
            })
        );
        assert!(check(&[0.0; 2048], 22050).is_ok());
    }

    #[test]
    fn downmix_averages_channels() {
        assert_eq!(downmix(&[1.0, 3.0, -1.0, 1.0], 2).unwrap(), vec![2.0, 0.0]);
        assert!(matches!(
            downmix(&[1.0, 2.0, 3.0], 2),
            Err(Error::BadChannels { .. })
        ));
        assert!(matches!(downmix(&[1.0], 0), Err(Error::BadChannels { .. })));
    }
}
