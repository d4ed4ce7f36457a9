//! Music genre classification from raw audio, in Rust and WebAssembly.
//!
//! The pipeline mirrors librosa 0.11 with default parameters: audio is
//! resampled to [`SAMPLE_RATE`], turned into the 498-float feature vector
//! described in [`layout`], and classified by an embedded dense network.

pub mod classify;
#[cfg(not(target_arch = "wasm32"))]
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
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use classify::{classify, classify_with_progress, Classification, GenreProbability, Window};
pub use dsp::SAMPLE_RATE;
pub use error::Error;
pub use features::{extract, features};
pub use input::Signal;
pub use layout::N_FEATURES;
pub use mel_image::{mel_image, mel_image_of, MelImage};
pub use model::Model;
