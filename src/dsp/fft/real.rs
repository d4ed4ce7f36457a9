//! Forward FFTs of real frames that compute only the bins asked for, and
//! their inverse.
//!
//! The `n` real samples are packed into `n / 2` complex values and
//! transformed by the target's [`Backend`]; the split into the real
//! signal's spectrum is then done for the requested bins alone. It is an
//! inlinable loop, so it vectorises in the caller's target features (see
//! [`with_avx2`](crate::dsp::target_features::with_avx2)).

use std::ops::Range;

use rustfft::num_complex::Complex;

use super::{Backend, Bins, ComplexFft, FftFloat};

/// A run of consecutive bins of the complex FFT inside [`RealFft`] and
/// [`PairedFft`], read by index ([`Bins`]; in WebAssembly from separate
/// real and imaginary parts, so that loops over it vectorise).
pub type Parts<'a, T> = <Backend<T> as ComplexFft<T>>::Bins<'a>;

/// What the real transforms of `n` samples share: the complex transform of
/// `n / 2` points with its buffers (its input, for a real transform, the
/// samples in pairs).
struct Packed<T: FftFloat> {
    /// Number of real samples.
    n: usize,
    fft: Backend<T>,
}

impl<T: FftFloat> Packed<T> {
    /// For `n` real samples (`n` even, at least 2).
    fn new(n: usize) -> Self {
        let n = n.max(2) & !1;
        Self {
            n,
            fft: Backend::<T>::new(T::plan(n / 2)),
        }
    }

    /// Transforms `samples` (`n` values, read in pairs) where they lie,
    /// without copying them into the input buffer first; `false` (nothing
    /// done) if they are not `n` values or cannot be read as complex values.
    #[inline(always)]
    fn transform_from(&mut self, samples: &[T]) -> bool {
        let Ok(pairs) = bytemuck::try_cast_slice::<T, Complex<T>>(samples) else {
            return false;
        };
        if samples.len() != self.n {
            return false;
        }
        self.fft.transform_from(pairs);
        true
    }
}

/// `scale * exp(sign * 2 pi i k / n)` for `k` in `0..count`.
fn twiddles<T: FftFloat>(n: usize, sign: f64, count: usize, scale: f64) -> Vec<Complex<T>> {
    let convert = |v: f64| T::from_f64(v * scale).unwrap_or_else(T::zero);
    crate::dsp::unit_phasors(0.0, sign * 2.0 * std::f64::consts::PI / n as f64)
        .take(count)
        .map(|w| Complex::new(convert(w.re), convert(w.im)))
        .collect()
}

/// A real-input FFT of even size `n`, with its buffers.
pub struct RealFft<T: FftFloat> {
    packed: Packed<T>,
    /// Twiddles `exp(-2 pi i k / n) / 2` for `k` in `0..=n / 2`, real and
    /// imaginary parts.
    twiddles: [Vec<T>; 2],
}

impl<T: FftFloat> RealFft<T> {
    /// A transform of `n` real samples (`n` even, at least 2; in
    /// WebAssembly `n / 2` must also be a power of two, see
    /// [`FftFloat::forward`]).
    pub fn new(n: usize) -> Self {
        let packed = Packed::new(n);
        let w = twiddles::<T>(packed.n, -1.0, packed.n / 2 + 1, 0.5);
        Self {
            packed,
            twiddles: [
                w.iter().map(|c| c.re).collect(),
                w.iter().map(|c| c.im).collect(),
            ],
        }
    }

    /// Number of real input samples.
    pub fn len(&self) -> usize {
        self.packed.n
    }

    /// Always false: a transform has at least two samples.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Transforms the `n` samples written by `fill` (it receives a buffer
    /// of `n` values holding whatever the last transform left there, and
    /// must write all of them) and stores bins `bins` (clamped to
    /// `0..=n / 2`) of the spectrum in `out` (real parts, imaginary parts),
    /// which must hold `bins.len()` values each.
    #[inline(always)]
    pub fn process(
        &mut self,
        fill: impl FnOnce(&mut [T]),
        bins: Range<usize>,
        out: (&mut [T], &mut [T]),
    ) {
        // The n samples, written in place as n / 2 complex values.
        fill(bytemuck::cast_slice_mut(self.packed.fft.input()));
        self.packed.fft.transform();
        self.split(bins, out);
    }

