//! Resampling of any supported input rate to the analysis rate, close to
//! `librosa.load(path, sr=22050)` (librosa.resample with res_type
//! 'soxr_hq'): same output length `ceil(n * 22050 / sr)` (soxr's
//! `round(n * 22050 / sr)` samples, then zeros as librosa pads them), zero
//! delay, zero-extended edges.
//!
//! 44100 Hz goes through soxr's own measured 2:1 filter
//! ([`super::decimate::halve`]). Other rates use a Kaiser-windowed sinc
//! whose response follows soxr_hq's: flat to 0.91 of the lower Nyquist
//! frequency, -6 dB at 0.958, at least 120 dB down from 1.0.

use std::borrow::Cow;
use std::f64::consts::PI;

use super::decimate::halve;
use super::SAMPLE_RATE;

/// Half-amplitude point of the lowpass, as a fraction of the lower Nyquist.
const CUTOFF: f64 = 0.958;
/// Width of the transition band, as a fraction of the lower Nyquist.
const TRANSITION: f64 = 0.084;
/// Stopband attenuation of the Kaiser design, in dB.
const ATTENUATION: f64 = 125.0;
/// Table entries per input sample of the interpolated kernel.
const TABLE_STEPS: usize = 512;
/// Largest polyphase bank (phases x taps) built for a rate; rates whose
/// bank would be larger interpolate the kernel table for each output.
const MAX_BANK: usize = 1 << 21;

/// `samples` at `sample_rate` Hz, resampled to [`SAMPLE_RATE`].
pub fn to_analysis_rate(samples: &[f32], sample_rate: u32) -> Cow<'_, [f32]> {
    if sample_rate == SAMPLE_RATE || sample_rate == 0 || samples.is_empty() {
        return Cow::Borrowed(samples);
    }
    if sample_rate == 2 * SAMPLE_RATE {
        let s = std::f32::consts::FRAC_1_SQRT_2;
        return Cow::Owned(halve(samples).into_iter().map(|v| v * s).collect());
    }
    let kernel = Kernel::new(sample_rate);
    Cow::Owned(match Bank::new(&kernel) {
        Some(bank) => super::target_features::with_avx2(
            #[inline(always)]
            || bank.apply(&kernel, samples),
        ),
        None => kernel.apply(samples),
    })
}

/// Windowed-sinc lowpass sampled on a fine grid of input-sample offsets.
pub(super) struct Kernel {
    sample_rate: u64,
    /// Half-width in input samples.
    half: f64,
    /// g(u) for u = i / TABLE_STEPS, i = 0 ..= half * TABLE_STEPS + 1.
    table: Vec<f64>,
}

/// Zeroth-order modified Bessel function of the first kind.
fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term, q) = (1.0, 1.0, x * x / 4.0);
    for k in 1..200 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

impl Kernel {
    pub(super) fn new(sample_rate: u32) -> Self {
        let sr = sample_rate as f64;
        let nyquist = sr.min(SAMPLE_RATE as f64) / 2.0;
        // Cutoff and transition in cycles per input sample.
        let fc = CUTOFF * nyquist / sr;
        let width = TRANSITION * nyquist / sr;
        let beta = 0.1102 * (ATTENUATION - 8.7);
        let half = ((ATTENUATION - 7.95) / (2.285 * 2.0 * PI * width) / 2.0).ceil();
        let steps = (half as usize) * TABLE_STEPS + 2;
        let norm = bessel_i0(beta);
        let table = (0..steps)
            .map(|i| {
                let u = i as f64 / TABLE_STEPS as f64;
                let r = u / half;
                if r >= 1.0 {
                    return 0.0;
                }
                let x = 2.0 * fc * u;
                let sinc = if x == 0.0 {
                    1.0
                } else {
                    (PI * x).sin() / (PI * x)
                };
                2.0 * fc * sinc * bessel_i0(beta * (1.0 - r * r).sqrt()) / norm
            })
            .collect();
        Self {
            sample_rate: sample_rate as u64,
            half,
            table,
        }
    }

