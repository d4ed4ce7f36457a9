//! Music genre classification from raw audio, in Rust and WebAssembly.
//!
//! The pipeline mirrors librosa 0.11 with default parameters: audio is
//! resampled to [`SAMPLE_RATE`], turned into the 498-float feature vector
//! described in [`layout`], and classified by an embedded dense network.

pub mod classify;
#[cfg(feature = "decode")]
pub mod decode;
pub mod dsp;
pub mod error;
pub mod features;
pub mod input;
pub mod layout;
pub mod limits;
pub mod mel_image;
pub mod model;
pub mod stats;
#[cfg(all(target_arch = "wasm32", feature = "bindings"))]
pub mod wasm;

pub use classify::{classify, classify_with_progress, Classification, GenreProbability, Window};
pub use dsp::SAMPLE_RATE;
pub use error::Error;
pub use features::{extract, features};
pub use input::Signal;
pub use layout::N_FEATURES;
pub use mel_image::{mel_image, mel_image_of, MelImage};
pub use model::Model;

// Fixtures of the unit tests, shared with the integration tests
// (tests/common/): the one seeded random number generator and the one
// builder of throwaway models. They name this library by its crate name,
// as the integration tests do.
#[cfg(test)]
extern crate self as genre_classifier;
#[cfg(test)]
#[path = "../tests/common/rng.rs"]
pub(crate) mod rng;
#[cfg(test)]
#[path = "../tests/common/test_model.rs"]
pub(crate) mod test_model;
