//! [`SplitFft`], a forward complex FFT of a power-of-two size in split
//! format (real and imaginary parts in separate arrays), and [`Forward`],
//! the same behind rustfft's [`Fft`] trait: the WebAssembly backend's
//! transform, portable but for [`Kernels`].
//!
//! Stockham autosort, radix 4, with one radix-2 stage when the size is an
//! odd power of two. Each stage reads one buffer and writes another in
//! natural order, and its inner loop runs over contiguous elements of
//! separate real and imaginary arrays, so it vectorises without shuffles;
//! only the first stage, which reads interleaved input and interleaves its
//! four outputs, needs them. In WebAssembly the first two stages run in
//! explicit SIMD code (`wasm_simd.rs`), the others in the compiler's
//! vectorised loops; natively, where only tests run it, all in the portable
//! loops here.

use std::sync::Arc;

use num_complex::Complex;
use rustfft::num_traits::Float;
use rustfft::{Direction, Fft, FftDirection, FftNum, Length};

/// One radix-4 or radix-2 stage: sub-transforms of `len` points, `stride`
/// interleaved of them.
struct Stage<T> {
    len: usize,
    stride: usize,
    /// `w^p`, `w^2p`, `w^3p` for `w = exp(-2 pi i / len)`, `p < len / 4`:
    /// real and imaginary parts of each (empty for a radix-2 stage).
    twiddles: [Vec<T>; 6],
}

/// A forward FFT of `n = 2^k` points; its stages' twiddles are computed once.
pub struct SplitFft<T> {
    n: usize,
    stages: Vec<Stage<T>>,
}

