//! Forward complex FFT of a power-of-two size in split format (real and
//! imaginary parts in separate arrays).
//!
//! Stockham autosort, radix 4, with one radix-2 stage when the size is an
//! odd power of two. Each stage reads one buffer and writes another in
//! natural order, and its inner loop runs over contiguous elements of
//! separate real and imaginary arrays, so it vectorises without shuffles;
//! only the first stage, which reads interleaved input and interleaves its
//! four outputs, needs them. In WebAssembly the first two stages run in
//! explicit SIMD code ([`Kernels`]), the others in the compiler's
//! vectorised loops.
//! This is the WebAssembly build's FFT, behind rustfft's [`Fft`] trait
//! ([`Forward`]): rustfft's planner, which handles every size with kernels
//! for each, would be most of the module's code (see `BENCHMARKS.md`).

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

/// Floats of the transform, with the stages that WebAssembly runs in
/// explicit SIMD code (see the `simd` module); natively, where rustfft
/// transforms, the portable loops.
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

#[cfg(not(target_arch = "wasm32"))]
impl Kernels for f32 {}

#[cfg(not(target_arch = "wasm32"))]
impl Kernels for f64 {}

/// [`Kernels::first4`] in two loops that each vectorise over `p`: the
/// butterflies into `spare` as four contiguous rows (row k at k m), then
/// the rows interleaved into `y`.
fn first4<T: Float>(
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

/// WebAssembly's kernels, on 128-bit registers through [`butterfly`]:
/// - the first stage in one pass over blocks of `p`: inputs split into real
///   and imaginary parts by shuffles, outputs transposed into place by
///   shuffles (the compiler leaves [`first4`]'s interleave scalar);
/// - the stride-4 stage (the second): one register of `f32` per row, where
///   the compiler's loop spends more on its set-up than on the butterfly.
///   Longer strides are faster in the compiler's own loop.
///
/// Both read and write through raw pointers after checking every length
/// once: the only `unsafe` code of the transforms.
#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::*;
    use std::marker::PhantomData;
    use std::ops::{Add, Mul, Sub};

    use super::{butterfly, first4, sums, Kernels};

    /// A float type's SIMD register: `L` lanes and their operations.
    trait Lane: super::Float {
        const L: usize;
        fn vadd(a: v128, b: v128) -> v128;
        fn vsub(a: v128, b: v128) -> v128;
        fn vmul(a: v128, b: v128) -> v128;
        fn splat(v: Self) -> v128;
        /// Real and imaginary parts of `L` interleaved complex values held
        /// in two registers.
        fn split(lo: v128, hi: v128) -> (v128, v128);
        /// Four rows of `L` lanes as `L` groups of four, in order.
        fn transpose(rows: [v128; 4]) -> [v128; 4];
    }

    /// A [`Lane`]'s lane count and arithmetic, from its intrinsics.
    macro_rules! arithmetic {
        ($t:ty, $lanes:expr, $add:ident, $sub:ident, $mul:ident, $splat:ident) => {
            const L: usize = $lanes;
            fn vadd(a: v128, b: v128) -> v128 {
                $add(a, b)
            }
            fn vsub(a: v128, b: v128) -> v128 {
                $sub(a, b)
            }
            fn vmul(a: v128, b: v128) -> v128 {
                $mul(a, b)
            }
            fn splat(v: $t) -> v128 {
                $splat(v)
            }
        };
    }

    impl Lane for f32 {
        arithmetic!(f32, 4, f32x4_add, f32x4_sub, f32x4_mul, f32x4_splat);
        fn split(lo: v128, hi: v128) -> (v128, v128) {
            (
                i32x4_shuffle::<0, 2, 4, 6>(lo, hi),
                i32x4_shuffle::<1, 3, 5, 7>(lo, hi),
            )
        }
        fn transpose([a, b, c, d]: [v128; 4]) -> [v128; 4] {
            // (a0 b0 a1 b1), (c0 d0 c1 d1), (a2 b2 a3 b3), (c2 d2 c3 d3).
            let ab01 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
            let cd01 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
            let ab23 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
            let cd23 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
            [
                i64x2_shuffle::<0, 2>(ab01, cd01),
                i64x2_shuffle::<1, 3>(ab01, cd01),
                i64x2_shuffle::<0, 2>(ab23, cd23),
                i64x2_shuffle::<1, 3>(ab23, cd23),
            ]
        }
    }

    impl Lane for f64 {
        arithmetic!(f64, 2, f64x2_add, f64x2_sub, f64x2_mul, f64x2_splat);
        fn split(lo: v128, hi: v128) -> (v128, v128) {
            (i64x2_shuffle::<0, 2>(lo, hi), i64x2_shuffle::<1, 3>(lo, hi))
        }
        fn transpose([a, b, c, d]: [v128; 4]) -> [v128; 4] {
            [
                i64x2_shuffle::<0, 2>(a, b),
                i64x2_shuffle::<0, 2>(c, d),
                i64x2_shuffle::<1, 3>(a, b),
                i64x2_shuffle::<1, 3>(c, d),
            ]
        }
    }

    /// A register of `T` lanes with lane-wise arithmetic, so that the
    /// generic [`butterfly`] runs on it.
    #[derive(Clone, Copy)]
    struct V<T>(v128, PhantomData<T>);

    impl<T: Lane> Add for V<T> {
        type Output = Self;
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            V(T::vadd(self.0, o.0), PhantomData)
        }
    }
    impl<T: Lane> Sub for V<T> {
        type Output = Self;
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            V(T::vsub(self.0, o.0), PhantomData)
        }
    }
    impl<T: Lane> Mul for V<T> {
        type Output = Self;
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            V(T::vmul(self.0, o.0), PhantomData)
        }
    }

    /// The register at `base + at` (`L` values, no alignment needed).
    ///
    /// # Safety
    /// `at + L` values from `base` lie within one slice.
    #[inline(always)]
    unsafe fn load<T: Lane>(base: *const T, at: usize) -> v128 {
        unsafe { v128_load(base.add(at).cast()) }
    }

    /// Writes `r` at `base + at` (`L` values, no alignment needed).
    ///
    /// # Safety
    /// `at + L` values from `base` lie within one slice.
    #[inline(always)]
    unsafe fn store<T: Lane>(base: *mut T, at: usize, r: v128) {
        unsafe { v128_store(base.add(at).cast(), r) }
    }

    /// [`Kernels::first4`]; the portable [`first4`] unless `m` is a whole
    /// number of registers. Loads and stores go through raw pointers after
    /// one check of every length: bounds-checked ones cost V8 more than
    /// the butterflies.
    #[inline(always)]
    fn first4_simd<T: Lane>(
        x: &[T],
        tw: &[Vec<T>; 6],
        m: usize,
        y: (&mut [T], &mut [T]),
        spare: (&mut [T], &mut [T]),
    ) {
        let l = T::L;
        if !m.is_multiple_of(l)
            || x.len() < 8 * m
            || y.0.len() < 4 * m
            || y.1.len() < 4 * m
            || tw.iter().any(|t| t.len() < m)
        {
            return first4(x, tw, m, y, spare);
        }
        let v = |r: v128| V::<T>(r, PhantomData);
        let (yr, yi) = (y.0.as_mut_ptr(), y.1.as_mut_ptr());
        let x = x.as_ptr();
        let tw = tw.each_ref().map(|t| t.as_ptr());
        for p in (0..m).step_by(l) {
            // SAFETY: p + L <= m, so the inputs 2 (p + k m) + 2 L <= 8 m, the
            // twiddles p + L <= m and the outputs 4 p + 4 L <= 4 m lie
            // within their slices (all checked above).
            unsafe {
                let at = |k: usize| {
                    let i = 2 * (p + k * m);
                    let (re, im) = T::split(load(x, i), load(x, i + l));
                    (v(re), v(im))
                };
                let w = std::array::from_fn(|k| v(load(tw[k], p)));
                let out = butterfly(at(0), at(1), at(2), at(3), w);
                let re = T::transpose(out.map(|(r, _)| r.0));
                let im = T::transpose(out.map(|(_, i)| i.0));
                for (k, (&re, &im)) in re.iter().zip(&im).enumerate() {
                    store(yr, 4 * p + k * l, re);
                    store(yi, 4 * p + k * l, im);
                }
            }
        }
    }

    /// The stride-4 stage of [`Kernels::radix4`]; false for other strides
    /// (or lengths that do not fit), which are faster in the compiler's own
    /// loop. Raw-pointer loads and stores as in [`first4_simd`].
    #[inline(always)]
    fn radix4_simd<T: Lane>(
        s: usize,
        m: usize,
        tw: &[Vec<T>; 6],
        x: (&[T], &[T]),
        y: (&mut [T], &mut [T]),
    ) -> bool {
        let l = T::L;
        let quarter = s * m;
        let fits = |len: usize| len >= 4 * quarter;
        if s != 4
            || !s.is_multiple_of(l)
            || !(fits(x.0.len()) && fits(x.1.len()) && fits(y.0.len()) && fits(y.1.len()))
            || tw.iter().any(|t| t.len() < m)
        {
            return false;
        }
        let v = |r: v128| V::<T>(r, PhantomData);
        let (xr, xi) = (x.0.as_ptr(), x.1.as_ptr());
        let (yr, yi) = (y.0.as_mut_ptr(), y.1.as_mut_ptr());
        for p in 0..m {
            let w: [V<T>; 6] =
                std::array::from_fn(|k| v(T::splat(tw[k].get(p).copied().unwrap_or_else(T::zero))));
            for q in (0..s).step_by(l) {
                // SAFETY: with p < m and q + L <= s, the inputs
                // s p + k quarter + q + L <= 4 quarter and the outputs
                // 4 s p + k s + q + L <= 4 quarter lie within their slices
                // (checked above).
                unsafe {
                    let at = |k: usize| {
                        let i = s * p + k * quarter + q;
                        (v(load(xr, i)), v(load(xi, i)))
                    };
                    let out = if p == 0 {
                        sums(at(0), at(1), at(2), at(3))
                    } else {
                        butterfly(at(0), at(1), at(2), at(3), w)
                    };
                    for (k, (re, im)) in out.iter().enumerate() {
                        store(yr, 4 * s * p + k * s + q, re.0);
                        store(yi, 4 * s * p + k * s + q, im.0);
                    }
                }
            }
        }
        true
    }

    macro_rules! kernels {
        ($($t:ty),*) => {$(
            impl Kernels for $t {
                fn first4(
                    x: &[$t],
                    tw: &[Vec<$t>; 6],
                    m: usize,
                    y: (&mut [$t], &mut [$t]),
                    spare: (&mut [$t], &mut [$t]),
                ) {
                    first4_simd(x, tw, m, y, spare)
                }

                fn radix4(
                    s: usize,
                    m: usize,
                    tw: &[Vec<$t>; 6],
                    x: (&[$t], &[$t]),
                    y: (&mut [$t], &mut [$t]),
                ) -> bool {
                    radix4_simd(s, m, tw, x, y)
                }
            }
        )*};
    }

    kernels!(f32, f64);
}

/// The 4-point DFT of `(a, b, c, d)`: a radix-4 butterfly without twiddles.
#[inline(always)]
fn sums<T>(a: (T, T), b: (T, T), c: (T, T), d: (T, T)) -> [(T, T); 4]
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
fn butterfly<T>(a: (T, T), b: (T, T), c: (T, T), d: (T, T), tw: [T; 6]) -> [(T, T); 4]
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