    /// [`RealFft::process`] of `frame`, `n` samples already in memory
    /// (read where they lie; copied first if `frame` is not `n` values or
    /// not aligned for reading as complex values).
    #[inline(always)]
    pub fn process_frame(&mut self, frame: &[T], bins: Range<usize>, out: (&mut [T], &mut [T])) {
        if self.packed.transform_from(frame) {
            self.split(bins, out);
        } else {
            self.process(|buf| crate::dsp::copy_padded(frame, 0, buf), bins, out);
        }
    }

    /// Bins `bins` of the real spectrum from the last transform (see
    /// [`RealFft::process`]).
    #[inline(always)]
    fn split(&mut self, bins: Range<usize>, out: (&mut [T], &mut [T])) {
        let m = self.packed.n / 2;
        let bins = bins.start.min(m + 1)..bins.end.min(m + 1);
        let len = bins.len().min(out.0.len()).min(out.1.len());
        let (out_re, out_im) = (&mut out.0[..len], &mut out.1[..len]);
        // Bins k in `inner` (within 1..m) from Z[k] and, read in reverse,
        // Z[m - k].
        let first = bins.start.max(1);
        let inner = first..bins.end.min(m).max(first);
        let skip = (inner.start - bins.start).min(len);
        let z0 = self.packed.fft.at(0);
        let (a, b) = self
            .packed
            .fft
            .with_reversed(inner.clone(), m + 1 - inner.end..m + 1 - inner.start);
        let [w_re, w_im] = &self.twiddles;
        let w_re = w_re.get(inner.clone()).unwrap_or(&[]);
        let w_im = w_im.get(inner.clone()).unwrap_or(&[]);
        let (o_re, o_im) = (&mut out_re[skip..], &mut out_im[skip..]);
        let n = (a.len().min(b.len()))
            .min(w_re.len().min(w_im.len()))
            .min(o_re.len().min(o_im.len()));
        let (w_re, w_im, o_re, o_im) = (&w_re[..n], &w_im[..n], &mut o_re[..n], &mut o_im[..n]);
        let half = T::from_f64(0.5).unwrap_or_else(T::zero);
        for j in 0..n {
            // X[k] = E[k] + W^k O[k], the spectra E of the even and O of the
            // odd samples from a = Z[k] and b = conj(Z[m - k]):
            // E = (a + b) / 2, O = (a - b) / 2i (w holds the 1/2).
            let (a, b) = (a.get(j), b.get(j).conj());
            let even = (a + b) * half;
            let diff = a - b;
            let odd = Complex::new(diff.im, -diff.re);
            let x = even + Complex::new(w_re[j], w_im[j]) * odd;
            (o_re[j], o_im[j]) = (x.re, x.im);
        }
        // Bins 0 and m from Z[0] alone.
        if bins.start == 0 && len > 0 {
            (out_re[0], out_im[0]) = (z0.re + z0.im, T::zero());
        }
        if bins.end == m + 1 && bins.start <= m && len > 0 {
            (out_re[len - 1], out_im[len - 1]) = (z0.re - z0.im, T::zero());
        }
    }
}

/// The complex FFT of `n / 2` points whose input is `n` real samples taken
/// in pairs, `z[j] = x[2 j] + i x[2 j + 1]`: [`RealFft`] without its split
/// into the real signal's spectrum, for callers that fold that split into
/// their own pass over the bins.
pub struct PairedFft<T: FftFloat> {
    packed: Packed<T>,
}

impl<T: FftFloat> PairedFft<T> {
    /// A transform of `n` real samples (`n` even, at least 2; in
    /// WebAssembly `n / 2` must also be a power of two).
    pub fn new(n: usize) -> Self {
        Self {
            packed: Packed::new(n),
        }
    }

    /// Transforms the `n` samples written by `fill` (as in
    /// [`RealFft::process`]).
    #[inline(always)]
    pub fn process(&mut self, fill: impl FnOnce(&mut [T])) {
        fill(bytemuck::cast_slice_mut(self.packed.fft.input()));
        self.packed.fft.transform();
    }

