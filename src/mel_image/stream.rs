//! The mel image of a stream: [`MelStream`] takes the resampled samples as
//! they arrive (the same samples as [`crate::Signal`]; see
//! [`crate::classify::stream::StreamClassifier::push_observed`]) and
//! computes each STFT frame once its samples are in, keeping only one
//! frame's context of samples.
//!
//! - **Exact** while the input has at most [`EXACT_FRAMES`] frames (about
//!   6 minutes; 8 MB of mel bands in dB): every frame's bands are kept and
//!   pooled at the end exactly as [`super::mel_image_of`] pools them, so the
//!   image equals the whole-signal image bit for bit.
//! - **Pooled** beyond: frames are summed into at most `2 × columns` blocks
//!   of equal length (neighbouring blocks merge, doubling the length, when
//!   they run out), and the blocks are pooled into the columns at the end.
//!   The reduction: a block sums its frames' dB values each clipped at 80 dB
//!   below the loudest cell *so far*, and the final clip (80 dB below the
//!   loudest cell of all) is applied to the column means. The whole-signal
//!   image clips each frame at the final floor, so the two differ only
//!   where quiet frames came before the loudest cell and lie below the
//!   final floor (such passages read lower); column
//!   boundaries fall on block boundaries, so columns can differ in length
//!   by up to one block. Memory: `2 × columns × 128` sums, whatever the
//!   length.

use super::{pool_frames, MelImage};
use crate::dsp::mel::{MelFilterBank, N_MELS};
use crate::dsp::stft::{n_frames, Stft};
use crate::dsp::{db, reduce, HOP, N_BINS, N_FFT};
use crate::error::Error;

/// Most frames kept for the exact image (16384 frames: 6.3 minutes, 8 MB).
pub const EXACT_FRAMES: usize = 1 << 14;
/// Most columns of a pooled image (its memory is `2 ×` this `× 128` sums).
pub const MAX_POOLED_COLUMNS: usize = 4096;

/// A mel image in progress; see the module.
pub struct MelStream {
    max_columns: usize,
    bank: &'static MelFilterBank,
    stft: Stft,
    power: Vec<f32>,
    mel: [f32; N_MELS],
    /// Resampled samples from `buf_start` (a multiple of [`HOP`]) on.
    buf: Vec<f32>,
    buf_start: usize,
    /// Samples so far.
    len: usize,
    /// Next frame to compute.
    next: usize,
    /// Largest mel power so far.
    max: f32,
    /// Exact path: each frame's bands in dB, frame-major.
    frames: Vec<f32>,
    exact: bool,
    /// Pooled path: per block, the sums of its frames' dB bands and its
    /// frame count; blocks hold `block` frames (the last one up to that).
    sums: Vec<f64>,
    counts: Vec<usize>,
    block: usize,
}

impl MelStream {
    /// An image of at most `max_columns` columns.
    pub fn new(max_columns: usize) -> Result<Self, Error> {
        if max_columns == 0 {
            return Err(Error::InvalidParameter {
                name: "max_columns",
                reason: "must be at least 1",
            });
        }
        Ok(Self {
            max_columns,
            bank: MelFilterBank::analysis(),
            stft: Stft::new(),
            power: vec![0.0; N_BINS],
            mel: [0.0; N_MELS],
            buf: Vec::new(),
            buf_start: 0,
            len: 0,
            next: 0,
            max: f32::NEG_INFINITY,
            frames: Vec::new(),
            exact: true,
            sums: Vec::new(),
            counts: Vec::new(),
            block: 1,
        })
    }

    /// Takes the next resampled samples and computes the frames they complete.
    pub fn push(&mut self, y: &[f32]) {
        self.buf.extend_from_slice(y);
        self.len += y.len();
        // Frame t reads samples up to t * HOP + N_FFT / 2.
        while self.next * HOP + N_FFT / 2 <= self.len {
            self.frame();
        }
        // Keep from the first sample of the next frame (a multiple of HOP).
        let keep = (self.next * HOP).saturating_sub(N_FFT / 2);
        if keep - self.buf_start >= 1 << 15 {
            self.buf.drain(..keep - self.buf_start);
            self.buf_start = keep;
        }
    }