    fn weight(&self, u: f64) -> f64 {
        let p = u.abs() * TABLE_STEPS as f64;
        let i = p as usize;
        if i + 1 >= self.table.len() {
            return 0.0;
        }
        let f = p - i as f64;
        self.table[i] * (1.0 - f) + self.table[i + 1] * f
    }

    /// The resampled signal of `n` input samples: output `m` is
    /// `f(k0, rem)`, where `k0 + rem / 22050` is its input position, for
    /// the outputs soxr produces; librosa pads the rest with zeros.
    #[inline(always)]
    fn for_each_output(&self, n: usize, mut f: impl FnMut(i64, u64) -> f32) -> Vec<f32> {
        let (n_out, n_soxr) = self.output_counts(n as u64);
        (0..n_out)
            .map(|m| {
                if m >= n_soxr {
                    return 0.0;
                }
                // Input position of output m: m * sr / 22050, exactly split.
                let (k0, rem) = self.position(m);
                f(k0, rem)
            })
            .collect()
    }

    fn apply(&self, x: &[f32]) -> Vec<f32> {
        self.for_each_output(x.len(), |k0, rem| self.output(x, 0, k0, rem))
    }

    /// Inputs on either side of an output's position that it depends on
    /// (one more on the right): an output at `k0 + rem / 22050` reads input
    /// samples `k0 - reach() ..= k0 + reach() + 1`.
    pub(super) fn reach(&self) -> i64 {
        self.half as i64
    }

    /// Number of inputs `n`: the outputs librosa returns and the first
    /// `n_soxr` of them that soxr computes (the rest are zeros).
    pub(super) fn output_counts(&self, n: u64) -> (u64, u64) {
        let out_rate = SAMPLE_RATE as u64;
        let n_out = (n * out_rate).div_ceil(self.sample_rate);
        // soxr returns round(n * ratio) samples (halves up).
        let n_soxr = (2 * n * out_rate + self.sample_rate) / (2 * self.sample_rate);
        (n_out, n_soxr)
    }

    /// Input position `(k0, rem)` of output `m`: `k0 + rem / 22050`.
    pub(super) fn position(&self, m: u64) -> (i64, u64) {
        let num = m * self.sample_rate;
        let out_rate = SAMPLE_RATE as u64;
        ((num / out_rate) as i64, num % out_rate)
    }

    /// The output at input position `(k0, rem)`, where `x[i]` is input
    /// sample `offset + i` and `x` ends where the input ends or beyond
    /// what the output reads.
    pub(super) fn output(&self, x: &[f32], offset: i64, k0: i64, rem: u64) -> f32 {
        let reach = self.reach();
        let frac = rem as f64 / SAMPLE_RATE as f64;
        let lo = (k0 - reach).max(0);
        let hi = (k0 + reach + 1).min(offset + x.len() as i64 - 1);
        let mut acc = 0.0f64;
        for k in lo..=hi {
            let v = x.get((k - offset) as usize).copied().unwrap_or(0.0);
            acc += v as f64 * self.weight((k - k0) as f64 - frac);
        }
        acc as f32
    }
}

/// The kernel sampled once per output phase (polyphase filter bank): for
/// rates whose ratio to 22050 has a small denominator (all common rates),
/// each output is then one dot product.
pub(super) struct Bank {
    /// Output phases: 22050 / gcd(rate, 22050).
    phases: u64,
    /// Taps per phase, for input samples `k0 - reach ..= k0 + reach + 1`.
    taps: usize,
    weights: Vec<f32>,
}

