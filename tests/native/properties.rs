//! Property tests of the feature vector: gain, time shift, determinism, and
//! no panic on any finite input.

use genre_classifier::dsp::chroma_stft::ChromaStft;
use genre_classifier::dsp::mel::MelFilterBank;
use genre_classifier::dsp::stft::{n_frames, Stft};
use genre_classifier::dsp::{HOP, N_BINS};
use genre_classifier::features::{self, features, spectral, Groups};
use genre_classifier::layout::{CHROMA, MEL, MFCC, N_CHROMA, N_FEATURES, N_MELS, TONNETZ};
use genre_classifier::{Error, SAMPLE_RATE};
use proptest::prelude::*;

use crate::common::rng::Rng;

/// A few partials over noise: never silent, so no threshold of the
/// analysis (dB floor, normalisation of quiet frames) is reached.
#[derive(Debug, Clone)]
struct Signal {
    partials: Vec<(f32, f32)>,
    noise: f32,
    seed: u32,
    len: usize,
}

impl Signal {
    fn samples(&self) -> Vec<f32> {
        let sr = SAMPLE_RATE as f32;
        let mut rng = Rng::new(self.seed.into());
        let noise = self.noise as f64;
        (0..self.len)
            .map(|i| {
                let noise = rng.uniform_in(-noise, noise) as f32;
                let t = i as f32 / sr;
                self.partials
                    .iter()
                    .map(|&(f, a)| a * (2.0 * std::f32::consts::PI * f * t).sin())
                    .sum::<f32>()
                    + noise
            })
            .collect()
    }
}

fn signals() -> impl Strategy<Value = Signal> {
    (
        prop::collection::vec((60.0f32..5000.0, 0.05f32..0.3), 1..4),
        0.01f32..0.1,
        any::<u32>(),
        4096usize..40_000,
    )
        .prop_map(|(partials, noise, seed, len)| Signal {
            partials,
            noise,
            seed,
            len,
        })
}

fn scaled(y: &[f32], g: f32) -> Vec<f32> {
    y.iter().map(|x| x * g).collect()
}