    /// Ends the samples: computes the last frames (zero-padded, as the
    /// whole-signal STFT) and returns the image.
    pub fn finish(mut self) -> MelImage {
        let frames = n_frames(self.len);
        while self.next < frames {
            self.frame();
        }
        if self.exact {
            let stored = std::mem::take(&mut self.frames);
            return pool_frames(frames, self.max, self.max_columns, |t, out| {
                out.copy_from_slice(&stored[t * N_MELS..(t + 1) * N_MELS]);
            });
        }
        self.pooled_image(frames)
    }

    /// Computes frame `self.next` from the buffer.
    fn frame(&mut self) {
        let t = self.next - self.buf_start / HOP;
        self.stft.compute(&self.buf, t);
        self.stft.power(&mut self.power);
        self.bank.apply(&self.power, &mut self.mel);
        self.max = self.max.max(reduce::max(&self.mel));
        self.next += 1;
        let mut mel_db = [0.0f32; N_MELS];
        for (o, &m) in mel_db.iter_mut().zip(&self.mel) {
            *o = db::power_to_db(m);
        }
        if self.exact && self.next <= EXACT_FRAMES {
            self.frames.extend_from_slice(&mel_db);
            return;
        }
        if self.exact {
            self.start_pooling();
        }
        self.add_to_blocks(&mel_db);
    }

    /// Leaves the exact path: the kept frames become blocks.
    fn start_pooling(&mut self) {
        self.exact = false;
        let stored = std::mem::take(&mut self.frames);
        for frame in stored.chunks_exact(N_MELS) {
            let mut f = [0.0f32; N_MELS];
            f.copy_from_slice(frame);
            self.add_to_blocks(&f);
        }
    }

    fn add_to_blocks(&mut self, mel_db: &[f32; N_MELS]) {
        let limit = 2 * self.max_columns.min(MAX_POOLED_COLUMNS);
        if self.counts.last().is_none_or(|&c| c >= self.block) {
            if self.counts.len() >= limit {
                self.merge();
            }
            if self.counts.last().is_none_or(|&c| c >= self.block) {
                self.counts.push(0);
                self.sums.extend_from_slice(&[0.0; N_MELS]);
            }
        }
        // Clipped at the floor below the loudest cell so far: the final
        // floor is at or above it.
        let floor = db::power_to_db(self.max) - db::TOP_DB;
        let at = self.sums.len() - N_MELS;
        for (s, &d) in self.sums[at..].iter_mut().zip(mel_db) {
            *s += d.max(floor) as f64;
        }
        if let Some(c) = self.counts.last_mut() {
            *c += 1;
        }
    }

    /// Merges neighbouring blocks in pairs; blocks become twice as long.
    fn merge(&mut self) {
        let n = self.counts.len();
        for i in 0..n.div_ceil(2) {
            let (a, b) = (2 * i, 2 * i + 1);
            let mut count = self.counts[a];
            let mut sum = [0.0f64; N_MELS];
            sum.copy_from_slice(&self.sums[a * N_MELS..(a + 1) * N_MELS]);
            if b < n {
                count += self.counts[b];
                for (s, &v) in sum.iter_mut().zip(&self.sums[b * N_MELS..(b + 1) * N_MELS]) {
                    *s += v;
                }
            }
            self.counts[i] = count;
            self.sums[i * N_MELS..(i + 1) * N_MELS].copy_from_slice(&sum);
        }
        let m = n.div_ceil(2);
        self.counts.truncate(m);
        self.sums.truncate(m * N_MELS);
        self.block *= 2;
    }

