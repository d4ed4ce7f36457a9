//! Track classification: windows, per-window probabilities, their average.

use std::ops::Range;

use serde::Serialize;

use crate::dsp::SAMPLE_RATE;
use crate::error::Error;
use crate::features::extract;
use crate::input::Signal;
use crate::layout::N_FEATURES;
use crate::limits::NO_MUSIC_RMS;
use crate::model::Model;

pub mod share;
pub mod stream;
pub use stream::StreamClassifier;

/// Probabilities at or below this are left out of [`Classification::top3`].
pub const TOP3_MIN_PROBABILITY: f32 = 0.15;

/// One genre and its probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenreProbability {
    pub genre: String,
    pub probability: f32,
}

/// The result for one analysis window.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// Start of the window in the track, in seconds.
    pub start: f32,
    /// End of the window in the track, in seconds.
    pub end: f32,
    /// Most probable genre of this window.
    pub genre: String,
    /// Probability of each genre, in model order.
    pub probabilities: Vec<f32>,
}

/// The result for a whole track.
///
/// This is the one result shape of every front end: serialized (serde,
/// camelCase) it is the object the JavaScript API returns and each line of
/// `genre classify --json` (which adds `file`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// Most probable genre of the track.
    pub genre: String,
    /// Whether the model is sure enough to state `genre` as the answer: its
    /// (calibrated) probability reaches the model's confidence threshold.
    /// When `false`, present `genre` as a guess, not an answer.
    pub confident: bool,
    /// Every genre, in model order, with the mean of its window probabilities.
    pub probabilities: Vec<GenreProbability>,
    /// Genres above [`TOP3_MIN_PROBABILITY`], best first, at most three.
    pub top3: Vec<GenreProbability>,
    /// Per-window results, in time order; together they cover the track.
    pub windows: Vec<Window>,
    /// Length of the input, in seconds.
    pub duration: f32,
    /// Sample rate of the input, in Hz.
    pub sample_rate: u32,
    /// Whether the input ended before the length its header announced (a
    /// cut or damaged file): the result covers the part that decoded.
    pub truncated: bool,
}

/// Classifies mono `samples` at `sample_rate` Hz with the embedded model.
pub fn classify(samples: &[f32], sample_rate: u32) -> Result<Classification, Error> {
    Model::embedded()?.classify(samples, sample_rate)
}

