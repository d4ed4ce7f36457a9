//! Decimation by 2 as librosa's multirate CQT does it between octaves:
//! `librosa.resample(y, orig_sr=2, target_sr=1, res_type='soxr_hq',
//! scale=True)`.
//!
//! soxr's 2:1 decimation is a linear-phase FIR filter applied to the
//! zero-extended input and sampled at even positions; its taps were measured
//! from soxr itself (see `decimate_taps.rs`). The filter runs as an
//! FFT overlap-save convolution that only synthesises the even outputs.

use std::cell::RefCell;
use std::sync::OnceLock;

use num_complex::Complex;

use super::copy_padded;
use super::decimate_taps::{HALF, TAPS};
use super::fft::{Bins, InverseRealFft, PairedFft, RealFft};

/// Inputs on either side of its centre that one output depends on.
pub const REACH: usize = HALF;
/// FFT size of one overlap-save block.
const BLOCK_FFT: usize = 8192;
/// Length of the full (two-sided) filter.
const FILTER_LEN: usize = 2 * HALF + 1;
/// Full-rate outputs produced per block (even, so blocks stay in phase).
const STEP: usize = BLOCK_FFT - FILTER_LEN + 1;

/// The weights `(P, Q)` of the block's one pass over the spectrum, built
/// once: bin `k` of the half-length spectrum of the even outputs is
/// `Z[k] P[k] + conj(Z[M - k]) Q[k]`, `Z` the paired FFT of the block's
/// `2 M` samples (`M = BLOCK_FFT / 2`, `Z[M] = Z[0]`), for `k` in `0..=M / 2`.
///
/// Derivation: with `E` and `O` the spectra of the even and the odd samples,
/// `E = (Z[k] + conj(Z[M - k])) / 2`, `O = (Z[k] - conj(Z[M - k])) / 2i`,
/// the block's spectrum is `X[k] = E + W^k O` and `X[M - k] = conj(E - W^k
/// O)` (`W = exp(-2 pi i / 2M)`). The correlation `S = X F` (`F` the
/// conjugated filter spectrum with the soxr scaling, `sqrt(2)` of
/// `scale=True` and the FFT normalisation) folded onto half the length,
/// `S[k] + conj(S[M - k])`, is then `E A + O W^k B` with `A = F[k] +
/// conj(F[M - k])` and `B = F[k] - conj(F[M - k])`; so `P = (A - i W^k B) /
/// 2` and `Q = (A + i W^k B) / 2`.
fn weights() -> &'static Weights {
    static WEIGHTS: OnceLock<Weights> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let m = BLOCK_FFT / 2;
        let (mut re, mut im) = (vec![0.0; m + 1], vec![0.0; m + 1]);
        // g[i] = h[i - HALF]: correlation with g gives output centred on the sample.
        RealFft::<f64>::new(BLOCK_FFT).process(
            |taps| {
                taps.fill(0.0);
                for (i, t) in taps.iter_mut().take(FILTER_LEN).enumerate() {
                    *t = TAPS[i.abs_diff(HALF)];
                }
            },
            0..m + 1,
            (&mut re[..], &mut im[..]),
        );
        // The half-size inverse FFT of the folded spectrum is unnormalised.
        let gain = std::f64::consts::SQRT_2 / m as f64 * 0.5;
        let f: Vec<Complex<f64>> = re
            .iter()
            .zip(&im)
            .map(|(&re, &im)| Complex::new(re, -im) * gain)
            .collect();
        let step = -2.0 * std::f64::consts::PI / BLOCK_FFT as f64;
        let i = Complex::new(0.0, 1.0);
        let narrow = |c: Complex<f64>| Complex::new(c.re as f32, c.im as f32);
        let (p, q) = (0..=m / 2)
            .map(|k| {
                let a = f[k] + f[m - k].conj();
                let b = Complex::from_polar(1.0, step * k as f64) * (f[k] - f[m - k].conj());
                (narrow((a - i * b) * 0.5), narrow((a + i * b) * 0.5))
            })
            .unzip();
        Weights { p, q }
    })
}

/// See [`weights`].
struct Weights {
    p: Vec<Complex<f32>>,
    q: Vec<Complex<f32>>,
}

