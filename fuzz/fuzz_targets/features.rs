//! Fuzz target: the feature extractor (see `checks::features_check`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::features_check(data));
