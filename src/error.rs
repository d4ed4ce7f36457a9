//! The typed errors of the crate. No public function panics on any input.

use std::fmt;

use crate::limits::{MAX_AMPLITUDE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, NO_MUSIC_RMS};

/// Everything that can go wrong between raw samples and a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The input holds no samples.
    Empty,
    /// The input is shorter than the analysis needs (counted at the input
    /// rate, `sample_rate` Hz).
    TooShort {
        samples: usize,
        min_samples: usize,
        sample_rate: u32,
    },
    /// A sample is NaN or infinite.
    NonFinite { index: usize },
    /// A sample's magnitude exceeds [`MAX_AMPLITUDE`].
    TooLoud { index: usize, value: f32 },
    /// The sample rate is outside the supported range.
    UnsupportedSampleRate { sample_rate: u32 },
    /// The channel count is zero or does not divide the interleaved length.
    BadChannels { channels: usize, len: usize },
    /// The bytes are not audio in any container this build can read.
    UnrecognizedFormat,
    /// The container holds no audio track.
    NoAudioTrack,
    /// The audio is encoded with a codec this build cannot decode.
    UnsupportedCodec { codec: String },
    /// The stream ends before the length its header announces.
    Truncated { frames: u64, expected_frames: u64 },
    /// The stream runs past the longest input the analysis takes
    /// ([`crate::limits::MAX_DURATION_S`] unless a caller sets a lower cap):
    /// an endless source, or far longer than any recording to classify.
    TooLong { max_seconds: f32 },
    /// The stream is damaged beyond decoding.
    Corrupt { message: String },
    /// The file could not be read.
    Io { message: String },
    /// The model file is malformed, inconsistent or holds non-finite values.
    InvalidModel { reason: String },
    /// The model file was written for another format or feature layout.
    ModelVersion {
        what: &'static str,
        found: u16,
        expected: u16,
    },
    /// No trained model is embedded in this build.
    NoModel,
    /// The audio holds no music to classify: after removing any constant
    /// (DC) offset, its level stays below
    /// [`NO_MUSIC_RMS`] (digital silence, a DC offset,
    /// near-silent noise).
    NoMusic { rms_dbfs: f32 },
    /// The caller asked to stop through the progress callback.
    Cancelled,
    /// A parameter is outside its valid range.
    InvalidParameter {
        name: &'static str,
        reason: &'static str,
    },
    /// A computation that cannot fail on valid sizes failed (a bug).
    Internal { what: &'static str },
    /// Training examples a personal model cannot be trained on: too few or
    /// too many labels, a label without songs, features that are not
    /// finite or not whole windows of 498, an unknown training mode.
    Training { reason: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the audio holds no samples"),
            Error::TooShort {
                samples,
                min_samples,
                sample_rate,
            } => {
                let s = |n: usize| n as f64 / (*sample_rate).max(1) as f64;
                write!(
                    f,
                    "the audio is too short: {:.3} s ({samples} samples at {sample_rate} Hz); at least {:.3} s ({min_samples} samples) is needed",
                    s(*samples),
                    s(*min_samples)
                )
            }
            Error::NonFinite { index } => {
                write!(f, "sample {index} is not a finite number (NaN or infinity)")
            }
            Error::TooLoud { index, value } => write!(
                f,
                "sample {index} is {value:e}, beyond the largest magnitude the analysis takes ({:e}; audio is normally within -1 to 1)",
                MAX_AMPLITUDE
            ),
            Error::UnsupportedSampleRate { sample_rate } => write!(
                f,
                "unsupported sample rate {sample_rate} Hz (supported: {} to {} Hz)",
                MIN_SAMPLE_RATE, MAX_SAMPLE_RATE
            ),
            Error::BadChannels { channels, len } => write!(
                f,
                "{len} interleaved samples cannot be split into {channels} channels"
            ),
            Error::UnrecognizedFormat => write!(
                f,
                "not a recognised audio file (supported: WAV, FLAC, MP3, Ogg Vorbis)"
            ),
            Error::NoAudioTrack => write!(f, "the file holds no audio track"),
            Error::UnsupportedCodec { codec } => write!(
                f,
                "the audio is encoded as {codec}, which this build cannot decode (it reads WAV, FLAC, MP3 and Ogg Vorbis): convert the file to one of those"
            ),
            Error::Truncated {
                frames,
                expected_frames,
            } => write!(
                f,
                "the audio is truncated: {frames} of {expected_frames} frames present"
            ),
            Error::TooLong { max_seconds } => write!(
                f,
                "the audio is too long: it runs past {max_seconds} s ({:.1} h), the longest input the analysis takes",
                max_seconds / 3600.0
            ),
            Error::Corrupt { message } => write!(f, "the audio is damaged: {message}"),
            Error::Io { message } => write!(f, "cannot read the file: {message}"),
            Error::InvalidModel { reason } => write!(f, "invalid model file: {reason}"),
            Error::ModelVersion {
                what,
                found,
                expected,
            } => write!(
                f,
                "model file has {what} {found}, this build needs {expected}"
            ),
            Error::NoModel => write!(f, "no trained model is embedded in this build"),
            Error::NoMusic { rms_dbfs } => write!(
                f,
                "no music detected: the audio is silent (its level is {rms_dbfs:.0} dBFS once any DC offset is removed; at least {:.0} dBFS is needed)",
                20.0 * NO_MUSIC_RMS.log10()
            ),
            Error::Cancelled => write!(f, "cancelled"),
            Error::InvalidParameter { name, reason } => {
                write!(f, "invalid parameter {name}: {reason}")
            }
            Error::Internal { what } => write!(f, "internal error in {what}"),
            Error::Training { reason } => write!(f, "cannot train on these examples: {reason}"),
        }
    }
}

