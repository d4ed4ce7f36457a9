//! Fast Fourier transforms: of real frames, computing only the bins asked
//! for, and their inverse ([`RealFft`], [`PairedFft`], [`InverseRealFft`],
//! in `real.rs`), on a complex FFT chosen per target here, as [`Backend`]:
//!
//! - natively, rustfft's planner with its AVX, SSE and NEON kernels
//!   (`native.rs`);
//! - in WebAssembly, [`SplitFft`] (`split.rs`), a split-format transform of
//!   power-of-two sizes, a fraction of rustfft's code size, with its first
//!   stages in SIMD code (`wasm_simd.rs`).
//!
//! Both are [`ComplexFft`]s, which leave spectra in their own layout
//! (interleaved, or split into real and imaginary parts) and hand out runs
//! of it as [`Bins`]. [`FftFloat::forward`] gives either behind rustfft's
//! [`Fft`] trait.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::num_traits::Float;
use rustfft::{Fft, FftNum};

#[cfg(not(target_arch = "wasm32"))]
mod native;
mod real;
mod split;
#[cfg(target_arch = "wasm32")]
mod wasm_simd;

pub use real::{InverseRealFft, PairedFft, Parts, RealFft};
pub use split::{Forward, Kernels, SplitFft};

/// This target's complex FFT: rustfft's.
#[cfg(not(target_arch = "wasm32"))]
pub type Backend<T> = native::RustFft<T>;
/// This target's complex FFT: [`SplitFft`] with SIMD kernels.
#[cfg(target_arch = "wasm32")]
pub type Backend<T> = wasm_simd::Split<T>;

/// A plan of [`Backend`]'s, shared by its transforms of one size.
pub type Plan<T> = <Backend<T> as ComplexFft<T>>::Plan;

/// A complex forward FFT of the real transforms: plans of each size, and a
/// transform with its buffers, which leaves the spectrum in its own layout.
pub trait ComplexFft<T>: Sized {
    /// Makes plans (one per thread and sample type, see [`FftFloat`]).
    type Planner;
    /// A transform of one size.
    type Plan: ?Sized;
    /// A run of consecutive bins of the spectrum.
    type Bins<'a>: Bins<T>
    where
        Self: 'a;

    /// A planner without plans.
    fn planner() -> Self::Planner;

    /// The plan of `n` points.
    fn plan(planner: &mut Self::Planner, n: usize) -> Arc<Self::Plan>;

    /// `plan` behind rustfft's [`Fft`] trait.
    fn forward(plan: Arc<Self::Plan>) -> Arc<dyn Fft<T>>;

    /// The transform `plan` with its buffers.
    fn new(plan: Arc<Self::Plan>) -> Self;

    /// The input buffer, one value per point.
    fn input(&mut self) -> &mut [Complex<T>];

    /// Transforms the input buffer (which it may overwrite).
    fn transform(&mut self);

    /// Transforms `input`, as many values as the input buffer holds.
    fn transform_from(&mut self, input: &[Complex<T>]);

    /// Bin `k` of the last transform.
    fn at(&self, k: usize) -> Complex<T>;

    /// Bins `range` of the last transform (none if `range` reaches past
    /// them).
    fn bins(&self, range: Range<usize>) -> Self::Bins<'_>;

    /// Bins `forward` of the last transform, and bins `backward` in
    /// reverse order (copied first, so that loops over both read forward
    /// and vectorise); none for a range reaching past them.
    fn with_reversed(
        &mut self,
        forward: Range<usize>,
        backward: Range<usize>,
    ) -> (Self::Bins<'_>, Self::Bins<'_>);
}

/// A run of consecutive bins of a spectrum, read by index.
pub trait Bins<T> {
    /// Number of bins.
    fn len(&self) -> usize;

    /// Whether the run is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bin `j` of the run (`j < len`).
    fn get(&self, j: usize) -> Complex<T>;
}

/// Sample types of the transforms, each with one planner per thread: a
/// size planned once is reused rather than planned again.
pub trait FftFloat: FftNum + Float + bytemuck::Pod + Kernels {
    /// The shared [`Backend`] plan of `n` points.
    fn plan(n: usize) -> Arc<Plan<Self>>;

    /// The shared forward complex FFT of `n` points (in WebAssembly a
    /// power of two, as every transform here is).
    fn forward(n: usize) -> Arc<dyn Fft<Self>> {
        Backend::<Self>::forward(Self::plan(n))
    }
}

macro_rules! shared_planner {
    ($($t:ty),*) => {$(
        impl FftFloat for $t {
            fn plan(n: usize) -> Arc<Plan<$t>> {
                thread_local! {
                    static PLANNER: RefCell<<Backend<$t> as ComplexFft<$t>>::Planner> =
                        RefCell::new(Backend::<$t>::planner());
                }
                PLANNER.with(|p| Backend::<$t>::plan(&mut p.borrow_mut(), n))
            }
        }
    )*};
}

shared_planner!(f32, f64);

/// `dst[j] = src[len - 1 - j]` over the shorter of the two.
#[inline(always)]
fn reverse_into<T: Copy>(dst: &mut [T], src: &[T]) {
    for (d, &s) in dst.iter_mut().zip(src.iter().rev()) {
        *d = s;
    }
}
