//! The native test suite: every integration test of the library and the
//! `genre` command line, as modules of one test binary
//! (`cargo test --test native`; one module with
//! `cargo test --test native cli::`). The browser suite is the separate
//! wasm32 target `tests/browser`.
//!
//! The fixtures (one FLAC reader, one signal format, one seeded random
//! number generator, one throwaway-model builder) are in `tests/common/`.
//! The binary has a counting global allocator (see `long_input`), which
//! counts only on the thread that asks it to.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../common/mod.rs"]
mod common;

mod bad_input;
mod browser_fixtures;
mod classify;
mod cli;
mod decode;
mod fuzz_regressions;
mod long_input;
mod model_probabilities;
mod parity;
mod properties;
mod robustness;
mod split_fft;
mod stream;
