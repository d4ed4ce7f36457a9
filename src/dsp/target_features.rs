//! Run-time dispatch on the processor's optional instruction sets:
//! [`with_avx2`] runs a stage's loops compiled for AVX2 on x86-64
//! processors that have it, and as compiled everywhere else.

/// Runs `f` compiled for AVX2 where the processor has it, else as is. The
/// arithmetic is the same in wider vectors (Rust never fuses multiply-adds),
/// so results are identical either way; the loops `f` calls must be
/// `#[inline(always)]` to benefit.
#[inline(always)]
pub fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { avx2(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}