/// [`classify`] reporting `(windows done, windows in total)` after each
/// window (and once before the first); the callback returns `false` to stop,
/// which ends the call with [`Error::Cancelled`].
pub fn classify_with_progress(
    samples: &[f32],
    sample_rate: u32,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Classification, Error> {
    Model::embedded()?.classify_with_progress(samples, sample_rate, progress)
}

/// Sample ranges of the analysis windows of a signal of `len` samples:
/// windows of `window` samples every `hop` samples, plus one ending at the
/// last sample when the regular ones stop short of it. A signal no longer
/// than one window is a single window over all of it.
pub fn window_ranges(len: usize, window: usize, hop: usize) -> Vec<Range<usize>> {
    let hop = hop.max(1);
    if len <= window {
        return std::iter::once(0..len).collect();
    }
    let mut ranges: Vec<Range<usize>> = (0..=(len - window))
        .step_by(hop)
        .map(|s| s..s + window)
        .collect();
    if ranges.last().is_some_and(|r| r.end < len) {
        ranges.push(len - window..len);
    }
    ranges
}

/// Window length and hop given in seconds, in samples at [`SAMPLE_RATE`].
pub fn window_samples(window_s: f32, hop_s: f32) -> (usize, usize) {
    let sr = SAMPLE_RATE as f32;
    (
        (window_s * sr).round() as usize,
        (hop_s * sr).round().max(1.0) as usize,
    )
}

impl Model {
    /// Classifies mono `samples` at `sample_rate` Hz.
    pub fn classify(&self, samples: &[f32], sample_rate: u32) -> Result<Classification, Error> {
        self.classify_with_progress(samples, sample_rate, &mut |_, _| true)
    }

    /// [`Model::classify`] with a progress callback, as in
    /// [`classify_with_progress`].
    pub fn classify_with_progress(
        &self,
        samples: &[f32],
        sample_rate: u32,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Classification, Error> {
        self.classify_signal(&Signal::new(samples, sample_rate)?, progress)
    }

    /// Classifies a checked, resampled [`Signal`], with a progress callback
    /// as in [`classify_with_progress`].
    pub fn classify_signal(
        &self,
        signal: &Signal,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Classification, Error> {
        let windows = self.each_window(signal, progress, |y, start| {
            Ok(self.window_result(start..start + y.len(), self.window_probabilities(y)?))
        })?;
        Ok(self.summarize(windows, signal.duration(), signal.input_rate(), false))
    }

    /// The 498 raw features of each analysis window of a checked, resampled
    /// [`Signal`]: the windows [`Model::classify_signal`] classifies
    /// ([`window_ranges`] with this model's window and hop), one row after
    /// another, as a personal model is trained on them. Rejects what
    /// classification rejects (silence: [`Error::NoMusic`]); `progress` as
    /// in [`classify_with_progress`].
    pub fn window_features(
        &self,
        signal: &Signal,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Vec<[f32; N_FEATURES]>, Error> {
        self.each_window(signal, progress, |y, _| extract(y))
    }

    /// `f(window samples, start sample)` for each analysis window of
    /// `signal` in order, after the no-music check; `progress(done, total)`
    /// before the first window and after each, `false` cancelling.
    fn each_window<T>(
        &self,
        signal: &Signal,
        progress: &mut dyn FnMut(usize, usize) -> bool,
        mut f: impl FnMut(&[f32], usize) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let y = signal.samples();
        check_level(signal.ac_rms())?;
        let (window, hop) = window_samples(self.window_s(), self.hop_s());
        let ranges = window_ranges(y.len(), window, hop);
        let total = ranges.len();
        if !progress(0, total) {
            return Err(Error::Cancelled);
        }
        let mut out = Vec::with_capacity(total);
        for (i, r) in ranges.into_iter().enumerate() {
            out.push(f(&y[r.clone()], r.start)?);
            if !progress(i + 1, total) {
                return Err(Error::Cancelled);
            }
        }
        Ok(out)
    }

    /// The model's probabilities for the window `y` (samples at
    /// [`SAMPLE_RATE`]).
    fn window_probabilities(&self, y: &[f32]) -> Result<Vec<f32>, Error> {
        Ok(self.predict(&extract(y)?))
    }

    /// The result of the window over the samples `range` (at
    /// [`SAMPLE_RATE`]) with probabilities `p`.
    fn window_result(&self, range: Range<usize>, p: Vec<f32>) -> Window {
        let sr = SAMPLE_RATE as f32;
        Window {
            start: range.start as f32 / sr,
            end: range.end as f32 / sr,
            genre: self.genres()[argmax(&p)].clone(),
            probabilities: p,
        }
    }

    /// The track's result from its windows, in time order (their
    /// probabilities summed in that order).
    fn summarize(
        &self,
        windows: Vec<Window>,
        duration: f32,
        sample_rate: u32,
        truncated: bool,
    ) -> Classification {
        let mut sum = vec![0.0f64; self.genres().len()];
        for w in &windows {
            for (s, &v) in sum.iter_mut().zip(&w.probabilities) {
                *s += v as f64;
            }
        }
        let total = windows.len().max(1);
        let mean: Vec<f32> = sum.iter().map(|s| (s / total as f64) as f32).collect();
        let probabilities: Vec<GenreProbability> = self
            .genres()
            .iter()
            .zip(&mean)
            .map(|(g, &p)| GenreProbability {
                genre: g.clone(),
                probability: p,
            })
            .collect();
        let best = argmax(&mean);
        Classification {
            genre: self.genres()[best].clone(),
            confident: mean[best] >= self.confidence_threshold(),
            top3: top3(&probabilities),
            probabilities,
            windows,
            duration,
            sample_rate,
            truncated,
        }
    }
}

/// [`Error::NoMusic`] when the level around the mean, `ac_rms`, is below
/// [`NO_MUSIC_RMS`].
fn check_level(ac_rms: f32) -> Result<(), Error> {
    if ac_rms < NO_MUSIC_RMS {
        return Err(Error::NoMusic {
            rms_dbfs: 20.0 * ac_rms.max(1e-12).log10(),
        });
    }
    Ok(())
}

/// Index of the largest value (the first of equals).
fn argmax(v: &[f32]) -> usize {
    v.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &x)| {
            if x > bv {
                (i, x)
            } else {
                (bi, bv)
            }
        })
        .0
}

/// Genres above [`TOP3_MIN_PROBABILITY`], best first, at most three.
fn top3(all: &[GenreProbability]) -> Vec<GenreProbability> {
    let mut top: Vec<GenreProbability> = all
        .iter()
        .filter(|g| g.probability > TOP3_MIN_PROBABILITY)
        .cloned()
        .collect();
    top.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    top.truncate(3);
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::stream::SignalStream;
    use crate::model::test_model;
    use stream::StreamClassifier;

    /// A few seconds of a chord with a slow tremolo, at `sr` Hz.
    pub(super) fn signal(seconds: f32, sr: u32) -> Vec<f32> {
        let n = (seconds * sr as f32) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / sr as f32;
                let am = 0.6 + 0.4 * (2.0 * std::f32::consts::PI * 0.5 * t).sin();
                am * [220.0, 277.2, 329.6]
                    .iter()
                    .map(|f| (2.0 * std::f32::consts::PI * f * t).sin())
                    .sum::<f32>()
                    / 3.0
            })
            .collect()
    }

    #[test]
    fn window_ranges_cover_the_signal() {
        assert_eq!(window_ranges(10, 4, 2), vec![0..4, 2..6, 4..8, 6..10]);
        assert_eq!(
            window_ranges(11, 4, 2),
            vec![0..4, 2..6, 4..8, 6..10, 7..11]
        );
        assert_eq!(window_ranges(3, 4, 2), vec![0..3]);
        assert_eq!(window_ranges(4, 4, 2), vec![0..4]);
        for (len, w, h) in [(1000, 100, 30), (999, 100, 100), (5000, 2048, 512)] {
            let r = window_ranges(len, w, h);
            assert_eq!(r[0].start, 0);
            assert_eq!(r.last().unwrap().end, len);
            assert!(r.iter().all(|x| x.len() == w));
            assert!(r
                .windows(2)
                .all(|p| p[1].start <= p[0].end && p[1].start > p[0].start));
        }
    }

    #[test]
    fn window_features_are_the_classified_windows() {
        let m = test_model(11, 24, 2.0, 1.0);
        let y = signal(5.3, SAMPLE_RATE);
        let signal = Signal::new(&y, SAMPLE_RATE).unwrap();
        let rows = m.window_features(&signal, &mut |_, _| true).unwrap();
        let c = m.classify(&y, SAMPLE_RATE).unwrap();
        assert_eq!(rows.len(), c.windows.len());
        for (row, w) in rows.iter().zip(&c.windows) {
            assert_eq!(m.predict(row), w.probabilities);
        }
        // Silence is rejected as in classification; a stop cancels.
        let silence = vec![0.0; 4 * SAMPLE_RATE as usize];
        let quiet = Signal::new(&silence, SAMPLE_RATE).unwrap();
        assert!(matches!(
            m.window_features(&quiet, &mut |_, _| true),
            Err(Error::NoMusic { .. })
        ));
        assert_eq!(
            m.window_features(&signal, &mut |done, _| done < 2),
            Err(Error::Cancelled)
        );
    }

    #[test]
    fn classification_is_consistent() {
        let m = test_model(11, 24, 2.0, 1.0);
        let y = signal(5.3, SAMPLE_RATE);
        let c = m.classify(&y, SAMPLE_RATE).unwrap();

        assert_eq!(c.probabilities.len(), 10);
        let names: Vec<&str> = c.probabilities.iter().map(|g| g.genre.as_str()).collect();
        assert_eq!(names, m.genres());
        let sum: f32 = c.probabilities.iter().map(|g| g.probability).sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");

        // The track's genre is the most probable one.
        let best = c
            .probabilities
            .iter()
            .max_by(|a, b| a.probability.total_cmp(&b.probability))
            .unwrap();
        assert_eq!(c.genre, best.genre);

        // top3: above the threshold, best first, at most three, none missing.
        assert!(c.top3.len() <= 3);
        assert!(c.top3.iter().all(|g| g.probability > TOP3_MIN_PROBABILITY));
        assert!(c
            .top3
            .windows(2)
            .all(|p| p[0].probability >= p[1].probability));
        let above = c
            .probabilities
            .iter()
            .filter(|g| g.probability > TOP3_MIN_PROBABILITY)
            .count();
        assert_eq!(c.top3.len(), above.min(3));

        // Windows: 2 s every 1 s over 5.3 s, the last one ending at the end.
        assert!((c.duration - 5.3).abs() < 1e-3);
        let starts: Vec<f32> = c.windows.iter().map(|w| w.start).collect();
        assert_eq!(starts.len(), 5);
        assert_eq!(starts[..4], [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(c.windows[0].start, 0.0);
        assert!((c.windows.last().unwrap().end - c.duration).abs() < 1e-6);
        for w in &c.windows {
            assert!((w.end - w.start - 2.0).abs() < 1e-4);
            assert_eq!(w.probabilities.len(), 10);
            assert!((w.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        // The track probabilities are the window mean.
        for (i, g) in c.probabilities.iter().enumerate() {
            let mean: f32 =
                c.windows.iter().map(|w| w.probabilities[i]).sum::<f32>() / c.windows.len() as f32;
            assert!((mean - g.probability).abs() < 1e-6);
        }

        // Deterministic.
        assert_eq!(m.classify(&y, SAMPLE_RATE).unwrap(), c);
    }

    #[test]
    fn confident_when_the_top_probability_reaches_the_threshold() {
        let y = signal(4.0, SAMPLE_RATE);
        let base = test_model(11, 24, 2.0, 1.0);
        let top = |m: &Model| {
            let c = m.classify(&y, SAMPLE_RATE).unwrap();
            let p = c
                .probabilities
                .iter()
                .map(|g| g.probability)
                .fold(0.0, f32::max);
            (c, p)
        };
        // A very low temperature makes the model sure, a very high one
        // spreads its probabilities evenly: unsure.
        let (sure, p) = top(&base.with_calibration(0.01, 0.6).unwrap());
        assert!(p > 0.9 && sure.confident, "{p}");
        let (unsure, p) = top(&base.with_calibration(100.0, 0.6).unwrap());
        assert!(p < 0.2 && !unsure.confident, "{p}");
        assert_eq!(sure.genre, unsure.genre);
        // The threshold is inclusive.
        let warm = base.with_calibration(10.0, 0.5).unwrap();
        let (c, p) = top(&warm);
        assert!(p < 0.99, "{p}");
        assert!(top(&warm.with_calibration(10.0, p).unwrap()).0.confident);
        assert!(
            !top(&warm.with_calibration(10.0, p + 1e-3).unwrap())
                .0
                .confident
        );
        assert_eq!(c.confident, p >= warm.confidence_threshold());
    }

    #[test]
    fn short_clip_is_one_window() {
        let m = test_model(5, 8, 3.0, 1.5);
        let y = signal(1.0, SAMPLE_RATE);
        let c = m.classify(&y, SAMPLE_RATE).unwrap();
        assert_eq!(c.windows.len(), 1);
        assert_eq!(c.windows[0].start, 0.0);
        assert!((c.windows[0].end - 1.0).abs() < 1e-4);
        assert_eq!(
            m.classify(&y[..100], SAMPLE_RATE),
            Err(Error::TooShort {
                samples: 100,
                min_samples: crate::limits::MIN_SAMPLES,
                sample_rate: SAMPLE_RATE,
            })
        );
    }

    #[test]
    fn progress_reports_and_cancels() {
        let m = test_model(5, 8, 1.0, 1.0);
        let y = signal(3.0, SAMPLE_RATE);
        let mut seen = Vec::new();
        m.classify_with_progress(&y, SAMPLE_RATE, &mut |d, t| {
            seen.push((d, t));
            true
        })
        .unwrap();
        assert_eq!(seen, vec![(0, 3), (1, 3), (2, 3), (3, 3)]);

        let mut calls = 0;
        let r = m.classify_with_progress(&y, SAMPLE_RATE, &mut |d, _| {
            calls += 1;
            d < 1
        });
        assert_eq!(r, Err(Error::Cancelled));
        assert_eq!(calls, 2);
    }

    #[test]
    fn silence_and_dc_are_no_music() {
        let m = test_model(5, 8, 1.0, 1.0);
        let n = 2 * SAMPLE_RATE as usize;
        for (name, y) in [
            ("digital silence", vec![0.0; n]),
            ("DC offset", vec![0.3; n]),
            (
                "DC with dither at -100 dBFS",
                (0..n)
                    .map(|i| -0.5 + 1e-5 * ((i * 7919 % 13) as f32 - 6.0) / 6.0)
                    .collect(),
            ),
        ] {
            assert!(
                matches!(m.classify(&y, SAMPLE_RATE), Err(Error::NoMusic { rms_dbfs }) if rms_dbfs < -80.0),
                "{name}"
            );
        }
        // A quiet chord (-66 dBFS peak) is still music.
        let quiet: Vec<f32> = signal(2.0, SAMPLE_RATE).iter().map(|v| v * 5e-4).collect();
        assert!(m.classify(&quiet, SAMPLE_RATE).is_ok());
    }

    #[test]
    fn dc_at_any_rate_is_no_music_whole_and_streamed() {
        // The level is measured on the input: resampling turns the edges of
        // a DC offset into a short transient (about -45 dBFS over 4 s at
        // 44.1 kHz), which must not count as music.
        let m = test_model(5, 8, 1.0, 1.0);
        for sr in [8_000u32, 16_000, 44_100, 48_000, 96_000] {
            let y = vec![0.27f32; 4 * sr as usize];
            let whole = m.classify(&y, sr);
            assert!(
                matches!(whole, Err(Error::NoMusic { .. })),
                "{sr} Hz: {whole:?}"
            );
            let mut st = StreamClassifier::new(&m, SignalStream::new(sr).unwrap(), None);
            for piece in y.chunks(10_000) {
                st.push(piece, &mut |_, _| true).unwrap();
            }
            let streamed = st.finish(false, &mut |_, _| true);
            assert!(
                matches!(streamed, Err(Error::NoMusic { .. })),
                "{sr} Hz: {streamed:?}"
            );
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let m = test_model(5, 8, 1.0, 1.0);
        assert_eq!(m.classify(&[], SAMPLE_RATE), Err(Error::Empty));
        let mut y = signal(2.0, SAMPLE_RATE);
        y[10] = f32::NAN;
        assert_eq!(
            m.classify(&y, SAMPLE_RATE),
            Err(Error::NonFinite { index: 10 })
        );
    }
}
