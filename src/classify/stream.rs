//! Classification of a stream: [`Model::classify`] window by window as the
//! samples arrive, keeping only the samples the next windows read (the
//! regular windows from the next hop on, and the last window's length for
//! the window that ends at the last sample), so that memory does not grow
//! with the length of the input.
//!
//! The windows are those of [`window_ranges`] over the whole input, each
//! computed from the same samples ([`SignalStream`] resamples bit for bit
//! as [`crate::Signal`] does), and their probabilities are summed in the
//! same order: the [`Classification`] equals that of [`Model::classify`] on
//! the whole input, bit for bit, with `truncated` as the caller states it.
//! The one difference: silence ([`Error::NoMusic`]) is known only at the
//! end, after the windows have been computed.

use std::ops::Deref;

use crate::error::Error;
use crate::input::stream::{SignalStream, StreamEnd};
use crate::model::Model;

use super::share::{merge, Part, Share};
use super::{check_level, window_ranges, window_samples, Classification};

/// Progress callback: `(windows done, windows in total)`, `false` to stop.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize) -> bool;

/// A classification in progress; feed it mono samples with
/// [`StreamClassifier::push`], end it with [`StreamClassifier::finish`].
/// `M` holds the model: a reference, or a shared handle such as `Rc<Model>`
/// for a model owned elsewhere (the wasm bindings' personal models).
///
/// Several streams can share one input ([`StreamClassifier::set_share`]):
/// each is given every sample but computes only its windows; one ends with
/// [`StreamClassifier::finish_merged`] over the others'
/// [`StreamClassifier::finish_part`].
pub struct StreamClassifier<M: Deref<Target = Model>> {
    model: M,
    signal: SignalStream,
    window: usize,
    hop: usize,
    /// Samples at the analysis rate from `offset` on.
    buf: Vec<f32>,
    offset: usize,
    /// Start of the next regular window.
    next: usize,
    /// The windows passed so far, and those computed.
    windows: Windows,
    /// End of the last window passed.
    last_end: usize,
    /// Windows expected from the announced length (0: unknown).
    expected: usize,
    started: bool,
}

impl<M: Deref<Target = Model>> StreamClassifier<M> {
    /// Classifies the samples `signal` checks and resamples; `expected_len`,
    /// the input's announced length in samples (if any), only sizes the
    /// progress reports.
    pub fn new(model: M, signal: SignalStream, expected_len: Option<u64>) -> Self {
        let (window, hop) = window_samples(model.window_s(), model.hop_s());
        let expected = expected_len.map_or(0, |n| {
            let len = (n * crate::dsp::SAMPLE_RATE as u64).div_ceil(signal.input_rate() as u64);
            window_count(len as usize, window, hop)
        });
        Self {
            model,
            signal,
            window,
            hop,
            buf: Vec::new(),
            offset: 0,
            next: 0,
            windows: Windows {
                share: Share::whole(),
                part: Part::default(),
                count: 0,
            },
            expected,
            last_end: 0,
            started: false,
        }
    }

    /// The number of labels of the model (the width of a window's
    /// probabilities).
    pub fn genres(&self) -> usize {
        self.model.genres().len()
    }

    /// Computes only the windows `share` deals this stream (before the
    /// first samples; an [`Error::InvalidParameter`] after).
    pub fn set_share(&mut self, share: Share) -> Result<(), Error> {
        if self.started {
            return Err(Error::InvalidParameter {
                name: "window share",
                reason: "set after the stream started",
            });
        }
        self.windows.share = share;
        Ok(())
    }

    /// Takes the next mono input samples and classifies the windows they
    /// complete, reporting each to `progress` as `(done, total)` (`total`
    /// an estimate until the end, above `done`).
    pub fn push(&mut self, x: &[f32], progress: Progress) -> Result<(), Error> {
        self.push_observed(x, progress, &mut |_| {})
    }