    /// Bin `k` (below `n / 2`) of the last transform.
    #[inline(always)]
    pub fn at(&self, k: usize) -> Complex<T> {
        self.packed.fft.at(k)
    }

    /// Bins `forward` of the last transform, and bins `backward` in
    /// reverse order, read by index (both within `0..n / 2`; none for a
    /// range reaching past them).
    #[inline(always)]
    pub fn with_reversed(
        &mut self,
        forward: Range<usize>,
        backward: Range<usize>,
    ) -> (Parts<'_, T>, Parts<'_, T>) {
        self.packed.fft.with_reversed(forward, backward)
    }
}

/// The inverse of [`RealFft`], unnormalised like rustfft's inverse
/// transforms (a forward then an inverse transform scales by `n`): `n` real
/// samples from bins `0..=n / 2`, whose first and last imaginary parts are
/// ignored.
pub struct InverseRealFft<T: FftFloat> {
    packed: Packed<T>,
    /// Twiddles `exp(2 pi i k / n)` for `k` in `0..n / 2`.
    twiddles: Vec<Complex<T>>,
}

impl<T: FftFloat> InverseRealFft<T> {
    /// The inverse transform to `n` real samples (`n` even, at least 2; in
    /// WebAssembly `n / 2` must also be a power of two).
    pub fn new(n: usize) -> Self {
        let packed = Packed::new(n);
        let twiddles = twiddles(packed.n, 1.0, packed.n / 2, 1.0);
        Self { packed, twiddles }
    }

