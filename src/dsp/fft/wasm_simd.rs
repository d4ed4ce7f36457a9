//! The WebAssembly backend: [`SplitFft`], whose spectra stay split into
//! real and imaginary parts (so that loops over them vectorise), with its
//! first two stages in 128-bit SIMD code ([`Kernels`] for `f32` and `f64`).
//! rustfft's planner, which handles every size with kernels for each, would
//! be most of the module's code (see `BENCHMARKS.md`).
//!
//! The kernels run on 128-bit registers through [`butterfly`]:
//! - the first stage in one pass over blocks of `p`: inputs split into real
//!   and imaginary parts by shuffles, outputs transposed into place by
//!   shuffles (the compiler leaves [`first4`]'s interleave scalar);
//! - the stride-4 stage (the second): one register of `f32` per row, where
//!   the compiler's loop spends more on its set-up than on the butterfly.
//!   Longer strides are faster in the compiler's own loop.
//!
//! Both read and write through raw pointers after checking every length
//! once: the only `unsafe` code of the transforms.

use core::arch::wasm32::*;
use std::marker::PhantomData;
use std::ops::{Add, Mul, Range, Sub};
use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::num_traits::Float;
use rustfft::Fft;

use super::split::{butterfly, first4, sums};
use super::{reverse_into, Bins, ComplexFft, FftFloat, Forward, Kernels, SplitFft};

/// [`SplitFft`] of `n` points with its buffers.
pub struct Split<T> {
    fft: Arc<SplitFft<T>>,
    input: Vec<Complex<T>>,
    /// The transform (real parts, imaginary parts), then scratch space.
    split: [Vec<T>; 4],
}

/// Bins of a split spectrum: real and imaginary parts.
pub struct SplitBins<'a, T> {
    re: &'a [T],
    im: &'a [T],
}

impl<T: Copy> Bins<T> for SplitBins<'_, T> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.re.len()
    }

    #[inline(always)]
    fn get(&self, j: usize) -> Complex<T> {
        Complex::new(self.re[j], self.im[j])
    }
}

impl<T: FftFloat> ComplexFft<T> for Split<T> {
    /// The plans made so far.
    type Planner = Vec<Arc<SplitFft<T>>>;
    type Plan = SplitFft<T>;
    type Bins<'a> = SplitBins<'a, T>;

    fn planner() -> Self::Planner {
        Vec::new()
    }

    /// The plan of `n` points, a power of two (as every transform here is).
    fn plan(plans: &mut Self::Planner, n: usize) -> Arc<SplitFft<T>> {
        if let Some(f) = plans.iter().find(|f| f.len() == n) {
            return Arc::clone(f);
        }
        let f = Arc::new(SplitFft::new(n));
        plans.push(Arc::clone(&f));
        f
    }

    fn forward(plan: Arc<SplitFft<T>>) -> Arc<dyn Fft<T>> {
        Arc::new(Forward::new(plan))
    }

    fn new(fft: Arc<SplitFft<T>>) -> Self {
        let m = fft.len();
        Self {
            input: vec![Complex::new(T::zero(), T::zero()); m],
            split: std::array::from_fn(|_| vec![T::zero(); m]),
            fft,
        }
    }

    #[inline(always)]
    fn input(&mut self) -> &mut [Complex<T>] {
        &mut self.input
    }

    #[inline(always)]
    fn transform(&mut self) {
        let [re, im, tmp_re, tmp_im] = &mut self.split;
        self.fft.process(
            bytemuck::cast_slice(&self.input),
            (re, im),
            (tmp_re, tmp_im),
        );
    }

    #[inline(always)]
    fn transform_from(&mut self, input: &[Complex<T>]) {
        let [re, im, tmp_re, tmp_im] = &mut self.split;
        self.fft
            .process(bytemuck::cast_slice(input), (re, im), (tmp_re, tmp_im));
    }

    #[inline(always)]
    fn at(&self, k: usize) -> Complex<T> {
        Complex::new(self.split[0][k], self.split[1][k])
    }

    #[inline(always)]
    fn bins(&self, range: Range<usize>) -> SplitBins<'_, T> {
        let re = self.split[0].get(range.clone()).unwrap_or(&[]);
        let im = self.split[1].get(range).unwrap_or(&[]);
        let n = re.len().min(im.len());
        SplitBins {
            re: &re[..n],
            im: &im[..n],
        }
    }

    /// The reversed bins go into the transform's scratch space.
    #[inline(always)]
    fn with_reversed(
        &mut self,
        forward: Range<usize>,
        backward: Range<usize>,
    ) -> (SplitBins<'_, T>, SplitBins<'_, T>) {
        let [re, im, rev_re, rev_im] = &mut self.split;
        let src_re = re.get(backward.clone()).unwrap_or(&[]);
        let src_im = im.get(backward).unwrap_or(&[]);
        let n = src_re.len().min(src_im.len());
        let (rev_re, rev_im) = (&mut rev_re[..n], &mut rev_im[..n]);
        reverse_into(rev_re, src_re);
        reverse_into(rev_im, src_im);
        let f_re = re.get(forward.clone()).unwrap_or(&[]);
        let f_im = im.get(forward).unwrap_or(&[]);
        let k = f_re.len().min(f_im.len());
        let forward = SplitBins {
            re: &f_re[..k],
            im: &f_im[..k],
        };
        let backward = SplitBins {
            re: rev_re,
            im: rev_im,
        };
        (forward, backward)
    }
}

/// A float type's SIMD register: `L` lanes and their operations.
trait Lane: Float {
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
