//! `ClassifierStream`: the classification of a stream for JavaScript (the
//! page's worker feeds it mono pieces as it decodes a file): the
//! [`StreamClassifier`] over a [`SignalStream`], with the mel image of the
//! same samples computed as they pass ([`MelStream`]). Memory stays bounded
//! whatever the length; the result equals `classify` of the whole samples
//! bit for bit (and the mel image equals `melImage` up to about 6 minutes;
//! see [`crate::mel_image::stream`]).

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::{columns, js_error, mel_to_js, sample_rate, to_js, JsModel, JsProgress};
use crate::classify::share::{Part, Share};
use crate::classify::stream::StreamClassifier;
use crate::input::stream::SignalStream;
use crate::limits::MAX_DURATION_S;
use crate::mel_image::stream::MelStream;
use crate::mel_image::MelImage;
use crate::Model;

/// A classification in progress: `push(samples, onProgress)` for each piece
/// of mono samples, then `finish(truncated, onProgress)` for the result and
/// `melImage()` for the image (when `melColumns` > 0), then `free()`.
///
/// Workers can share one input: each gets every piece and
/// `share(cycle, part)` before the first; the others end with
/// `finishPart()` and hand its rows to the one that ends with
/// `finish(truncated, onProgress, rows)`.
#[wasm_bindgen]
pub struct ClassifierStream {
    classifier: Option<StreamClassifier<Rc<Model>>>,
    mel: Option<MelStream>,
    image: Option<MelImage>,
}

#[wasm_bindgen]
impl ClassifierStream {
    /// A stream of mono samples at `sampleRate` Hz, classified with the
    /// embedded model. `expectedLength` (input samples the header announces,
    /// if any) only sizes the progress reports; `maxSeconds` (default 12
    /// hours) caps the input (a `decode` error past it).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = expectedLength)] expected_length: Option<f64>,
        #[wasm_bindgen(js_name = melColumns)] mel_columns: Option<f64>,
        #[wasm_bindgen(js_name = maxSeconds)] max_seconds: Option<f64>,
    ) -> Result<ClassifierStream, JsValue> {
        Self::open(
            JsModel::embedded()?.shared(),
            rate,
            expected_length,
            mel_columns,
            max_seconds,
        )
    }

    /// As the constructor, classified with `model` (a personal model).
    #[wasm_bindgen(js_name = withModel)]
    pub fn with_model(
        model: &JsModel,
        #[wasm_bindgen(js_name = sampleRate)] rate: f64,
        #[wasm_bindgen(js_name = expectedLength)] expected_length: Option<f64>,
        #[wasm_bindgen(js_name = melColumns)] mel_columns: Option<f64>,
        #[wasm_bindgen(js_name = maxSeconds)] max_seconds: Option<f64>,
    ) -> Result<ClassifierStream, JsValue> {
        Self::open(
            model.shared(),
            rate,
            expected_length,
            mel_columns,
            max_seconds,
        )
    }

    /// Takes the next mono samples; `onProgress(done, total)` as for
    /// `classify` (windows so far, and an estimate of all).
    pub fn push(
        &mut self,
        samples: &[f32],
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
    ) -> Result<(), JsValue> {
        let classifier = self.classifier.as_mut().ok_or_else(finished)?;
        let mut progress = JsProgress::new(on_progress.as_ref());
        let mel = &mut self.mel;
        let result = classifier.push_observed(samples, &mut |d, t| progress.call(d, t), &mut |y| {
            observe(mel, y)
        });
        progress.rethrow()?;
        result.map_err(|e| {
            self.classifier = None;
            e.into()
        })
    }

    /// Computes only the windows dealt to `part` (windows go round
    /// `cycle`, a list of part numbers from 0 to 63); before the first
    /// `push`.
    pub fn share(&mut self, cycle: &[u8], part: u8) -> Result<(), JsValue> {
        let classifier = self.classifier.as_mut().ok_or_else(finished)?;
        Ok(classifier.set_share(Share::new(cycle, part)?)?)
    }

    /// Ends the input: the classification (without the mel image), marked
    /// `truncated` as given. A shared input also takes `others`, the rows
    /// of the other parts' `finishPart` one after another.
    pub fn finish(
        &mut self,
        truncated: bool,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
        others: Option<Vec<f32>>,
    ) -> Result<JsValue, JsValue> {
        let classifier = self.classifier.take().ok_or_else(finished)?;
        let others = match others {
            Some(rows) => vec![Part::from_rows(&rows, classifier.genres())?],
            None => Vec::new(),
        };
        let mut progress = JsProgress::new(on_progress.as_ref());
        let mel = &mut self.mel;
        let result = classifier.finish_merged(
            truncated,
            others,
            &mut |d, t| progress.call(d, t),
            &mut |y| observe(mel, y),
        );
        progress.rethrow()?;
        let result = result.map_err(JsValue::from)?;
        self.image = self.mel.take().map(MelStream::finish);
        to_js(&result)
    }

    /// Ends the input of one part of a shared input: the windows it
    /// computed, as rows (the window's index, then its probabilities) for
    /// the part that calls `finish`; `melImage()` follows.
    #[wasm_bindgen(js_name = finishPart)]
    pub fn finish_part(&mut self) -> Result<Vec<f32>, JsValue> {
        let classifier = self.classifier.take().ok_or_else(finished)?;
        let mel = &mut self.mel;
        let part = classifier.finish_part(&mut |_, _| true, &mut |y| observe(mel, y))?;
        self.image = self.mel.take().map(MelStream::finish);
        Ok(part.to_rows())
    }

    /// The mel image (`{ nMels, nColumns, secondsPerColumn, db }`, as
    /// `melImage`) after `finish`, or `undefined` without `melColumns`.
    #[wasm_bindgen(js_name = melImage)]
    pub fn mel_image(&mut self) -> Result<JsValue, JsValue> {
        match self.image.take() {
            Some(image) => mel_to_js(&image),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl ClassifierStream {
    fn open(
        model: Rc<Model>,
        rate: f64,
        expected_length: Option<f64>,
        mel_columns: Option<f64>,
        max_seconds: Option<f64>,
    ) -> Result<ClassifierStream, JsValue> {
        let max = max_seconds
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(MAX_DURATION_S, |s| s as f32);
        let signal = SignalStream::with_max_duration(sample_rate(rate)?, max)?;
        let expected = expected_length
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(|n| n as u64);
        let columns = columns(mel_columns.unwrap_or(0.0));
        Ok(Self {
            classifier: Some(StreamClassifier::new(model, signal, expected)),
            mel: if columns > 0 {
                Some(MelStream::new(columns)?)
            } else {
                None
            },
            image: None,
        })
    }
}

/// Resampled samples to the mel image, if one is drawn.
fn observe(mel: &mut Option<MelStream>, y: &[f32]) {
    if let Some(m) = mel.as_mut() {
        m.push(y);
    }
}

fn finished() -> JsValue {
    js_error("internal", "the stream has already ended")
}