    fn pooled_image(&self, frames: usize) -> MelImage {
        let blocks = self.counts.len();
        let n_columns = blocks.min(self.max_columns).max(1);
        let ref_db = db::power_to_db(self.max);
        let floor = -db::TOP_DB;
        let mut image = vec![0.0f32; N_MELS * n_columns];
        let mut b = 0;
        for c in 0..n_columns {
            let end = (c + 1) * blocks / n_columns;
            let mut column = [0.0f64; N_MELS];
            let mut count = 0usize;
            while b < end {
                for (acc, &s) in column.iter_mut().zip(&self.sums[b * N_MELS..]) {
                    *acc += s;
                }
                count += self.counts[b];
                b += 1;
            }
            for (m, &acc) in column.iter().enumerate() {
                let mean = (acc / count.max(1) as f64) as f32;
                image[m * n_columns + c] = (mean - ref_db).max(floor);
            }
        }
        MelImage::from_columns(image, n_columns, frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::SAMPLE_RATE;
    use crate::input::Signal;

    fn music(seconds: f64) -> Vec<f32> {
        let n = (seconds * SAMPLE_RATE as f64) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / SAMPLE_RATE as f64;
                let f = [220.0, 330.0, 440.0, 660.0][(t / 0.7) as usize % 4];
                ((2.0 * std::f64::consts::PI * f * t).sin() * (0.2 + 0.8 * (t * 0.3).sin().abs()))
                    as f32
            })
            .collect()
    }

    fn streamed(y: &[f32], piece: usize, columns: usize) -> MelImage {
        let mut s = MelStream::new(columns).unwrap();
        for c in y.chunks(piece) {
            s.push(c);
        }
        s.finish()
    }

    #[test]
    fn short_streams_give_the_whole_signal_image_bit_for_bit() {
        for (seconds, columns) in [(0.1, 480), (1.0, 480), (7.3, 50), (7.3, 100_000)] {
            let y = music(seconds);
            let want = super::super::mel_image_of(&Signal::new(&y, SAMPLE_RATE).unwrap(), columns)
                .unwrap();
            for piece in [1usize, 511, 4096, 1 << 20] {
                if piece == 1 && y.len() > 30_000 {
                    continue;
                }
                assert_eq!(streamed(&y, piece, columns), want, "{seconds} s, {piece}");
            }
        }
        assert!(matches!(
            MelStream::new(0),
            Err(Error::InvalidParameter { .. })
        ));
    }

    #[test]
    fn long_streams_pool_in_bounded_memory_close_to_the_whole_image() {
        // 7 minutes: past the exact path.
        let y = music(420.0);
        assert!(n_frames(y.len()) > EXACT_FRAMES);
        let columns = 100;
        let want =
            super::super::mel_image_of(&Signal::new(&y, SAMPLE_RATE).unwrap(), columns).unwrap();
        let mut s = MelStream::new(columns).unwrap();
        for c in y.chunks(20_000) {
            s.push(c);
            assert!(s.buf.len() < (1 << 15) + 20_000 + N_FFT);
            assert!(s.counts.len() <= 2 * columns);
        }
        let got = s.finish();
        assert_eq!(got.n_mels, N_MELS);
        assert!(got.n_columns <= columns && got.n_columns >= columns / 2);
        assert!(got.db.iter().all(|&v| (-80.0..=0.0).contains(&v)));
        let band_mean = |img: &MelImage, m: usize| {
            img.db[m * img.n_columns..(m + 1) * img.n_columns]
                .iter()
                .sum::<f32>()
                / img.n_columns as f32
        };
        // Each band's mean level over time agrees within half a dB (the
        // loudest cell comes early here: see the module for when it does not).
        for m in 0..N_MELS {
            let (a, b) = (band_mean(&got, m), band_mean(&want, m));
            assert!((a - b).abs() < 0.5, "band {m}: {a} vs {b}");
        }
        let total = got.seconds_per_column * got.n_columns as f64;
        let want_total = want.seconds_per_column * want.n_columns as f64;
        assert!((total - want_total).abs() < 1e-6);
    }
}
