//! A one-hour input: the features return, and the memory the analysis
//! allocates beyond the input stays bounded (measured with a
//! counting global allocator; this binary holds only this test so that no
//! other test's allocations are counted).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use genre_classifier::{features, SAMPLE_RATE};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(live, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes allocated at the peak of `f`, beyond what was live when it started.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst) - base)
}

/// An hour of a slowly changing chord with noise (cheap to generate).
fn one_hour(sr: u32) -> Vec<f32> {
    let n = 3600 * sr as usize;
    let mut state = 0x9E37_79B9u32;
    let step = |f: f32| 2.0 * std::f32::consts::PI * f / sr as f32;
    let (w1, w2) = (step(220.0), step(331.0));
    (0..n)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state as f32 / u32::MAX as f32 - 0.5) * 0.05;
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