fn close(a: f32, b: f32, rel: f32, abs: f32) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// Root of the number of mel bands: the orthonormal DCT's weight of a
/// constant offset in c0.
fn c0_gain() -> f32 {
    (N_MELS as f32).sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Gain g: chroma and tonnetz unchanged, mel times g^2, MFCC c0 shifted
    /// by sqrt(n_mels) * 20 log10(g) dB, the other coefficients unchanged.
    #[test]
    fn gain_scales_mel_and_leaves_chroma(s in signals(), g in 0.05f32..20.0) {
        let y = s.samples();
        let a = features(&y, SAMPLE_RATE).unwrap();
        let b = features(&scaled(&y, g), SAMPLE_RATE).unwrap();
        for i in CHROMA.all().chain(TONNETZ.all()) {
            prop_assert!(close(a[i], b[i], 0.0, 2e-3), "feature {i}: {} vs {}", a[i], b[i]);
        }
        for i in MEL.all() {
            prop_assert!(close(a[i] * g * g, b[i], 1e-3, 0.0), "mel {i}: {} * g^2 vs {}", a[i], b[i]);
        }
        let shift = c0_gain() * 20.0 * g.log10();
        let mfcc = MFCC.all();
        for (k, i) in mfcc.clone().enumerate() {
            // Rows: 20 coefficients, for the mean, then min, then max.
            let want = if k % 20 == 0 { a[i] + shift } else { a[i] };
            prop_assert!(close(want, b[i], 1e-4, 2e-2), "mfcc {k}: {want} vs {}", b[i]);
        }
    }

    /// A power-of-two gain is exact in floating point: mel scales exactly,
    /// chroma (and the tuning estimate) do not move at all.
    #[test]
    fn power_of_two_gain_is_exact(s in signals(), k in -6i32..7) {
        let g = 2f32.powi(k);
        let y = s.samples();
        let a = spectral(&y, Groups::ALL).unwrap();
        let b = spectral(&scaled(&y, g), Groups::ALL).unwrap();
        prop_assert_eq!(a.tuning_chroma, b.tuning_chroma);
        prop_assert_eq!(a.tuning_cqt, b.tuning_cqt);
        let (mut fa, mut fb) = ([0.0f32; N_FEATURES], [0.0f32; N_FEATURES]);
        a.chroma.write_to(&mut fa[CHROMA.all()]);
        b.chroma.write_to(&mut fb[CHROMA.all()]);
        a.mel.write_to(&mut fa[MEL.all()]);
        b.mel.write_to(&mut fb[MEL.all()]);
        prop_assert_eq!(&fa[CHROMA.all()], &fb[CHROMA.all()]);
        for i in MEL.all() {
            prop_assert!(close(fa[i] * g * g, fb[i], 1e-6, 0.0), "mel {i}: {} vs {}", fa[i], fb[i]);
        }
    }

    /// Shifting the signal by whole hops shifts its frames: with k * HOP
    /// zeros in front, frame t + k is frame t of the original, bit for bit,
    /// and only the first k frames are new. Dropping k hops from the start
    /// leaves every frame away from the start edge unchanged.
    #[test]
    fn whole_hop_shift_moves_frames(s in signals(), k in 1usize..6) {
        let y = s.samples();
        let mut delayed = vec![0.0f32; k * HOP];
        delayed.extend_from_slice(&y);
        let bank = MelFilterBank::new(SAMPLE_RATE as f64, N_MELS);
        let chroma = ChromaStft::new(SAMPLE_RATE as f64, N_CHROMA, 0.0);
        let frames = |x: &[f32]| -> Vec<(Vec<f32>, Vec<f32>)> {
            let mut stft = Stft::new();
            let mut power = vec![0.0f32; N_BINS];
            (0..n_frames(x.len()))
                .map(|t| {
                    stft.compute(x, t);
                    stft.power(&mut power);
                    let mut mel = vec![0.0f32; N_MELS];
                    let mut c = vec![0.0f32; N_CHROMA];
                    bank.apply(&power, &mut mel);
                    chroma.apply(&power, &mut c);
                    (mel, c)
                })
                .collect()
        };
        let fy = frames(&y);
        let fd = frames(&delayed);
        prop_assert_eq!(fd.len(), fy.len() + k);
        // Frame t of the delayed signal reads y from t*HOP - 1024 - k*HOP:
        // from its frame k on, padding and prepended zeros read alike.
        prop_assert!(fd[k..] == fy[..], "frames after the edge differ");

        let cut = &y[k * HOP..];
        let fc = frames(cut);
        prop_assert_eq!(fc.len(), fy.len() - k);
        // Frames whose window lies inside the cut signal (t * HOP >= 1024).
        let inner = 1024usize.div_ceil(HOP);
        prop_assert!(fc[inner..] == fy[inner + k..], "inner frames differ");
    }

    /// Any finite input of any length at any sample rate: 498 finite values
    /// or a typed error naming what is wrong with the input, never a panic.
    #[test]
    fn any_finite_input_is_features_or_typed_error(
        len in 0usize..60_000,
        rate in prop_oneof![Just(22_050u32), 7_000u32..200_000, any::<u32>()],
        kind in 0u8..4,
        seed in any::<u32>(),
    ) {
        let mut rng = Rng::new(seed.into());
        let y: Vec<f32> = (0..len)
            .map(|_| {
                match kind {
                    0 => rng.uniform_in(-1.0, 1.0) as f32,
                    1 => 0.0,
                    // Any finite value: subnormal to f32::MAX.
                    2 => {
                        let v = f32::from_bits(rng.next_u32());
                        if v.is_finite() { v } else { 0.0 }
                    }
                    _ => ((rng.next_u32() >> 20) as f32 - 2048.0) * 1e-3,
                }
            })
            .collect();
        match features(&y, rate) {
            Ok(v) => prop_assert!(v.iter().all(|x| x.is_finite())),
            Err(e) => prop_assert!(
                matches!(
                    e,
                    Error::Empty
                        | Error::TooShort { .. }
                        | Error::TooLoud { .. }
                        | Error::UnsupportedSampleRate { .. }
                ),
                "{e:?}"
            ),
        }
    }
}

/// Repeated runs and concurrent runs give bit-identical vectors.
#[test]
fn identical_across_runs_and_threads() {
    let s = Signal {
        partials: vec![(196.0, 0.2), (440.0, 0.1), (1234.5, 0.05)],
        noise: 0.03,
        seed: 99,
        len: 3 * SAMPLE_RATE as usize,
    };
    let y = s.samples();
    let first = features(&y, SAMPLE_RATE).unwrap();
    assert_eq!(features(&y, SAMPLE_RATE).unwrap(), first);
    let at_44k: Vec<f32> = y.iter().flat_map(|&x| [x, x]).collect();
    let first_44k = features::features(&at_44k, 44_100).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (y, at_44k) = (&y, &at_44k);
                scope.spawn(move || {
                    if i % 2 == 0 {
                        (i, features(y, SAMPLE_RATE).unwrap())
                    } else {
                        (i, features(at_44k, 44_100).unwrap())
                    }
                })
            })
            .collect();
        for h in handles {
            let (i, v) = h.join().unwrap();
            let want = if i % 2 == 0 { &first } else { &first_44k };
            assert!(v == *want, "thread {i} differs");
        }
    });
}
