//! Fuzz target: the model loader (see `checks::model_check`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::model_check(data));
