//! The one seeded random number generator of the tests: SplitMix64
//! (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", 2014; the constants of Vigna's `splitmix64.c`).
//!
//! Every test that needs random numbers draws them from an [`Rng`] with a
//! fixed seed, so that each run sees the same values. It is shared by the
//! native test crate (`tests/native/`), the browser suite
//! (`tests/browser/`) and the library's unit tests (`src/lib.rs`, under
//! `cfg(test)`).
//!
//! It is also the generator `tests/parity/make_golden.py` writes its noise
//! with: `Rng::new(seed)` yields outputs 1, 2, ... of that script's
//! `splitmix64(seed, n)`, and [`Rng::uniform_in`]`(-1.0, 1.0)` its
//! `uniform`, bit for bit (see `signals.rs`). Changing this generator
//! changes the golden signals: regenerate them with the script.
//!
//! Not for cryptography; statistically fine for test signals and fuzzing.

#![allow(dead_code)]

/// SplitMix64: a 64-bit counter advanced by the golden ratio, hashed by a
/// bijective mixer. Any seed (0 included) starts a full-period stream.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator started at `seed`.
    pub const fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next 32 random bits (the high half of [`Rng::next_u64`]).
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in [0, 1), from the top 53 bits: every value is a multiple
    /// of 2^-53, exact in `f64`.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [`lo`, `hi`).
    pub fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform in [0, `n`) (`n` > 0; the modulo bias is below 2^-40 for
    /// any `n` a test uses).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "Rng::below(0)");
        (self.next_u64() % n as u64) as usize
    }

    /// Standard normal (mean 0, variance 1), by the Box-Muller transform.
    pub fn gauss(&mut self) -> f64 {
        // 1 - uniform() lies in (0, 1]: its logarithm is finite.
        let r = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
        r * (2.0 * std::f64::consts::PI * self.uniform()).cos()
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() >> 56) as u8).collect()
    }
}