impl<T: Kernels> SplitFft<T> {
    /// The transform of `n` points, rounded up to a power of two
    /// ([`SplitFft::len`]; every caller here asks for a power of two).
    pub fn new(n: usize) -> Self {
        let n = n.max(1).next_power_of_two();
        let mut stages = Vec::new();
        let (mut len, mut stride) = (n, 1);
        while len >= 4 {
            let m = len / 4;
            let step = -2.0 * std::f64::consts::PI / len as f64;
            let mut twiddles: [Vec<T>; 6] = Default::default();
            for p in 0..m {
                for (j, k) in (1..=3).enumerate() {
                    let (sin, cos) = (step * (k * p) as f64).sin_cos();
                    twiddles[2 * j].push(T::from(cos).unwrap_or_else(T::zero));
                    twiddles[2 * j + 1].push(T::from(sin).unwrap_or_else(T::zero));
                }
            }
            stages.push(Stage {
                len,
                stride,
                twiddles,
            });
            len = m;
            stride *= 4;
        }
        if len == 2 {
            stages.push(Stage {
                len,
                stride,
                twiddles: Default::default(),
            });
        }
        Self { n, stages }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false: a transform has at least one point.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Transforms `input` (`n` complex values, interleaved real and
    /// imaginary parts) into `out` (real parts, imaginary parts), using
    /// `scratch`; `out` and `scratch` hold `n` values each.
    #[inline(always)]
    pub fn process(&self, input: &[T], out: (&mut [T], &mut [T]), scratch: (&mut [T], &mut [T])) {
        let n = self.n;
        let (out_re, out_im) = (&mut out.0[..n], &mut out.1[..n]);
        let (tmp_re, tmp_im) = (&mut scratch.0[..n], &mut scratch.1[..n]);
        let input = &input[..2 * n];
        let Some((first, rest)) = self.stages.split_first() else {
            (out_re[0], out_im[0]) = (input[0], input[1]);
            return;
        };
        // Stages alternate between `out` and `scratch`, ending in `out`.
        if rest.len() % 2 == 0 {
            first.first(input, out_re, out_im, tmp_re, tmp_im);
        } else {
            first.first(input, tmp_re, tmp_im, out_re, out_im);
        }
        for (i, stage) in rest.iter().enumerate() {
            if (rest.len() - 1 - i) % 2 == 0 {
                stage.run(tmp_re, tmp_im, out_re, out_im);
            } else {
                stage.run(out_re, out_im, tmp_re, tmp_im);
            }
        }
    }
}

impl<T: Kernels> Stage<T> {
    /// The first stage (stride 1), reading interleaved complex values and
    /// using `spare` (real and imaginary parts) as scratch space.
    #[inline(never)]
    fn first(&self, x: &[T], yr: &mut [T], yi: &mut [T], spare_r: &mut [T], spare_i: &mut [T]) {
        if self.len == 2 {
            (yr[0], yi[0]) = (x[0] + x[2], x[1] + x[3]);
            (yr[1], yi[1]) = (x[0] - x[2], x[1] - x[3]);
            return;
        }
        T::first4(
            x,
            &self.twiddles,
            self.len / 4,
            (yr, yi),
            (spare_r, spare_i),
        );
    }

    /// `y = stage(x)`: output `q + s (4 p + k)` from inputs `q + s (p + k m)`.
    ///
    /// Not inlined: as separate arguments, the buffers are known not to
    /// overlap, which spares the vectorised loops their overlap checks.
    #[inline(never)]
    fn run(&self, xr: &[T], xi: &[T], yr: &mut [T], yi: &mut [T]) {
        let s = self.stride;
        if self.len == 2 {
            let (ar, br) = xr.split_at(s);
            let (ai, bi) = xi.split_at(s);
            let (y0r, y1r) = yr.split_at_mut(s);
            let (y0i, y1i) = yi.split_at_mut(s);
            for q in 0..s.min(br.len()).min(bi.len()).min(y1r.len()).min(y1i.len()) {
                let (a_r, a_i, b_r, b_i) = (ar[q], ai[q], br[q], bi[q]);
                y0r[q] = a_r + b_r;
                y0i[q] = a_i + b_i;
                y1r[q] = a_r - b_r;
                y1i[q] = a_i - b_i;
            }
            return;
        }
        let m = self.len / 4;
        if T::radix4(s, m, &self.twiddles, (xr, xi), (yr, yi)) {
            return;
        }
        let [w1r, w1i, w2r, w2i, w3r, w3i] = &self.twiddles;
        let quarter = s * m;
        for p in 0..m {
            let at = |k: usize| s * p + k * quarter;
            let (ar, br, cr, dr) = (
                &xr[at(0)..][..s],
                &xr[at(1)..][..s],
                &xr[at(2)..][..s],
                &xr[at(3)..][..s],
            );
            let (ai, bi, ci, di) = (
                &xi[at(0)..][..s],
                &xi[at(1)..][..s],
                &xi[at(2)..][..s],
                &xi[at(3)..][..s],
            );
            let (yr, yi) = (&mut yr[4 * s * p..][..4 * s], &mut yi[4 * s * p..][..4 * s]);
            let (y0r, rest) = yr.split_at_mut(s);
            let (y1r, rest) = rest.split_at_mut(s);
            let (y2r, y3r) = rest.split_at_mut(s);
            let (y0i, rest) = yi.split_at_mut(s);
            let (y1i, rest) = rest.split_at_mut(s);
            let (y2i, y3i) = rest.split_at_mut(s);
            let tw = [w1r[p], w1i[p], w2r[p], w2i[p], w3r[p], w3i[p]];
            // For p = 0 all three twiddles are 1 (the branch is hoisted out
            // of the loop).
            let rotate = p != 0;
            for q in 0..s {
                let (a, b, c, d) = (
                    (ar[q], ai[q]),
                    (br[q], bi[q]),
                    (cr[q], ci[q]),
                    (dr[q], di[q]),
                );
                let y = if rotate {
                    butterfly(a, b, c, d, tw)
                } else {
                    sums(a, b, c, d)
                };
                (y0r[q], y0i[q]) = y[0];
                (y1r[q], y1i[q]) = y[1];
                (y2r[q], y2i[q]) = y[2];
                (y3r[q], y3i[q]) = y[3];
            }
        }
    }
}

/// A [`SplitFft`] behind rustfft's [`Fft`] trait (forward only): buffers of
/// interleaved complex values are transformed into split real and imaginary
/// parts, then interleaved again.
pub struct Forward<T> {
    fft: Arc<SplitFft<T>>,
}

impl<T> Forward<T> {
    /// The transform `fft` behind rustfft's trait.
    pub fn new(fft: Arc<SplitFft<T>>) -> Self {
        Self { fft }
    }
}

impl<T: FftNum + Kernels + bytemuck::Pod> Forward<T> {
    /// Transforms one buffer of `n` values in place; `scratch` holds `2 n`
    /// values, used as four arrays of `n` reals.
    #[inline(always)]
    fn run(&self, buffer: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let n = self.fft.len();
        let reals: &mut [T] = bytemuck::cast_slice_mut(&mut scratch[..2 * n]);
        let (out_re, rest) = reals.split_at_mut(n);
        let (out_im, rest) = rest.split_at_mut(n);
        let (tmp_re, tmp_im) = rest.split_at_mut(n);
        self.fft.process(
            bytemuck::cast_slice(buffer),
            (out_re, out_im),
            (tmp_re, tmp_im),
        );
        for ((o, &r), &i) in buffer.iter_mut().zip(out_re.iter()).zip(out_im.iter()) {
            *o = Complex::new(r, i);
        }
    }
}

impl<T> Length for Forward<T> {
    fn len(&self) -> usize {
        self.fft.n
    }
}

impl<T> Direction for Forward<T> {
    fn fft_direction(&self) -> FftDirection {
        FftDirection::Forward
    }
}

impl<T: FftNum + Kernels + bytemuck::Pod> Fft<T> for Forward<T> {
    fn process_with_scratch(&self, buffer: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let n = self.fft.n;
        if scratch.len() >= 2 * n {
            for chunk in buffer.chunks_exact_mut(n) {
                self.run(chunk, scratch);
            }
        }
    }

    fn process_outofplace_with_scratch(
        &self,
        input: &mut [Complex<T>],
        output: &mut [Complex<T>],
        scratch: &mut [Complex<T>],
    ) {
        self.process_immutable_with_scratch(input, output, scratch);
    }

    fn process_immutable_with_scratch(
        &self,
        input: &[Complex<T>],
        output: &mut [Complex<T>],
        scratch: &mut [Complex<T>],
    ) {
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_with_scratch(&mut output[..n], scratch);
    }

    fn get_inplace_scratch_len(&self) -> usize {
        2 * self.fft.n
    }

    fn get_outofplace_scratch_len(&self) -> usize {
        2 * self.fft.n
    }

    fn get_immutable_scratch_len(&self) -> usize {
        2 * self.fft.n
    }
}

/// Floats of the transform, with the stages that a backend may run in its
/// own code: WebAssembly's SIMD kernels (`wasm_simd.rs`); natively the
/// portable loops (`native.rs`).
pub trait Kernels: Float {
    /// The first radix-4 stage: outputs `4 p + k` from the interleaved
    /// complex inputs `p + k m`, `p < m`, with twiddles `tw` (`w^p`, `w^2p`,
    /// `w^3p`, real and imaginary parts, `w = exp(-2 pi i / 4m)`), using
    /// `spare` as scratch; by default the portable loops.
    fn first4(
        x: &[Self],
        tw: &[Vec<Self>; 6],
        m: usize,
        y: (&mut [Self], &mut [Self]),
        spare: (&mut [Self], &mut [Self]),
    ) {
        first4(x, tw, m, y, spare)
    }

    /// A later radix-4 stage of stride `s`, where this build has a kernel
    /// for it; false, by default, leaves it to the portable loop.
    fn radix4(
        _s: usize,
        _m: usize,
        _tw: &[Vec<Self>; 6],
        _x: (&[Self], &[Self]),
        _y: (&mut [Self], &mut [Self]),
    ) -> bool {
        false
    }
}

/// [`Kernels::first4`] in two loops that each vectorise over `p`: the
/// butterflies into `spare` as four contiguous rows (row k at k m), then
/// the rows interleaved into `y`.
pub(super) fn first4<T: Float>(
    x: &[T],
    tw: &[Vec<T>; 6],
    m: usize,
    y: (&mut [T], &mut [T]),
    spare: (&mut [T], &mut [T]),
) {
    let [w1r, w1i, w2r, w2i, w3r, w3i] = tw;
    let x = &x[..8 * m];
    let (yr, yi) = (&mut y.0[..4 * m], &mut y.1[..4 * m]);
    let (s0r, rest) = spare.0[..4 * m].split_at_mut(m);
    let (s1r, rest) = rest.split_at_mut(m);
    let (s2r, s3r) = rest.split_at_mut(m);
    let (s0i, rest) = spare.1[..4 * m].split_at_mut(m);
    let (s1i, rest) = rest.split_at_mut(m);
    let (s2i, s3i) = rest.split_at_mut(m);
    let (xa, rest) = x.split_at(2 * m);
    let (xb, rest) = rest.split_at(2 * m);
    let (xc, xd) = rest.split_at(2 * m);
    for p in 0..m {
        let tw = [w1r[p], w1i[p], w2r[p], w2i[p], w3r[p], w3i[p]];
        let at = |v: &[T]| (v[2 * p], v[2 * p + 1]);
        let y = butterfly(at(xa), at(xb), at(xc), at(xd), tw);
        (s0r[p], s0i[p]) = y[0];
        (s1r[p], s1i[p]) = y[1];
        (s2r[p], s2i[p]) = y[2];
        (s3r[p], s3i[p]) = y[3];
    }
    for (out, rows) in [(yr, [&*s0r, s1r, s2r, s3r]), (yi, [&*s0i, s1i, s2i, s3i])] {
        for (p, o) in out.chunks_exact_mut(4).enumerate() {
            o.copy_from_slice(&rows.map(|r| r[p]));
        }
    }
}

/// The 4-point DFT of `(a, b, c, d)`: a radix-4 butterfly without twiddles.
#[inline(always)]
pub(super) fn sums<T>(a: (T, T), b: (T, T), c: (T, T), d: (T, T)) -> [(T, T); 4]
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T>,
{
    let (apc_r, apc_i) = (a.0 + c.0, a.1 + c.1);
    let (amc_r, amc_i) = (a.0 - c.0, a.1 - c.1);
    let (bpd_r, bpd_i) = (b.0 + d.0, b.1 + d.1);
    let (bmd_r, bmd_i) = (b.0 - d.0, b.1 - d.1);
    // (a + c) + (b + d), (a - c) -/+ i (b - d), (a + c) - (b + d).
    [
        (apc_r + bpd_r, apc_i + bpd_i),
        (amc_r + bmd_i, amc_i - bmd_r),
        (apc_r - bpd_r, apc_i - bpd_i),
        (amc_r - bmd_i, amc_i + bmd_r),
    ]
}

/// One radix-4 butterfly of a forward transform: [`sums`] with outputs 1 to
/// 3 multiplied by the twiddles `tw` (`w^p`, `w^2p`, `w^3p`, real and
/// imaginary parts).
#[inline(always)]
pub(super) fn butterfly<T>(a: (T, T), b: (T, T), c: (T, T), d: (T, T), tw: [T; 6]) -> [(T, T); 4]
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>,
{
    let [y0, u1, u2, u3] = sums(a, b, c, d);
    let rot = |u: (T, T), wr: T, wi: T| (u.0 * wr - u.1 * wi, u.0 * wi + u.1 * wr);
    [
        y0,
        rot(u1, tw[0], tw[1]),
        rot(u2, tw[2], tw[3]),
        rot(u3, tw[4], tw[5]),
    ]
}
