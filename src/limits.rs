//! What the analysis accepts, stated once: the limits every front end
//! checks input against (see [`crate::input`]).

use crate::dsp::{N_FFT, SAMPLE_RATE};

/// Lowest accepted input sample rate, in Hz.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// Highest accepted input sample rate, in Hz.
pub const MAX_SAMPLE_RATE: u32 = 192_000;
/// Shortest accepted input, in samples at [`SAMPLE_RATE`]: one full STFT
/// frame (2048 samples, about 93 ms).
pub const MIN_SAMPLES: usize = N_FFT;
/// Longest input a streamed analysis reads, in seconds of audio (12 hours):
/// past it, [`crate::Error::TooLong`]. Streaming keeps memory bounded at any
/// length; the cap bounds the time an endless source (a device, a pipe)
/// could take.
pub const MAX_DURATION_S: f32 = 12.0 * 3600.0;
/// Largest accepted sample magnitude. Audio is normally within [-1, 1]
/// (integer PCM passed unscaled stays far below this); beyond it the power
/// spectra of the analysis could overflow single precision.
pub const MAX_AMPLITUDE: f32 = 1e12;
/// Below this root-mean-square level (-80 dBFS), once any DC offset is
/// removed, a track holds no music ([`crate::Error::NoMusic`]). Dithered
/// 16-bit silence lies near -100 dBFS; the quietest real recordings stay
/// far above.
pub const NO_MUSIC_RMS: f32 = 1e-4;

/// Shortest input accepted at `sample_rate`, in samples.
pub fn min_samples(sample_rate: u32) -> usize {
    (MIN_SAMPLES as u64 * sample_rate as u64).div_ceil(SAMPLE_RATE as u64) as usize
}
