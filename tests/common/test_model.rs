//! The one builder of throwaway models: small valid model files with
//! pseudo-random weights from [`Rng`](super::rng::Rng).
//!
//! Shared by the native test crate (`common::test_model`) and the library's
//! unit tests (`src/lib.rs` includes this file under `cfg(test)`, where
//! `crate::model::test_model` wraps it), so it names the library as
//! `genre_classifier` (inside the library, `extern crate self as
//! genre_classifier` makes that path work) and the generator as
//! `super::rng`.

use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use genre_classifier::model::{
    DenseLayer, Header, InputTransform, ModelFile, Weights, FORMAT_VERSION, GENRES, MAGIC,
};

use super::rng::Rng;

/// A model file for the ten genres with one hidden layer of `hidden` units,
/// weights uniform in [-0.1, 0.1) and biases in [-0.05, 0.05) from
/// [`Rng`](super::rng::Rng) started at `seed`, identity standardisation,
/// temperature 1 and confidence threshold 0.5.
pub fn model_file(seed: u64, hidden: usize, window_s: f32, hop_s: f32) -> ModelFile {
    let mut rng = Rng::new(seed);
    let genres: Vec<String> = GENRES.iter().map(|g| g.to_string()).collect();
    let mut layer = |inputs: usize, outputs: usize| DenseLayer {
        inputs: inputs as u32,
        outputs: outputs as u32,
        weights: Weights::F32(
            (0..inputs * outputs)
                .map(|_| rng.uniform_in(-0.1, 0.1) as f32)
                .collect(),
        ),
        bias: (0..outputs)
            .map(|_| rng.uniform_in(-0.05, 0.05) as f32)
            .collect(),
    };
    let layers = vec![layer(N_FEATURES, hidden), layer(hidden, genres.len())];
    ModelFile {
        header: Header {
            magic: MAGIC,
            format_version: FORMAT_VERSION,
            layout_version: LAYOUT_VERSION,
            genres,
            window_s,
            hop_s,
            feature_mean: vec![0.0; N_FEATURES],
            feature_std: vec![1.0; N_FEATURES],
            input: InputTransform::default(),
            temperature: 1.0,
            confidence_threshold: 0.5,
        },
        layers,
    }
}
