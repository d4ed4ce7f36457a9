//! [`super::Signal`] of a stream: the same checks and the same resampling,
//! applied piece by piece as samples arrive, with memory that does not grow
//! with the length.
//!
//! The resampled samples equal those of [`super::Signal::new`] on the whole
//! input bit for bit ([`crate::dsp::resample_stream`]); the checks find the
//! same first bad sample. The level behind [`crate::Error::NoMusic`] is
//! accumulated in one pass (sums around the first sample) instead of
//! two, equal to [`super::Signal::ac_rms`] to about 1e-12 relative.

use crate::dsp::resample_stream::Resampler;
use crate::error::Error;
use crate::limits::MAX_DURATION_S;

use super::{check_length, check_rate, first_bad};

/// Checks and resamples a stream of mono samples at one input rate.
pub struct SignalStream {
    input_rate: u32,
    resampler: Resampler,
    /// Input samples so far.
    input_len: u64,
    /// Most input samples accepted ([`Error::TooLong`] past it).
    max_len: u64,
    max_seconds: f32,
    level: Level,
}

/// What a finished stream was: its length and level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamEnd {
    /// Sample rate of the input, in Hz.
    pub input_rate: u32,
    /// Length of the input, in seconds (as [`super::Signal::duration`]).
    pub duration: f32,
    /// As [`super::Signal::ac_rms`].
    pub ac_rms: f32,
}

impl SignalStream {
    /// A stream of mono samples at `sample_rate` Hz, at most
    /// [`MAX_DURATION_S`] long.
    pub fn new(sample_rate: u32) -> Result<Self, Error> {
        Self::with_max_duration(sample_rate, MAX_DURATION_S)
    }

    /// [`SignalStream::new`] accepting at most `max_seconds` of input.
    pub fn with_max_duration(sample_rate: u32, max_seconds: f32) -> Result<Self, Error> {
        check_rate(sample_rate)?;
        Ok(Self {
            input_rate: sample_rate,
            resampler: Resampler::new(sample_rate),
            input_len: 0,
            max_len: (max_seconds.max(0.0) as f64 * sample_rate as f64) as u64,
            max_seconds,
            level: Level::default(),
        })
    }

    /// Sample rate of the input, in Hz.
    pub fn input_rate(&self) -> u32 {
        self.input_rate
    }

    /// Input samples taken so far.
    pub fn input_len(&self) -> u64 {
        self.input_len
    }

    /// Checks the next input samples and appends the resampled samples they
    /// complete to `out`.
    pub fn push(&mut self, x: &[f32], out: &mut Vec<f32>) -> Result<(), Error> {
        if self.input_len + x.len() as u64 > self.max_len {
            return Err(Error::TooLong {
                max_seconds: self.max_seconds,
            });
        }
        if let Some(e) = first_bad(x, self.input_len as usize) {
            return Err(e);
        }
        self.input_len += x.len() as u64;
        self.level.add(x);
        self.resampler.push(x, out);
        Ok(())
    }

    /// Ends the stream: appends the last resampled samples and checks the
    /// length ([`Error::Empty`], [`Error::TooShort`]).
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<StreamEnd, Error> {
        check_length(self.input_len as usize, self.input_rate)?;
        self.resampler.finish(out);
        Ok(StreamEnd {
            input_rate: self.input_rate,
            duration: (self.input_len as f64 / self.input_rate as f64) as f32,
            ac_rms: self.level.ac_rms(),
        })
    }
}

/// Running sums for the level around the mean: around the first sample
/// (`shift`), so that a DC offset does not cost precision.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    shift: Option<f64>,
    n: u64,
    sum: f64,
    sum_sq: f64,
}

impl Level {
    fn add(&mut self, y: &[f32]) {
        let Some(&first) = y.first() else {
            return;
        };
        let k = *self.shift.get_or_insert(first as f64);
        for &v in y {
            let d = v as f64 - k;
            self.sum += d;
            self.sum_sq += d * d;
        }
        self.n += y.len() as u64;
    }

    fn ac_rms(&self) -> f32 {
        let n = self.n.max(1) as f64;
        let mean = self.sum / n;
        (self.sum_sq / n - mean * mean).max(0.0).sqrt() as f32
    }
}

#[cfg(test)]
mod tests {
    use super::super::Signal;
    use super::*;

    #[test]
    fn the_stream_equals_the_signal() {
        let x: Vec<f32> = (0..30_000)
            .map(|i| 0.3 + 0.2 * (i as f32 * 0.05).sin())
            .collect();
        for sr in [16_000u32, 22_050, 44_100, 48_000] {
            let s = Signal::new(&x, sr).unwrap();
            let mut st = SignalStream::new(sr).unwrap();
            let mut y = Vec::new();
            for c in x.chunks(1000) {
                st.push(c, &mut y).unwrap();
            }
            let end = st.finish(&mut y).unwrap();
            assert!(y == s.samples(), "{sr} Hz");
            assert_eq!(end.duration, s.duration());
            assert_eq!(end.input_rate, sr);
            let rel = (end.ac_rms - s.ac_rms()).abs() / s.ac_rms();
            assert!(rel < 1e-6, "{sr} Hz: {} vs {}", end.ac_rms, s.ac_rms());
        }
    }

    #[test]
    fn typed_errors_as_the_signal_gives_them() {
        assert_eq!(
            SignalStream::new(7999).err(),
            Some(Error::UnsupportedSampleRate { sample_rate: 7999 })
        );
        let mut y = Vec::new();
        let mut st = SignalStream::new(22050).unwrap();
        st.push(&[0.1; 100], &mut y).unwrap();
        let mut bad = [0.1f32; 50];
        bad[7] = f32::NAN;
        assert_eq!(st.push(&bad, &mut y), Err(Error::NonFinite { index: 107 }));
        let mut st = SignalStream::new(22050).unwrap();
        assert_eq!(st.finish(&mut y), Err(Error::Empty));
        let mut st = SignalStream::new(44100).unwrap();
        st.push(&[0.1; 100], &mut y).unwrap();
        assert_eq!(
            st.finish(&mut y),
            Err(Error::TooShort {
                samples: 100,
                min_samples: 4096,
                sample_rate: 44100,
            })
        );
        // The cap counts input samples.
        let mut st = SignalStream::with_max_duration(8000, 1.0).unwrap();
        st.push(&[0.1; 8000], &mut y).unwrap();
        assert_eq!(
            st.push(&[0.1], &mut y),
            Err(Error::TooLong { max_seconds: 1.0 })
        );
    }
}
