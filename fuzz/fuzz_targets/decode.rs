//! Fuzz target: the decode path of the CLI (see `checks::decode_check`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::decode_check(data));
