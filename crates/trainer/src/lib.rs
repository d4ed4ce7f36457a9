//! The one training core of the genre classifier, native and WebAssembly.
//!
//! - [`net`]: the dense network in candle (seeded initialisation, weighted
//!   cross-entropy, dropout, AdamW, export to the model file), used by
//!   `genre-train` for the shipped model;
//! - [`standardise`]: the input transform over rows, the standardiser and
//!   class weights;
//! - personal models over a trained (the shipped) model: [`songs`] (the
//!   user's labelled songs, checked), [`transfer`] (a new output layer,
//!   frozen or fine-tuned hidden layers), [`estimate`] (cross-validation
//!   grouped by song) and [`teach`] (both in one call), used by the
//!   `genre-teach` WebAssembly module.
//!
//! Everything is seeded ([`rng`]): the same inputs and seed give the same
//! model.

pub mod estimate;
pub mod net;
pub mod rng;
pub mod songs;
pub mod standardise;
pub mod teach;
pub mod transfer;

pub use estimate::{Estimate, Outcome};
pub use net::{Hyper, Mlp};
pub use songs::SongSet;
pub use teach::{teach, Progress, Stage, Taught};
pub use transfer::{Mode, Personal, Settings, DEFAULT_MODE};
