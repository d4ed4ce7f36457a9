//! [`super::resample::to_analysis_rate`] of a stream: samples arrive in
//! pieces of any size, resampled samples leave as soon as every input they
//! read has arrived, and only the inputs later outputs still read are kept
//! (about two filter lengths), so memory does not grow with the length.
//!
//! Each output is computed by the same code from the same input samples as
//! in the whole-signal resampler (the FFT blocks of the 2:1 path fall at
//! the same positions; a polyphase output reads the same slice), so the
//! concatenated output equals `to_analysis_rate` of the concatenated input
//! bit for bit. Only its end depends on the total length, handled by
//! [`Resampler::finish`].

use super::decimate::Halver;
use super::resample::{Bank, Kernel};
use super::SAMPLE_RATE;

enum Mode {
    /// Already at the analysis rate.
    Same,
    /// 44100 Hz: soxr's 2:1 filter, scaled as `to_analysis_rate` does.
    Halve(Box<Halver>),
    /// Any other rate: the kernel, with a polyphase bank when one is built.
    Sinc {
        kernel: Box<Kernel>,
        bank: Option<Box<Bank>>,
    },
}

/// A streaming resampler from one input rate to [`SAMPLE_RATE`].
pub struct Resampler {
    mode: Mode,
    /// Inputs from `offset` on (sinc mode).
    buf: Vec<f32>,
    offset: i64,
    /// Next output to compute (sinc mode).
    next: u64,
}

impl Resampler {
    /// A resampler from `sample_rate` Hz (any positive rate).
    pub fn new(sample_rate: u32) -> Self {
        let mode = if sample_rate == SAMPLE_RATE || sample_rate == 0 {
            Mode::Same
        } else if sample_rate == 2 * SAMPLE_RATE {
            Mode::Halve(Box::default())
        } else {
            let kernel = Kernel::new(sample_rate);
            let bank = Bank::new(&kernel).map(Box::new);
            Mode::Sinc {
                kernel: Box::new(kernel),
                bank,
            }
        };
        Self {
            mode,
            buf: Vec::new(),
            offset: 0,
            next: 0,
        }
    }

    /// Takes the next input samples; appends the outputs they complete.
    pub fn push(&mut self, x: &[f32], out: &mut Vec<f32>) {
        match &mut self.mode {
            Mode::Same => out.extend_from_slice(x),
            Mode::Halve(h) => {
                let first = out.len();
                h.push(x, out);
                scale_halved(&mut out[first..]);
            }
            Mode::Sinc { kernel, bank } => {
                self.buf.extend_from_slice(x);
                let available = self.offset + self.buf.len() as i64;
                // Outputs soxr computes for the inputs so far stay computed
                // for any longer input.
                let (_, n_soxr) = kernel.output_counts(available as u64);
                let reach = kernel.reach();
                let (buf, offset, next) = (&self.buf, self.offset, &mut self.next);
                let bank = bank.as_deref();
                super::target_features::with_avx2(
                    #[inline(always)]
                    || {
                        while *next < n_soxr {
                            let (k0, rem) = kernel.position(*next);
                            if k0 + reach + 2 > available {
                                break;
                            }
                            out.push(match bank {
                                Some(b) => b.output(kernel, buf, offset, k0, rem),
                                None => kernel.output(buf, offset, k0, rem),
                            });
                            *next += 1;
                        }
                    },
                );
                // Keep what the next output reads; drop in large steps.
                let (k0, _) = kernel.position(self.next);
                let keep_from = (k0 - reach).max(self.offset);
                let drop = (keep_from - self.offset) as usize;
                if drop >= 4096 && drop >= self.buf.len() / 2 {
                    self.buf.drain(..drop);
                    self.offset = keep_from;
                }
            }
        }
    }

    /// Ends the stream: appends the remaining outputs, so that the output
    /// has `ceil(n * 22050 / rate)` samples for `n` inputs, as librosa's.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        match &mut self.mode {
            Mode::Same => {}
            Mode::Halve(h) => {
                let first = out.len();
                h.finish(out);
                scale_halved(&mut out[first..]);
            }
            Mode::Sinc { kernel, bank } => {
                let n = self.offset as u64 + self.buf.len() as u64;
                let (n_out, n_soxr) = kernel.output_counts(n);
                for m in self.next..n_out {
                    out.push(if m >= n_soxr {
                        0.0
                    } else {
                        let (k0, rem) = kernel.position(m);
                        match bank {
                            Some(b) => b.output(kernel, &self.buf, self.offset, k0, rem),
                            None => kernel.output(&self.buf, self.offset, k0, rem),
                        }
                    });
                }
            }
        }
    }
}

/// The gain `to_analysis_rate` applies after the 2:1 filter.
fn scale_halved(y: &mut [f32]) {
    let s = std::f32::consts::FRAC_1_SQRT_2;
    for v in y {
        *v *= s;
    }
}

#[cfg(test)]
mod tests {
    use super::super::resample::to_analysis_rate;
    use super::*;

    #[test]
    fn the_stream_equals_the_whole_signal_bit_for_bit() {
        let mut rng = crate::rng::Rng::new(3);
        for sr in [
            8000u32, 11025, 16000, 22050, 32000, 44100, 48000, 96000, 44_101,
        ] {
            for n in [0usize, 1, 7, 3000, 50_000] {
                let x: Vec<f32> = (0..n).map(|_| rng.uniform_in(-1.0, 1.0) as f32).collect();
                let want = to_analysis_rate(&x, sr).into_owned();
                for piece in [1usize, 1152, 4096, 1 << 20] {
                    if piece == 1 && n > 3000 {
                        continue;
                    }
                    let mut r = Resampler::new(sr);
                    let mut got = Vec::new();
                    for c in x.chunks(piece) {
                        r.push(c, &mut got);
                    }
                    r.finish(&mut got);
                    assert!(got == want, "{sr} Hz, n = {n}, pieces of {piece}");
                }
            }
        }
    }
}
