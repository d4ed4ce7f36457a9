//! The native backend: rustfft's planner, with its AVX, SSE and NEON
//! kernels, transforming out of place into interleaved spectra. Natively
//! [`SplitFft`](super::SplitFft), run only by tests, keeps the portable
//! [`Kernels`].

use std::ops::Range;
use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftNum, FftPlanner};

use super::{reverse_into, Bins, ComplexFft, Kernels};

impl Kernels for f32 {}

impl Kernels for f64 {}

/// rustfft's transform of `n` points with its buffers.
pub struct RustFft<T> {
    fft: Arc<dyn Fft<T>>,
    input: Vec<Complex<T>>,
    /// The transform of the input (out of place: rustfft's in-place
    /// transforms copy their result back, a pass less this way).
    spectrum: Vec<Complex<T>>,
    scratch: Vec<Complex<T>>,
    /// Bins copied in reverse order (see [`ComplexFft::with_reversed`]).
    reversed: Vec<Complex<T>>,
}

/// Bins of an interleaved spectrum.
pub struct Interleaved<'a, T>(&'a [Complex<T>]);

impl<T: Copy> Bins<T> for Interleaved<'_, T> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline(always)]
    fn get(&self, j: usize) -> Complex<T> {
        self.0[j]
    }
}

impl<T: FftNum> ComplexFft<T> for RustFft<T> {
    type Planner = FftPlanner<T>;
    type Plan = dyn Fft<T>;
    type Bins<'a> = Interleaved<'a, T>;

    fn planner() -> FftPlanner<T> {
        FftPlanner::new()
    }

    fn plan(planner: &mut FftPlanner<T>, n: usize) -> Arc<dyn Fft<T>> {
        planner.plan_fft_forward(n)
    }

    fn forward(plan: Arc<dyn Fft<T>>) -> Arc<dyn Fft<T>> {
        plan
    }

    fn new(fft: Arc<dyn Fft<T>>) -> Self {
        let m = fft.len();
        let zero = Complex::new(T::zero(), T::zero());
        Self {
            input: vec![zero; m],
            spectrum: vec![zero; m],
            scratch: vec![
                zero;
                fft.get_outofplace_scratch_len()
                    .max(fft.get_immutable_scratch_len())
            ],
            reversed: vec![zero; m],
            fft,
        }
    }

    #[inline(always)]
    fn input(&mut self) -> &mut [Complex<T>] {
        &mut self.input
    }

    #[inline(always)]
    fn transform(&mut self) {
        self.fft.process_outofplace_with_scratch(
            &mut self.input,
            &mut self.spectrum,
            &mut self.scratch,
        );
    }

    #[inline(always)]
    fn transform_from(&mut self, input: &[Complex<T>]) {
        self.fft
            .process_immutable_with_scratch(input, &mut self.spectrum, &mut self.scratch);
    }

    #[inline(always)]
    fn at(&self, k: usize) -> Complex<T> {
        self.spectrum[k]
    }

    #[inline(always)]
    fn bins(&self, range: Range<usize>) -> Interleaved<'_, T> {
        Interleaved(self.spectrum.get(range).unwrap_or(&[]))
    }

    #[inline(always)]
    fn with_reversed(
        &mut self,
        forward: Range<usize>,
        backward: Range<usize>,
    ) -> (Interleaved<'_, T>, Interleaved<'_, T>) {
        let src = self.spectrum.get(backward).unwrap_or(&[]);
        let rev = &mut self.reversed[..src.len()];
        reverse_into(rev, src);
        let bins = self.spectrum.get(forward).unwrap_or(&[]);
        (Interleaved(bins), Interleaved(rev))
    }
}
