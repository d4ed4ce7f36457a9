//! A one-hour input: the features return, and the memory the analysis
//! allocates beyond the input stays bounded (measured with a counting
//! global allocator).
//!
//! The allocator counts only the allocations of the thread that is being
//! measured: the other tests of this binary run on other threads at the
//! same time, and their allocations must not be counted. `features` runs on
//! the calling thread only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use genre_classifier::{features, SAMPLE_RATE};

use crate::common::rng::Rng;

/// The system allocator, counting the live bytes of the measured thread
/// (relative to the start of the measurement) and their high-water mark.
struct Counting;

thread_local! {
    /// Whether this thread's allocations are being counted.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Bytes allocated minus bytes freed by this thread while counting.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// Highest value of `LIVE` while counting.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Adds `bytes` (negative: freed) to this thread's count, when counting.
fn count(bytes: isize) {
    // try_with: nothing to count once the thread's locals are gone.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let live = LIVE.get() + bytes;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes allocated by this thread at the peak of `f`, beyond what was live
/// when it started.
pub(crate) fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.set(0);
    PEAK.set(0);
    COUNTING.set(true);
    let out = f();
    COUNTING.set(false);
    (out, PEAK.get() as usize)
}

/// An hour of a slowly changing chord with noise (cheap to generate).
fn one_hour(sr: u32) -> Vec<f32> {
    let n = 3600 * sr as usize;
    let mut rng = Rng::new(0x9E37_79B9);
    let step = |f: f32| 2.0 * std::f32::consts::PI * f / sr as f32;
    let (w1, w2) = (step(220.0), step(331.0));
    (0..n)
        .map(|i| {
            let noise = rng.uniform_in(-0.025, 0.025) as f32;
            // Phases wrapped by the sample index modulo one second keep
            // single precision accurate over the hour.
            let k = (i % sr as usize) as f32;
            0.3 * (w1 * k).sin() + 0.2 * (w2 * k).sin() + noise
        })
        .collect()
}

#[test]
fn one_hour_input_returns_with_bounded_memory() {
    let y = one_hour(SAMPLE_RATE);
    let input = std::mem::size_of_val(&y[..]);

    let (v, peak) = peak_during(|| features(&y, SAMPLE_RATE));
    let v = v.unwrap();
    assert!(v.iter().all(|x| x.is_finite()));
    println!(
        "features of one hour ({} MiB of samples): peak {:.1} MiB allocated",
        input >> 20,
        peak as f64 / (1 << 20) as f64
    );
    // Generous: a copy of the input (resampling) and 64 MiB of working
    // state. Keeping a whole spectrogram (1025 x 155k frames) would not fit.
    assert!(
        peak <= input + (64 << 20),
        "peak {peak} bytes for {input} bytes of input"
    );
}
