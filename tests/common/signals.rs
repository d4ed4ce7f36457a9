//! Synthetic test signals: the one signal format of the tests.
//!
//! The golden scripts store each synthetic signal as a small JSON spec, and
//! [`Signal`] regenerates it sample for sample (built in double precision,
//! then rounded to float32, as the scripts do). Two scripts write specs,
//! with slightly different spellings of the same parts; [`Signal::from_spec`]
//! reads both:
//!
//! | | `tests/parity/make_golden.py` | `tests/parity/make_cqt_golden.py` |
//! |---|---|---|
//! | length | `seconds` at 22050 Hz | `len` samples at `sr` Hz |
//! | sine | `tone` (`hz`) | `sine` (`freq`) |
//! | linear chirp | `chirp` (`f0`, `f1`) | `chirp` (`f0`, `f1`) |
//! | unit impulses | `impulses` (`every`, `offset`) | `clicks` (`period`, `offset`) |
//! | decaying sine bursts | `clicks` (`every`, `offset`, `length`, `hz`, `decay`) | |
//! | white noise | `white` (`seed`): [`Rng`] | `noise` (`seed`): [`lcg_noise`] |
//! | pink noise | `pink` (`seed`): [`Rng`], Voss, 8 rows | |
//!
//! Every part has an amplitude `amp`; the parts are summed in order.

use serde_json::Value;
use std::f64::consts::PI;

use super::rng::Rng;

/// Sample rate of the specs that give their length in `seconds`.
const GOLDEN_SR: f64 = 22050.0;

/// One component of a [`Signal`], before its amplitude.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A sine at `hz`, starting at phase 0.
    Tone { hz: f64 },
    /// A linear chirp from `f0` to `f1` Hz over the signal.
    Chirp { f0: f64, f1: f64 },
    /// A 1 at sample `offset` and every `every` samples after it.
    Impulses { every: usize, offset: usize },
    /// Sine bursts at `hz` of `length` samples decaying as exp(-j / decay),
    /// starting at `offset` and every `every` samples after it.
    Clicks {
        every: usize,
        offset: usize,
        length: usize,
        hz: f64,
        decay: f64,
    },
    /// Uniform noise in [-1, 1) from [`Rng`] started at `seed`.
    White { seed: u64 },
    /// Voss pink noise (8 rows of held [`Part::White`] values).
    Pink { seed: u64 },
    /// Uniform noise in [-1, 1) from the 32-bit LCG of
    /// `make_cqt_golden.py` ([`lcg_noise`]).
    LcgNoise { seed: u64 },
}

/// A sum of [`Part`]s at a sample rate, `len` samples long.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub sample_rate: f64,
    pub len: usize,
    /// (amplitude, part)
    pub parts: Vec<(f64, Part)>,
}