impl Bank {
    pub(super) fn new(kernel: &Kernel) -> Option<Self> {
        let (mut a, mut b) = (kernel.sample_rate, SAMPLE_RATE as u64);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let phases = SAMPLE_RATE as u64 / a.max(1);
        let reach = kernel.half as i64;
        let taps = 2 * reach as usize + 2;
        if phases as usize * taps > MAX_BANK {
            return None;
        }
        let step = a.max(1);
        let mut weights = Vec::with_capacity(phases as usize * taps);
        for p in 0..phases {
            let frac = (p * step) as f64 / SAMPLE_RATE as f64;
            weights.extend((-reach..=reach + 1).map(|d| kernel.weight(d as f64 - frac) as f32));
        }
        Some(Self {
            phases,
            taps,
            weights,
        })
    }

    #[inline(always)]
    fn apply(&self, kernel: &Kernel, x: &[f32]) -> Vec<f32> {
        kernel.for_each_output(x.len(), |k0, rem| self.output(kernel, x, 0, k0, rem))
    }

    /// [`Kernel::output`] as one dot product with the phase's taps.
    #[inline(always)]
    pub(super) fn output(&self, kernel: &Kernel, x: &[f32], offset: i64, k0: i64, rem: u64) -> f32 {
        let reach = kernel.reach();
        let step = SAMPLE_RATE as u64 / self.phases;
        let p = (rem / step) as usize;
        let w = &self.weights[p * self.taps..(p + 1) * self.taps];
        // Taps cover x[k0 - reach ..= k0 + reach + 1], clipped to the input.
        let lo = (k0 - reach).max(0);
        let hi = (k0 + reach + 2).min(offset + x.len() as i64).max(lo);
        let skip = (lo - (k0 - reach)) as usize;
        let xs = usize::try_from(lo - offset)
            .ok()
            .zip(usize::try_from(hi - offset).ok())
            .and_then(|(a, b)| x.get(a..b))
            .unwrap_or(&[]);
        let ws = w.get(skip..).unwrap_or(&[]);
        super::reduce::dot_f32(ws, xs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_length_matches_librosa_and_tiny_inputs_work() {
        for sr in [8000u32, 11025, 16000, 44100, 48000, 96000, 192000] {
            for n in [1usize, 2, 3, 1000] {
                let x = vec![0.25f32; n];
                let y = to_analysis_rate(&x, sr);
                let want = (n as u64 * 22050).div_ceil(sr as u64) as usize;
                assert_eq!(y.len(), want, "sr {sr}, n {n}");
                assert!(y.iter().all(|v| v.is_finite()));
            }
        }
        assert!(matches!(to_analysis_rate(&[1.0], 22050), Cow::Borrowed(_)));
    }

    #[test]
    fn polyphase_bank_matches_the_interpolated_kernel() {
        let x: Vec<f32> = (0..20000)
            .map(|i| ((i * 7919) % 211) as f32 / 105.0 - 1.0)
            .collect();
        for sr in [8000u32, 16000, 48000, 96000, 192000] {
            let kernel = Kernel::new(sr);
            let bank = Bank::new(&kernel).expect("common rates get a bank");
            let (a, b) = (bank.apply(&kernel, &x), kernel.apply(&x));
            assert_eq!(a.len(), b.len());
            let err = a
                .iter()
                .zip(&b)
                .map(|(p, q)| (p - q).abs())
                .fold(0.0, f32::max);
            assert!(err < 1e-5, "{sr} Hz: {err}");
        }
        // A rate with a large denominator interpolates instead.
        assert!(Bank::new(&Kernel::new(44_101)).is_none());
    }

    #[test]
    fn passes_a_tone_and_keeps_dc() {
        let sr = 48000u32;
        let x: Vec<f32> = (0..24000)
            .map(|i| (2.0 * PI * 1000.0 * i as f64 / sr as f64).sin() as f32 * 0.5 + 0.25)
            .collect();
        let y = to_analysis_rate(&x, sr);
        for (m, &v) in y.iter().enumerate().skip(2000).take(5000) {
            let t = m as f64 / 22050.0;
            let want = (2.0 * PI * 1000.0 * t).sin() * 0.5 + 0.25;
            assert!((v as f64 - want).abs() < 1e-4, "sample {m}: {v} vs {want}");
        }
    }
}
