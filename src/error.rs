//! The typed errors of the crate. No public function panics on any input.

use std::fmt;

/// Everything that can go wrong between raw samples and a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The input holds no samples.
    Empty,
    /// The input is shorter than the analysis needs (counted at the input rate).
    TooShort { samples: usize, min_samples: usize },
    /// A sample is NaN or infinite.
    NonFinite { index: usize },
    /// The sample rate is outside the supported range.
    UnsupportedSampleRate { sample_rate: u32 },
    /// The channel count is zero or does not divide the interleaved length.
    BadChannels { channels: usize, len: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the audio holds no samples"),
            Error::TooShort {
                samples,
                min_samples,
            } => write!(
                f,
                "the audio is too short: {samples} samples, at least {min_samples} needed"
            ),
            Error::NonFinite { index } => {
                write!(f, "sample {index} is not a finite number (NaN or infinity)")
            }
            Error::UnsupportedSampleRate { sample_rate } => write!(
                f,
                "unsupported sample rate {sample_rate} Hz (supported: {} to {} Hz)",
                crate::features::MIN_SAMPLE_RATE,
                crate::features::MAX_SAMPLE_RATE
            ),
            Error::BadChannels { channels, len } => write!(
                f,
                "{len} interleaved samples cannot be split into {channels} channels"
            ),
        }
    }
}

impl Error {
    /// Short stable code of the error kind, as the JavaScript API reports it
    /// (`"empty"`, `"too-short"`, `"non-finite"`, `"sample-rate"`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::TooShort { .. } => "too-short",
            Error::NonFinite { .. } => "non-finite",
            Error::UnsupportedSampleRate { .. } => "sample-rate",
            Error::BadChannels { .. } => "internal",
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_javascript_contract() {
        assert_eq!(Error::Empty.code(), "empty");
        let short = Error::TooShort {
            samples: 1,
            min_samples: 2048,
        };
        assert_eq!(short.code(), "too-short");
        assert_eq!(Error::NonFinite { index: 0 }.code(), "non-finite");
        let rate = Error::UnsupportedSampleRate { sample_rate: 1 };
        assert_eq!(rate.code(), "sample-rate");
    }
}
