//! The WebAssembly build's FFT, natively (its scalar code paths); the
//! browser suite runs the same checks on its SIMD ones.

use crate::common::split_fft;

#[test]
fn matches_a_direct_dft_at_every_size() {
    split_fft::matches_a_direct_dft_at_every_size();
}

#[test]
fn rustfft_trait_transforms_in_and_out_of_place() {
    split_fft::rustfft_trait_transforms_in_and_out_of_place();
}
