//! Input checks and the signal every analysis starts from: mono samples
//! within [`crate::limits`], resampled to [`crate::SAMPLE_RATE`] once.

use std::borrow::Cow;

use crate::dsp::resample::to_analysis_rate;
use crate::error::Error;
use crate::limits::{min_samples, MAX_AMPLITUDE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};

pub mod stream;

/// Mono samples checked against the limits and resampled to
/// [`crate::SAMPLE_RATE`]. Classification and the mel image of the same input
/// share one.
#[derive(Debug, Clone)]
pub struct Signal<'a> {
    samples: Cow<'a, [f32]>,
    input_rate: u32,
    input_len: usize,
    ac_rms: f32,
}

impl<'a> Signal<'a> {
    /// Checks mono `samples` at `sample_rate` Hz ([`check`]) and resamples
    /// them to [`crate::SAMPLE_RATE`] (borrowed when already at that rate).
    pub fn new(samples: &'a [f32], sample_rate: u32) -> Result<Self, Error> {
        check(samples, sample_rate)?;
        Ok(Self {
            samples: to_analysis_rate(samples, sample_rate),
            input_rate: sample_rate,
            input_len: samples.len(),
            ac_rms: ac_rms(samples),
        })
    }

    /// The samples at [`crate::SAMPLE_RATE`].
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// Sample rate of the input, in Hz.
    pub fn input_rate(&self) -> u32 {
        self.input_rate
    }

    /// Length of the input, in seconds.
    pub fn duration(&self) -> f32 {
        (self.input_len as f64 / self.input_rate as f64) as f32
    }

    /// Root-mean-square level around the mean (the AC part) of the input,
    /// as given: before resampling, whose filter would turn the edges of a
    /// DC offset into a level of its own.
    pub fn ac_rms(&self) -> f32 {
        self.ac_rms
    }
}

/// Root-mean-square level of `y` around its mean.
fn ac_rms(y: &[f32]) -> f32 {
    let n = y.len().max(1) as f64;
    let mean = y.iter().map(|&v| v as f64).sum::<f64>() / n;
    (y.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt() as f32
}

/// Rejects inputs the analysis cannot take, with the reason.
pub fn check(samples: &[f32], sample_rate: u32) -> Result<(), Error> {
    check_rate(sample_rate)?;
    if let Some(e) = first_bad(samples, 0) {
        return Err(e);
    }
    check_length(samples.len(), sample_rate)
}

/// [`Error::UnsupportedSampleRate`] outside the supported input rates.
fn check_rate(sample_rate: u32) -> Result<(), Error> {
    if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        return Err(Error::UnsupportedSampleRate { sample_rate });
    }
    Ok(())
}

/// [`Error::Empty`] or [`Error::TooShort`] for an input of `len` samples at
/// `sample_rate` Hz that the analysis cannot take.
fn check_length(len: usize, sample_rate: u32) -> Result<(), Error> {
    if len == 0 {
        return Err(Error::Empty);
    }
    let min = min_samples(sample_rate);
    if len < min {
        return Err(Error::TooShort {
            samples: len,
            min_samples: min,
            sample_rate,
        });
    }
    Ok(())
}

/// The error of the first NaN or too loud sample of `samples`, whose first
/// sample is input sample `index_offset`.
fn first_bad(samples: &[f32], index_offset: usize) -> Option<Error> {
    // One pass over the samples for both checks, a block at a time without
    // early exit, so that it vectorises.
    const BLOCK: usize = 256;
    let bad = |s: &f32| s.is_nan() | (s.abs() > MAX_AMPLITUDE);
    let first_bad = samples
        .chunks(BLOCK)
        .enumerate()
        .find(|(_, block)| block.iter().fold(false, |any, s| any | bad(s)))
        .and_then(|(b, block)| Some(b * BLOCK + block.iter().position(bad)?));
    first_bad.map(|i| {
        let value = samples[i];
        let index = index_offset + i;
        if value.is_finite() {
            Error::TooLoud { index, value }
        } else {
            Error::NonFinite { index }
        }
    })
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
                min_samples: 4096,
                sample_rate: 44100,
            })
        );
        assert!(check(&[0.0; 2048], 22050).is_ok());
        y[7] = -1e13;
        assert_eq!(
            check(&y, 22050),
            Err(Error::TooLoud {
                index: 7,
                value: -1e13
            })
        );
        y[7] = MAX_AMPLITUDE;
        assert!(check(&y, 22050).is_ok());
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
