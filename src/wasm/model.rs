//! `Model`: a model file loaded once (a personal model, or any model file)
//! and held by JavaScript, which classifies with it and reads its windows'
//! features, as the free functions do with the embedded model.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::{classify_with, window_features_with};
use crate::Model;

/// A model loaded once from its file's bytes (a personal model, or any
/// model file), held by JavaScript and used for many calls.
#[wasm_bindgen(js_name = Model)]
pub struct JsModel {
    model: Rc<Model>,
}

#[wasm_bindgen(js_class = Model)]
impl JsModel {
    /// Decodes and validates a model file; throws a `GenreError` with code
    /// `"model"` when the bytes are not a valid model of this format.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<JsModel, JsValue> {
        Ok(JsModel {
            model: Rc::new(Model::from_bytes(bytes)?),
        })
    }

    /// The embedded model (one copy, shared by every handle and stream).
    pub fn embedded() -> Result<JsModel, JsValue> {
        let model = EMBEDDED.with(Clone::clone)?;
        Ok(JsModel { model })
    }

    /// The output classes (genres or a personal model's labels), in order.
    #[wasm_bindgen(getter)]
    pub fn genres(&self) -> Vec<String> {
        self.model.genres().to_vec()
    }

    /// Length of an analysis window, in seconds.
    #[wasm_bindgen(getter, js_name = windowS)]
    pub fn window_s(&self) -> f32 {
        self.model.window_s()
    }

    /// Hop between analysis windows, in seconds.
    #[wasm_bindgen(getter, js_name = hopS)]
    pub fn hop_s(&self) -> f32 {
        self.model.hop_s()
    }

    /// Classifies mono `samples` with this model, as the free `classify`.
    pub fn classify(
        &self,
        samples: &[f32],
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
        #[wasm_bindgen(js_name = melColumns)] mel_columns: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        classify_with(&self.model, samples, rate, on_progress, mel_columns)
    }

    /// The 498 raw features of each analysis window of mono `samples` at
    /// `sampleRate` Hz (the windows `classify` uses, at this model's window
    /// and hop): `{ windows, features: Float32Array (windows x 498, row
    /// after row), windowS, hopS }`. Silence throws `"no-music"`, as in
    /// classification; `onProgress` as in `classify`.
    #[wasm_bindgen(js_name = windowFeatures)]
    pub fn window_features(
        &self,
        samples: &[f32],
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        window_features_with(&self.model, samples, rate, on_progress)
    }
}

impl JsModel {
    /// The model, shared with a stream that classifies with it.
    pub(crate) fn shared(&self) -> Rc<Model> {
        Rc::clone(&self.model)
    }
}

thread_local! {
    /// The embedded model behind a shared handle, copied once from the
    /// static model (a thread-local, as wasm32 has one thread).
    static EMBEDDED: Result<Rc<Model>, crate::Error> =
        Model::embedded().map(|m| Rc::new(m.clone()));
}