/// The transforms and buffers of one overlap-save block, kept per thread.
struct Blocks {
    forward: PairedFft<f32>,
    inverse: InverseRealFft<f32>,
    folded: Vec<Complex<f32>>,
    even: Vec<f32>,
}

impl Blocks {
    fn new() -> Self {
        Self {
            forward: PairedFft::new(BLOCK_FFT),
            inverse: InverseRealFft::new(BLOCK_FFT / 2),
            folded: vec![Complex::new(0.0, 0.0); BLOCK_FFT / 4 + 1],
            even: vec![0.0; BLOCK_FFT / 2],
        }
    }
}

/// `x` decimated by 2 exactly as librosa's `resample(x, orig_sr=2,
/// target_sr=1, res_type='soxr_hq', scale=True)`: `ceil(len / 2)` samples.
pub fn halve(x: &[f32]) -> Vec<f32> {
    thread_local! {
        static BLOCKS: RefCell<Option<Blocks>> = const { RefCell::new(None) };
    }
    BLOCKS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut blocks) => halve_with(x, blocks.get_or_insert_with(Blocks::new)),
        Err(_) => halve_with(x, &mut Blocks::new()),
    })
}

/// [`halve`] with the given transforms, compiled for AVX2 where the
/// processor has it.
fn halve_with(x: &[f32], blocks: &mut Blocks) -> Vec<f32> {
    super::target_features::with_avx2(
        #[inline(always)]
        || halve_body(x, blocks),
    )
}

#[inline(always)]
fn halve_body(x: &[f32], b: &mut Blocks) -> Vec<f32> {
    let n_out = x.len().div_ceil(2);
    let mut out = Vec::with_capacity(n_out);
    if x.is_empty() {
        return out;
    }
    // Block b covers full-rate outputs m in [b * STEP, (b + 1) * STEP); the
    // input sample feeding lag 0 of output m is x[m - HALF + i] for tap i.
    let mut start = 0usize;
    while out.len() < n_out {
        let even = b.block(x, start as isize);
        let take = (STEP / 2).min(n_out - out.len());
        out.extend_from_slice(&even[..take]);
        start += STEP;
    }
    out
}

impl Blocks {
    /// The even outputs of the block of full-rate outputs `start .. start
    /// + STEP` of `x` (zero outside `x`): the one block computation of
    /// [`halve`] and [`Halver`], so that both give the same bits.
    #[inline(always)]
    fn block(&mut self, x: &[f32], start: isize) -> &[f32] {
        let b = self;
        let Weights { p, q } = weights();
        let m = BLOCK_FFT / 2;
        // seg[i] = x[start + i - HALF], zero outside x.
        b.forward
            .process(|seg| copy_padded(x, start - HALF as isize, seg));
        // Even samples of the filtered block: its spectrum folded onto half
        // the length, in one pass (see `weights`).
        // k = 0 pairs Z[0] with itself; then Z[k] with Z[m - k].
        b.folded[0] = b.forward.at(0) * p[0] + b.forward.at(0).conj() * q[0];
        let (lo, hi) = b.forward.with_reversed(1..m / 2 + 1, m / 2..m);
        let n = lo
            .len()
            .min(hi.len())
            .min(p.len().saturating_sub(1))
            .min(q.len().saturating_sub(1));
        let (v, p, q) = (&mut b.folded[1..][..n], &p[1..][..n], &q[1..][..n]);
        for j in 0..n {
            v[j] = lo.get(j) * p[j] + hi.get(j).conj() * q[j];
        }
        b.inverse.process(&b.folded, &mut b.even);
        &b.even[..STEP / 2]
    }
}

/// [`halve`] of a stream: the input arrives in pieces of any size, the
/// output leaves as soon as its block is complete, and only the input the
/// next block needs (`BLOCK_FFT` samples at most, besides the newest piece)
/// is kept. The blocks fall at the same positions as in [`halve`], so the
/// concatenated output is bit for bit `halve` of the concatenated input.
pub struct Halver {
    blocks: Blocks,
    /// Input samples from `offset` on.
    buf: Vec<f32>,
    offset: usize,
    /// First full-rate output of the next block (a multiple of `STEP`).
    next: usize,
    /// Outputs handed out so far.
    produced: usize,
}