impl Error {
    /// Short stable code of the error kind, as the JavaScript API reports it
    /// (`"empty"`, `"too-short"`, `"non-finite"`, `"sample-rate"`, ...).
    /// A sample too large to analyse counts as `"non-finite"`: a value the
    /// analysis cannot represent, like NaN or infinity.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::TooShort { .. } => "too-short",
            Error::NonFinite { .. } | Error::TooLoud { .. } => "non-finite",
            Error::UnsupportedSampleRate { .. } => "sample-rate",
            Error::BadChannels { .. } | Error::InvalidParameter { .. } | Error::Internal { .. } => {
                "internal"
            }
            Error::UnrecognizedFormat
            | Error::NoAudioTrack
            | Error::UnsupportedCodec { .. }
            | Error::Truncated { .. }
            | Error::TooLong { .. }
            | Error::Corrupt { .. }
            | Error::Io { .. } => "decode",
            Error::InvalidModel { .. } | Error::ModelVersion { .. } | Error::NoModel => "model",
            Error::NoMusic { .. } => "no-music",
            Error::Cancelled => "cancelled",
            Error::Training { .. } => "training",
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
            sample_rate: 22050,
        };
        assert_eq!(short.code(), "too-short");
        assert_eq!(Error::NonFinite { index: 0 }.code(), "non-finite");
        let rate = Error::UnsupportedSampleRate { sample_rate: 1 };
        assert_eq!(rate.code(), "sample-rate");
        assert_eq!(Error::Cancelled.code(), "cancelled");
        assert_eq!(Error::NoModel.code(), "model");
        assert_eq!(Error::UnrecognizedFormat.code(), "decode");
        // Native inputs only (the browser decodes whole files): the code
        // stays within the JavaScript contract.
        assert_eq!(Error::TooLong { max_seconds: 60.0 }.code(), "decode");
        assert_eq!(Error::NoMusic { rms_dbfs: -120.0 }.code(), "no-music");
        let training = Error::Training {
            reason: "one label".into(),
        };
        assert_eq!(training.code(), "training");
    }
}