    /// Writes the `n` samples of the spectrum `bins` (`n / 2 + 1` values;
    /// missing ones count as zero) to `out` (`n` values).
    #[inline(always)]
    pub fn process(&mut self, bins: &[Complex<T>], out: &mut [T]) {
        let m = self.packed.n / 2;
        let zero = Complex::new(T::zero(), T::zero());
        let bin = |k: usize| bins.get(k).copied().unwrap_or(zero);
        // Z = E + i O from X[k] = E[k] + W^k O[k] and conj(X[m - k]) =
        // E[k] - W^k O[k] (both doubled); conjugated, so that the forward
        // transform below computes the inverse one.
        let z = |a: Complex<T>, b: Complex<T>, w: Complex<T>| {
            let even = a + b;
            let odd = (a - b) * w;
            (even + Complex::new(-odd.im, odd.re)).conj()
        };
        let (input, twiddles) = (self.packed.fft.input(), &self.twiddles);
        let real = |c: Complex<T>| Complex::new(c.re, T::zero());
        input[0] = z(real(bin(0)), real(bin(m)), twiddles[0]);
        let inner = bins.get(1..m).unwrap_or(&[]);
        for ((z_k, w), (&a, &b)) in input[1..]
            .iter_mut()
            .zip(&twiddles[1..])
            .zip(inner.iter().zip(inner.iter().rev()))
        {
            *z_k = z(a, b.conj(), *w);
        }
        if inner.len() + 1 < m {
            // Fewer bins than the spectrum has: the rest count as zero.
            for (k, (z_k, w)) in input.iter_mut().zip(twiddles.iter()).enumerate().skip(1) {
                *z_k = z(bin(k), bin(m - k).conj(), *w);
            }
        }
        self.packed.fft.transform();
        // x[2j] + i x[2j + 1] = conj(Z'[j]), Z' the transform.
        let z = self.packed.fft.bins(0..m);
        for (j, pair) in out.chunks_exact_mut(2).take(z.len()).enumerate() {
            let z = z.get(j);
            pair[0] = z.re;
            pair[1] = -z.im;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::copy_padded;

    /// Direct DFT of a real signal, in f64.
    fn dft(x: &[f64], k: usize) -> Complex<f64> {
        let n = x.len() as f64;
        x.iter()
            .enumerate()
            .fold(Complex::new(0.0, 0.0), |acc, (i, &v)| {
                let p = -2.0 * std::f64::consts::PI * (k * i) as f64 / n;
                acc + Complex::new(p.cos(), p.sin()) * v
            })
    }

    /// Bins `bins` of the real transform of what `fill` writes, as complex values.
    fn bins_of<T: FftFloat>(
        fft: &mut RealFft<T>,
        fill: impl FnOnce(&mut [T]),
        bins: Range<usize>,
    ) -> Vec<Complex<T>> {
        let (mut re, mut im) = (vec![T::zero(); bins.len()], vec![T::zero(); bins.len()]);
        fft.process(fill, bins, (&mut re, &mut im));
        re.into_iter()
            .zip(im)
            .map(|(r, i)| Complex::new(r, i))
            .collect()
    }

    /// A deterministic test signal of `n` samples in [-1, 1].
    fn signal(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| ((i * 7919) % 113) as f64 / 56.0 - 1.0)
            .collect()
    }

    #[test]
    fn bins_match_a_direct_dft() {
        for n in [2usize, 8, 64, 1024] {
            let x = signal(n);
            let mut fft = RealFft::<f64>::new(n);
            assert_eq!(fft.len(), n);
            for bins in [0..n / 2 + 1, 1..n / 2, n / 4..n / 2 + 1, 0..1, 3..3] {
                let bins = bins.start.min(n / 2 + 1)
                    ..bins.end.min(n / 2 + 1).max(bins.start.min(n / 2 + 1));
                let out = bins_of(&mut fft, |buf| buf.copy_from_slice(&x), bins.clone());
                for (o, k) in out.iter().zip(bins) {
                    let want = dft(&x, k);
                    assert!(
                        (o - want).norm() < 1e-9 * n as f64,
                        "n {n} bin {k}: {o} vs {want}"
                    );
                }
            }
        }
        // f32 and a partial fill: the rest of the frame is zero.
        let mut fft = RealFft::<f32>::new(16);
        let out = bins_of(
            &mut fft,
            |buf| {
                buf.fill(0.0);
                buf[..3].fill(1.0)
            },
            0..9,
        );
        let x: Vec<f64> = (0..16).map(|i| if i < 3 { 1.0 } else { 0.0 }).collect();
        for (k, o) in out.iter().enumerate() {
            let want = dft(&x, k);
            assert!((o.re as f64 - want.re).abs() < 1e-5 && (o.im as f64 - want.im).abs() < 1e-5);
        }
    }

    #[test]
    fn frames_in_memory_transform_like_filled_ones() {
        let x: Vec<f32> = signal(70).iter().map(|&v| v as f32).collect();
        let mut fft = RealFft::<f32>::new(32);
        let bins = 3..17;
        // At even and odd offsets, and a short frame (zero-padded).
        for (start, len) in [(0, 32), (7, 32), (38, 32), (50, 20)] {
            let frame = &x[start..start + len];
            let want = bins_of(&mut fft, |buf| copy_padded(frame, 0, buf), bins.clone());
            let (mut re, mut im) = (vec![0.0; bins.len()], vec![0.0; bins.len()]);
            fft.process_frame(frame, bins.clone(), (&mut re, &mut im));
            let got: Vec<Complex<f32>> = re
                .into_iter()
                .zip(im)
                .map(|(r, i)| Complex::new(r, i))
                .collect();
            assert_eq!(got, want, "start {start}, length {len}");
        }
    }

    #[test]
    fn inverse_undoes_the_forward_transform_scaled_by_n() {
        for n in [2usize, 8, 64, 4096] {
            let x = signal(n);
            let spectrum = bins_of(
                &mut RealFft::<f64>::new(n),
                |b| b.copy_from_slice(&x),
                0..n / 2 + 1,
            );
            let mut back = vec![0.0; n];
            InverseRealFft::<f64>::new(n).process(&spectrum, &mut back);
            for (i, (&b, &v)) in back.iter().zip(&x).enumerate() {
                assert!(
                    (b / n as f64 - v).abs() < 1e-12,
                    "n {n} sample {i}: {b} vs {v}"
                );
            }
            // Missing bins count as zero.
            let short = &spectrum[..n / 4 + 1];
            let mut padded = short.to_vec();
            padded.resize(n / 2 + 1, Complex::new(0.0, 0.0));
            let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
            InverseRealFft::<f64>::new(n).process(short, &mut a);
            InverseRealFft::<f64>::new(n).process(&padded, &mut b);
            assert!(
                a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-12),
                "n {n}"
            );
        }
    }
}