    /// [`StreamClassifier::push`], showing `observe` the resampled samples
    /// (at [`crate::SAMPLE_RATE`]) the input completes, in order: what
    /// else reads the same [`crate::Signal`] (the mel image of
    /// [`crate::mel_image::stream`]) shares the checks and the resampling.
    pub fn push_observed(
        &mut self,
        x: &[f32],
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<(), Error> {
        self.start(progress)?;
        let first = self.buf.len();
        self.signal.push(x, &mut self.buf)?;
        observe(&self.buf[first..]);
        self.regular_windows(progress)?;
        // Keep the next regular window and the last window's length.
        let len = self.offset + self.buf.len();
        let keep_from = self.next.min(len.saturating_sub(self.window));
        if keep_from - self.offset >= self.window.max(1 << 14) {
            self.buf.drain(..keep_from - self.offset);
            self.offset = keep_from;
        }
        Ok(())
    }

    /// Ends the input: classifies the last windows and returns the result,
    /// marked `truncated` as given. `progress` ends with `(total, total)`.
    pub fn finish(self, truncated: bool, progress: Progress) -> Result<Classification, Error> {
        self.finish_observed(truncated, progress, &mut |_| {})
    }

    /// [`StreamClassifier::finish`], showing `observe` the last resampled
    /// samples (see [`StreamClassifier::push_observed`]).
    pub fn finish_observed(
        self,
        truncated: bool,
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<Classification, Error> {
        self.finish_merged(truncated, Vec::new(), progress, observe)
    }

    /// Ends the input of a shared stream: the windows it computed, for the
    /// stream that merges them (`progress` and `observe` as for
    /// [`StreamClassifier::finish_observed`]).
    pub fn finish_part(
        mut self,
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<Part, Error> {
        self.end(progress, observe)?;
        Ok(self.windows.part)
    }

    /// Ends the input as [`StreamClassifier::finish_observed`] does, with
    /// the windows computed by the other streams sharing it (their
    /// [`StreamClassifier::finish_part`]): the result equals that of one
    /// stream computing every window. A window missing or given twice is
    /// an [`Error::Internal`].
    pub fn finish_merged(
        mut self,
        truncated: bool,
        others: Vec<Part>,
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<Classification, Error> {
        let (end, len) = self.end(progress, observe)?;
        let ranges = window_ranges(len, self.window, self.hop);
        let mut parts = others;
        parts.push(self.windows.part);
        let probabilities = merge(parts, ranges.len())?;
        let windows = ranges
            .into_iter()
            .zip(probabilities)
            .map(|(r, p)| self.model.window_result(r, p))
            .collect();
        Ok(self
            .model
            .summarize(windows, end.duration, end.input_rate, truncated))
    }

    /// Ends the input: the last windows passed (computed if this stream's),
    /// after the level check; the input's end and its length at the
    /// analysis rate.
    fn end(
        &mut self,
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<(StreamEnd, usize), Error> {
        self.start(progress)?;
        let first = self.buf.len();
        let end = self.signal.finish(&mut self.buf)?;
        observe(&self.buf[first..]);
        check_level(end.ac_rms)?;
        self.regular_windows(progress)?;
        let len = self.offset + self.buf.len();
        // As `window_ranges`: one window over a short input, else one more
        // ending at the last sample when the regular ones stop short.
        let last = match self.windows.count {
            0 => Some(0),
            _ if self.last_end < len => Some(len - self.window),
            _ => None,
        };
        if let Some(start) = last {
            let y = &self.buf[start - self.offset..];
            self.windows.pass(&self.model, y)?;
        }
        let n = self.windows.count;
        if !progress(n, n) {
            return Err(Error::Cancelled);
        }
        Ok((end, len))
    }

    fn start(&mut self, progress: Progress) -> Result<(), Error> {
        if !self.started {
            self.started = true;
            if !progress(0, self.expected.max(1)) {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }

    /// Classifies every regular window the samples so far complete.
    fn regular_windows(&mut self, progress: Progress) -> Result<(), Error> {
        let len = self.offset + self.buf.len();
        while self.next + self.window <= len {
            let a = self.next - self.offset;
            let y = &self.buf[a..a + self.window];
            self.windows.pass(&self.model, y)?;
            self.last_end = self.next + self.window;
            self.next += self.hop;
            let done = self.windows.count;
            if !progress(done, self.expected.max(done + 1)) {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }
}

/// The windows of a stream: those passed, and those computed here.
struct Windows {
    /// Which windows this stream computes.
    share: Share,
    /// The windows computed so far.
    part: Part,
    /// Windows passed so far (computed here or not).
    count: usize,
}

impl Windows {
    /// The next window, `y`: computed if this stream's, counted either way.
    fn pass(&mut self, model: &Model, y: &[f32]) -> Result<(), Error> {
        if self.share.owns(self.count) {
            let p = model.window_probabilities(y)?;
            self.part.windows.push((self.count, p));
        }
        self.count += 1;
        Ok(())
    }
}

/// `window_ranges(len, window, hop).len()`, without the ranges.
fn window_count(len: usize, window: usize, hop: usize) -> usize {
    let hop = hop.max(1);
    if len <= window {
        return 1;
    }
    let regular = (len - window) / hop + 1;
    regular + usize::from((regular - 1) * hop + window < len)
}

#[cfg(test)]
mod tests {
    use super::super::share::Share;
    use super::super::tests::signal as chord;
    use super::super::window_ranges;
    use super::*;
    use crate::model::test_model;

    #[test]
    fn window_count_matches_the_ranges() {
        for len in [1usize, 3, 4, 5, 10, 11, 12, 99, 100, 101] {
            for (w, h) in [(4, 2), (4, 4), (10, 3), (10, 1)] {
                assert_eq!(window_count(len, w, h), window_ranges(len, w, h).len());
            }
        }
    }

    fn streamed(m: &Model, x: &[f32], sr: u32, piece: usize) -> Result<Classification, Error> {
        let mut s = StreamClassifier::new(m, SignalStream::new(sr)?, Some(x.len() as u64));
        for c in x.chunks(piece) {
            s.push(c, &mut |_, _| true)?;
        }
        s.finish(false, &mut |_, _| true)
    }

    #[test]
    fn the_stream_equals_the_whole_input_bit_for_bit() {
        let m = test_model(11, 24, 2.0, 1.0);
        for (seconds, sr) in [(1.5f32, 22050u32), (2.0, 22050), (5.3, 44100), (4.7, 48000)] {
            let x = chord(seconds, sr);
            let want = m.classify(&x, sr).unwrap();
            for piece in [1152usize, 4096, 100_000] {
                assert_eq!(
                    streamed(&m, &x, sr, piece).unwrap(),
                    want,
                    "{seconds} s at {sr} Hz"
                );
            }
        }
        assert_eq!(
            streamed(&m, &vec![0.0; 50_000], 22050, 1000).map(|_| ()),
            m.classify(&vec![0.0; 50_000], 22050).map(|_| ())
        );
    }

    /// `x` classified by `parts` streams sharing it, merged by part 0.
    fn shared(m: &Model, x: &[f32], sr: u32, parts: u8) -> Result<Classification, Error> {
        let mut streams: Vec<_> = (0..parts)
            .map(|p| {
                let mut s = StreamClassifier::new(m, SignalStream::new(sr)?, None);
                // Part 0 takes one window in 2 * parts - 1, the others two each.
                let cycle: Vec<u8> = (0..parts)
                    .flat_map(|q| vec![q; if q == 0 { 1 } else { 2 }])
                    .collect();
                s.set_share(Share::new(&cycle, p)?)?;
                Ok(s)
            })
            .collect::<Result<_, Error>>()?;
        for c in x.chunks(3000) {
            for s in &mut streams {
                s.push(c, &mut |_, _| true)?;
            }
        }
        let mut streams = streams.into_iter();
        let lead = streams.next().unwrap();
        let others = streams
            .map(|s| s.finish_part(&mut |_, _| true, &mut |_| {}))
            .collect::<Result<_, _>>()?;
        lead.finish_merged(false, others, &mut |_, _| true, &mut |_| {})
    }

    #[test]
    fn shared_streams_equal_one_stream_bit_for_bit() {
        let m = test_model(11, 24, 2.0, 1.0);
        // One window, regular windows only, and one more at the end.
        for (seconds, sr) in [(1.5f32, 22050u32), (2.0, 22050), (5.3, 44100), (4.7, 48000)] {
            let x = chord(seconds, sr);
            let want = m.classify(&x, sr).unwrap();
            for parts in 1..=3 {
                assert_eq!(
                    shared(&m, &x, sr, parts).unwrap(),
                    want,
                    "{seconds} s, {parts} parts"
                );
            }
        }
        assert_eq!(
            shared(&m, &vec![0.0; 50_000], 22050, 2).map(|_| ()),
            m.classify(&vec![0.0; 50_000], 22050).map(|_| ())
        );
    }

    #[test]
    fn a_missing_part_is_an_error_and_a_share_is_set_before_the_input() {
        let m = test_model(11, 24, 2.0, 1.0);
        let x = chord(5.3, 22050);
        let mut s = StreamClassifier::new(&m, SignalStream::new(22050).unwrap(), None);
        s.set_share(Share::new(&[0, 1, 1], 0).unwrap()).unwrap();
        s.push(&x, &mut |_, _| true).unwrap();
        assert!(matches!(
            s.finish(false, &mut |_, _| true),
            Err(Error::Internal { .. })
        ));
        let mut s = StreamClassifier::new(&m, SignalStream::new(22050).unwrap(), None);
        s.push(&x[..100], &mut |_, _| true).unwrap();
        assert!(s.set_share(Share::new(&[0, 1, 1], 1).unwrap()).is_err());
    }

    #[test]
    fn progress_reports_and_cancels() {
        let m = test_model(5, 8, 1.0, 1.0);
        let x = chord(3.5, 22050);
        let mut s =
            StreamClassifier::new(&m, SignalStream::new(22050).unwrap(), Some(x.len() as u64));
        let mut seen = Vec::new();
        for c in x.chunks(5000) {
            s.push(c, &mut |d, t| {
                seen.push((d, t));
                true
            })
            .unwrap();
        }
        s.finish(false, &mut |d, t| {
            seen.push((d, t));
            true
        })
        .unwrap();
        assert_eq!(seen, vec![(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]);

        let mut s = StreamClassifier::new(&m, SignalStream::new(22050).unwrap(), None);
        let r = x
            .chunks(5000)
            .try_for_each(|c| s.push(c, &mut |d, _| d < 2));
        assert_eq!(r, Err(Error::Cancelled));
    }
}
