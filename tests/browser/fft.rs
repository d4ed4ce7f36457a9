//! The module's own FFT, with its SIMD code paths, against a direct DFT.

use wasm_bindgen_test::wasm_bindgen_test;

use crate::split_fft;

#[wasm_bindgen_test]
async fn split_fft_matches_a_direct_dft_at_every_size() {
    crate::yield_to_browser().await;
    split_fft::matches_a_direct_dft_at_every_size();
}

#[wasm_bindgen_test]
async fn rustfft_trait_transforms_in_and_out_of_place() {
    crate::yield_to_browser().await;
    split_fft::rustfft_trait_transforms_in_and_out_of_place();
}
