//! The WebAssembly build's FFT (`dsp::fft`) against a direct DFT, shared
//! by the native suite (tests/native/split_fft.rs) and the browser suite,
//! where its SIMD code paths run. Both include the fixtures' [`Rng`] as the
//! sibling module `rng`.

use std::sync::Arc;

use genre_classifier::dsp::fft::{Forward, SplitFft};
use rustfft::num_complex::Complex;
use rustfft::{Fft, Length};

use super::rng::Rng;

/// The DFT of `re + i im`, summed directly in double precision.
fn dft(re: &[f64], im: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = re.len();
    let roots: Vec<(f64, f64)> = (0..n)
        .map(|j| (-2.0 * std::f64::consts::PI * j as f64 / n as f64).sin_cos())
        .collect();
    (0..n)
        .map(|k| {
            let (mut sr, mut si) = (0.0, 0.0);
            for j in 0..n {
                let (s, c) = roots[(k * j) % n];
                sr += re[j] * c - im[j] * s;
                si += re[j] * s + im[j] * c;
            }
            (sr, si)
        })
        .unzip()
}

/// Checks [`SplitFft`] in both precisions against a direct DFT, at every
/// size from 1 to 8192 points.
pub fn matches_a_direct_dft_at_every_size() {
    let mut rng = Rng::new(7);
    let mut next = || rng.uniform_in(-1.0, 1.0);
    for k in 0..=13 {
        let n = 1usize << k;
        let re: Vec<f64> = (0..n).map(|_| next()).collect();
        let im: Vec<f64> = (0..n).map(|_| next()).collect();
        let (want_re, want_im) = dft(&re, &im);
        let fft = SplitFft::<f64>::new(n);
        let (mut or, mut oi, mut sr, mut si) =
            (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let input: Vec<f64> = re.iter().zip(&im).flat_map(|(&r, &i)| [r, i]).collect();
        fft.process(&input, (&mut or, &mut oi), (&mut sr, &mut si));
        let err = (0..n)
            .map(|i| (or[i] - want_re[i]).abs().max((oi[i] - want_im[i]).abs()))
            .fold(0.0, f64::max);
        assert!(err < 1e-12 * n as f64, "n {n}: f64 error {err}");
        // Single precision, against the same reference.
        let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        let fft = SplitFft::<f32>::new(n);
        let (mut or, mut oi, mut sr, mut si) =
            (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        fft.process(&f(&input), (&mut or, &mut oi), (&mut sr, &mut si));
        let err = (0..n)
            .map(|i| {
                (or[i] as f64 - want_re[i])
                    .abs()
                    .max((oi[i] as f64 - want_im[i]).abs())
            })
            .fold(0.0, f64::max);
        assert!(
            err < 1e-5 * (n as f64).sqrt().max(1.0),
            "n {n}: f32 error {err}"
        );
    }
}

/// Checks [`Forward`], in place and out of place, against a direct DFT.
pub fn rustfft_trait_transforms_in_and_out_of_place() {
    let n = 64;
    let input: Vec<Complex<f64>> = (0..n)
        .map(|i| Complex::new((i as f64 * 0.37).sin(), (i as f64 * 0.11).cos()))
        .collect();
    let (re, im): (Vec<f64>, Vec<f64>) = input.iter().map(|c| (c.re, c.im)).unzip();
    let (want_re, want_im) = dft(&re, &im);
    let fft = Forward::new(Arc::new(SplitFft::<f64>::new(n)));
    assert_eq!(fft.len(), n);
    let mut in_place = input.clone();
    fft.process(&mut in_place);
    let mut out = vec![Complex::new(0.0, 0.0); n];
    let mut scratch = vec![Complex::new(0.0, 0.0); fft.get_outofplace_scratch_len()];
    fft.process_outofplace_with_scratch(&mut input.clone(), &mut out, &mut scratch);
    for k in 0..n {
        for got in [in_place[k], out[k]] {
            assert!((got.re - want_re[k]).abs() < 1e-12 && (got.im - want_im[k]).abs() < 1e-12);
        }
    }
}
