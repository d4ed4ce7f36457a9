//! The decoder WebAssembly module: `genre_classifier::decode` (symphonia:
//! WAV, FLAC, MP3, Ogg Vorbis; the CLI's decoder, not a second one) behind a
//! wasm-bindgen API of its own, so that the classifier's module stays small
//! and the decoder is loaded only where it is needed (Node.js; lazily on a
//! page). Errors are thrown as JavaScript `Error`s named `GenreError` with the
//! `code` of [`Error::code`] (`"decode"`, `"empty"`), as the classifier's are.
//!
//! - [`decode`]: a whole file in memory (Node.js);
//! - [`StreamDecoder`]: a file read piece by piece through a JavaScript
//!   function, decoded in bounded memory (the page's worker).

use genre_classifier::decode::{decode_bytes, Decoded};
use genre_classifier::Error;
use wasm_bindgen::prelude::*;

mod stream;

pub use stream::StreamDecoder;

/// A JavaScript `Error` named `GenreError` carrying the error's `code`, and
/// `unsupported` when the file is not in a format (`"format"`) or codec
/// (`"codec"`) this decoder reads: a browser's own decoder may read it.
pub(crate) fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("GenreError");
    let unsupported = match e {
        Error::UnrecognizedFormat => Some("format"),
        Error::UnsupportedCodec { .. } | Error::NoAudioTrack => Some("codec"),
        _ => None,
    };
    // Setting properties on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    if let Some(kind) = unsupported {
        let _ = js_sys::Reflect::set(&err, &"unsupported".into(), &kind.into());
    }
    err.into()
}

/// `{ samples: Float32Array (mono), sampleRate, truncated }` of `d`.
fn to_js(d: &Decoded) -> JsValue {
    let out = js_sys::Object::new();
    let samples = js_sys::Float32Array::from(&d.samples[..]);
    // Setting properties on a fresh object cannot fail.
    let _ = js_sys::Reflect::set(&out, &"samples".into(), &samples);
    let _ = js_sys::Reflect::set(&out, &"sampleRate".into(), &d.sample_rate.into());
    let _ = js_sys::Reflect::set(&out, &"truncated".into(), &d.truncated.into());
    out.into()
}

/// Decodes a whole audio file (WAV, FLAC, MP3 or Ogg Vorbis; the content
/// decides) into mono samples (the mean of the channels) at the file's own
/// rate: `{ samples: Float32Array, sampleRate: number, truncated: boolean }`,
/// `truncated` when the file ends before the length its header announces.
#[wasm_bindgen]
pub fn decode(bytes: &[u8]) -> Result<JsValue, JsValue> {
    decode_bytes(bytes)
        .map(|d| to_js(&d))
        .map_err(|e| js_error(&e))
}
