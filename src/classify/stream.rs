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
use crate::input::stream::SignalStream;
use crate::model::Model;

use super::{check_level, window_samples, Classification, Window};

/// Progress callback: `(windows done, windows in total)`, `false` to stop.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize) -> bool;

/// A classification in progress; feed it mono samples with
/// [`StreamClassifier::push`], end it with [`StreamClassifier::finish`].
/// `M` holds the model: a reference, or a shared handle such as `Rc<Model>`
/// for a model owned elsewhere (the wasm bindings' personal models).
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
    sum: Vec<f64>,
    windows: Vec<Window>,
    /// End of the last window classified.
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
        let genres = model.genres().len();
        Self {
            model,
            signal,
            window,
            hop,
            buf: Vec::new(),
            offset: 0,
            next: 0,
            sum: vec![0.0; genres],
            windows: Vec::with_capacity(expected.min(1 << 16)),
            expected,
            last_end: 0,
            started: false,
        }
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
        mut self,
        truncated: bool,
        progress: Progress,
        observe: &mut dyn FnMut(&[f32]),
    ) -> Result<Classification, Error> {
        self.start(progress)?;
        let first = self.buf.len();
        let end = self.signal.finish(&mut self.buf)?;
        observe(&self.buf[first..]);
        check_level(end.ac_rms)?;
        self.regular_windows(progress)?;
        let len = self.offset + self.buf.len();
        // As `window_ranges`: one window over a short input, else one more
        // ending at the last sample when the regular ones stop short.
        let last = match self.windows.last() {
            None => Some(0),
            Some(_) if self.last_end < len => Some(len - self.window),
            Some(_) => None,
        };
        if let Some(start) = last {
            let y = &self.buf[start - self.offset..];
            let w = self.model.classify_window(y, start, &mut self.sum)?;
            self.windows.push(w);
        }
        let n = self.windows.len();
        if !progress(n, n) {
            return Err(Error::Cancelled);
        }
        Ok(self.model.summarize(
            &self.sum,
            self.windows,
            end.duration,
            end.input_rate,
            truncated,
        ))
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
            let w = self.model.classify_window(y, self.next, &mut self.sum)?;
            self.windows.push(w);
            self.last_end = self.next + self.window;
            self.next += self.hop;
            let done = self.windows.len();
            if !progress(done, self.expected.max(done + 1)) {
                return Err(Error::Cancelled);
            }
        }
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