impl Signal {
    /// The signal of a spec written by either golden script (see the table
    /// at the top of this file).
    pub fn from_spec(spec: &Value) -> Signal {
        // make_cqt_golden.py gives the length in samples, make_golden.py in
        // seconds at 22050 Hz; "clicks" mean different things in the two.
        let cqt_script = spec.get("len").is_some();
        let (sample_rate, len) = if cqt_script {
            (
                spec["sr"].as_f64().unwrap(),
                spec["len"].as_u64().unwrap() as usize,
            )
        } else {
            let seconds = spec["seconds"].as_f64().unwrap();
            (GOLDEN_SR, (seconds * GOLDEN_SR).round() as usize)
        };
        let parts = spec["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|part| {
                let f = |k: &str| part[k].as_f64().unwrap_or_else(|| panic!("{k} in {part}"));
                let u = |k: &str| part[k].as_u64().unwrap_or_else(|| panic!("{k} in {part}"));
                let kind = match part["kind"].as_str().unwrap() {
                    "tone" => Part::Tone { hz: f("hz") },
                    "sine" => Part::Tone { hz: f("freq") },
                    "chirp" => Part::Chirp {
                        f0: f("f0"),
                        f1: f("f1"),
                    },
                    "impulses" => Part::Impulses {
                        every: u("every") as usize,
                        offset: u("offset") as usize,
                    },
                    "clicks" if cqt_script => Part::Impulses {
                        every: u("period") as usize,
                        offset: u("offset") as usize,
                    },
                    "clicks" => Part::Clicks {
                        every: u("every") as usize,
                        offset: u("offset") as usize,
                        length: u("length") as usize,
                        hz: f("hz"),
                        decay: f("decay"),
                    },
                    "white" => Part::White { seed: u("seed") },
                    "pink" => Part::Pink { seed: u("seed") },
                    "noise" => Part::LcgNoise { seed: u("seed") },
                    other => panic!("unknown signal part {other}"),
                };
                (f("amp"), kind)
            })
            .collect();
        Signal {
            sample_rate,
            len,
            parts,
        }
    }

    /// The float32 samples: the parts summed in double precision, in order.
    pub fn samples(&self) -> Vec<f32> {
        let (n, sr) = (self.len, self.sample_rate);
        let t = |i: usize| i as f64 / sr;
        let mut y = vec![0.0f64; n];
        for (amp, part) in &self.parts {
            let amp = *amp;
            let mut add = |i: usize, v: f64| y[i] += amp * v;
            match *part {
                Part::Tone { hz } => {
                    let w = 2.0 * PI * hz;
                    (0..n).for_each(|i| add(i, (w * t(i)).sin()));
                }
                Part::Chirp { f0, f1 } => {
                    // (f1 - f0) / (2 dur) equals the CQT script's
                    // 0.5 (f1 - f0) / dur exactly (halving is exact).
                    let c = (f1 - f0) / (2.0 * (n as f64 / sr));
                    (0..n).for_each(|i| add(i, (2.0 * PI * (f0 * t(i) + c * t(i) * t(i))).sin()));
                }
                Part::Impulses { every, offset } => {
                    (offset..n).step_by(every).for_each(|i| add(i, 1.0));
                }
                Part::Clicks {
                    every,
                    offset,
                    length,
                    hz,
                    decay,
                } => {
                    let w = 2.0 * PI * hz;
                    for i in offset..n {
                        let j = (i - offset) % every;
                        if j < length {
                            add(i, (w * (j as f64 / sr)).sin() * (-(j as f64) / decay).exp());
                        }
                    }
                }
                Part::White { seed } => {
                    let mut rng = Rng::new(seed);
                    (0..n).for_each(|i| add(i, rng.uniform_in(-1.0, 1.0)));
                }
                Part::Pink { seed } => {
                    let pink = pink(seed, n);
                    (0..n).for_each(|i| add(i, pink[i]));
                }
                Part::LcgNoise { seed } => {
                    let noise = lcg_noise(n, seed);
                    (0..n).for_each(|i| add(i, noise[i] as f64));
                }
            }
        }
        y.into_iter().map(|v| v as f32).collect()
    }
}

/// The float32 signal described by a golden fixture's `signal` spec.
pub fn generate(spec: &Value) -> Vec<f32> {
    Signal::from_spec(spec).samples()
}

/// Voss pink noise with 8 rows: row k holds a uniform value for 2^k
/// samples (row k's values from [`Rng`] started at `seed + k * 0x1000`).
fn pink(seed: u64, n: usize) -> Vec<f64> {
    let rows = 8;
    let mut acc = vec![0.0f64; n];
    for k in 0..rows {
        let mut rng = Rng::new(seed.wrapping_add(k as u64 * 0x1000));
        let held: Vec<f64> = (0..(n >> k) + 1)
            .map(|_| rng.uniform_in(-1.0, 1.0))
            .collect();
        for (i, a) in acc.iter_mut().enumerate() {
            *a += held[i >> k];
        }
    }
    acc.iter().map(|a| a / rows as f64).collect()
}

/// Uniform noise in [-1, 1) from the 32-bit LCG (Numerical Recipes'
/// constants, top 24 bits) that `tests/parity/make_cqt_golden.py` writes
/// its noise with. Kept beside [`Rng`] because the golden CQT, decimation
/// and resampling values were computed from exactly these samples; use
/// [`Rng`] for anything else.
pub fn lcg_noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed as u32;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            ((s >> 8) as f64 / 8388608.0 - 1.0) as f32
        })
        .collect()
}