impl Default for Halver {
    fn default() -> Self {
        Self::new()
    }
}

impl Halver {
    pub fn new() -> Self {
        Self {
            blocks: Blocks::new(),
            buf: Vec::new(),
            offset: 0,
            next: 0,
            produced: 0,
        }
    }

    /// Takes the next input samples; appends the outputs they complete.
    pub fn push(&mut self, x: &[f32], out: &mut Vec<f32>) {
        self.buf.extend_from_slice(x);
        super::target_features::with_avx2(
            #[inline(always)]
            || {
                // A block needs inputs up to next - HALF + BLOCK_FFT.
                while self.next + BLOCK_FFT - HALF <= self.offset + self.buf.len() {
                    let start = self.next as isize - self.offset as isize;
                    out.extend_from_slice(self.blocks.block(&self.buf, start));
                    self.produced += STEP / 2;
                    self.next += STEP;
                }
            },
        );
        // The next block starts reading at next - HALF; what lies before is
        // dropped a block's worth at a time (not on every small piece).
        let keep_from = self.next.saturating_sub(HALF).max(self.offset);
        if keep_from - self.offset >= BLOCK_FFT / 2 {
            self.buf.drain(..keep_from - self.offset);
            self.offset = keep_from;
        }
    }

    /// Ends the stream: appends the remaining outputs, `ceil(len / 2)` in
    /// all.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        let n_out = (self.offset + self.buf.len()).div_ceil(2);
        super::target_features::with_avx2(
            #[inline(always)]
            || {
                while self.produced < n_out {
                    let start = self.next as isize - self.offset as isize;
                    let even = self.blocks.block(&self.buf, start);
                    let take = (STEP / 2).min(n_out - self.produced);
                    out.extend_from_slice(&even[..take]);
                    self.produced += take;
                    self.next += STEP;
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct evaluation of the measured filter, in f64.
    fn direct(x: &[f32]) -> Vec<f64> {
        (0..x.len().div_ceil(2))
            .map(|k| {
                let mut acc = 0.0;
                for j in -(HALF as isize)..=HALF as isize {
                    let i = 2 * k as isize + j;
                    if i >= 0 && (i as usize) < x.len() {
                        acc += TAPS[j.unsigned_abs()] * x[i as usize] as f64;
                    }
                }
                acc * std::f64::consts::SQRT_2
            })
            .collect()
    }

    #[test]
    fn fft_blocks_match_direct_filter_at_all_lengths() {
        let mut rng = crate::rng::Rng::new(1);
        for n in [
            1usize,
            2,
            3,
            4,
            5,
            600,
            1201,
            1202,
            STEP - 1,
            STEP,
            STEP + 1,
            3 * STEP + 7,
        ] {
            let x: Vec<f32> = (0..n).map(|_| rng.uniform_in(-1.0, 1.0) as f32).collect();
            let got = halve(&x);
            let want = direct(&x);
            assert_eq!(got.len(), want.len(), "n = {n}");
            let err = got
                .iter()
                .zip(&want)
                .map(|(&a, &b)| (a as f64 - b).abs())
                .fold(0.0, f64::max);
            assert!(err < 1e-5, "n = {n}: max error {err}");
        }
        assert!(halve(&[]).is_empty());
    }

    #[test]
    fn the_stream_gives_the_same_bits_in_any_pieces() {
        let mut rng = crate::rng::Rng::new(7);
        for n in [0usize, 1, 5, 1201, STEP + HALF, 3 * STEP + 7, 40_000] {
            let x: Vec<f32> = (0..n).map(|_| rng.uniform_in(-1.0, 1.0) as f32).collect();
            let want = halve(&x);
            for piece in [1usize, 333, 4096, 100_000] {
                let mut h = Halver::new();
                let mut got = Vec::new();
                for c in x.chunks(piece) {
                    h.push(c, &mut got);
                }
                h.finish(&mut got);
                assert_eq!(got, want, "n = {n}, pieces of {piece}");
            }
        }
    }
}
