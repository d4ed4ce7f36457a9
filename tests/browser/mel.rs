//! The mel image binding: shape, dB range, equality with the Rust API, and
//! errors for bad arguments.

use genre_classifier::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{error_parts, signal};

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

#[wasm_bindgen_test]
async fn classify_with_mel_columns_adds_the_same_mel_image() {
    crate::yield_to_browser().await;
    let y = signal(3.0, 44100);
    let result = wasm::classify_js(&y, 44100.0, None, Some(40.0)).expect("classification");
    let alone = wasm::mel_image_js(&y, 44100.0, 40.0).expect("mel image");
    let mel = get(&result, "mel");
    for key in ["nMels", "nColumns", "secondsPerColumn"] {
        assert_eq!(get(&mel, key).as_f64(), get(&alone, key).as_f64(), "{key}");
    }
    let db = |v: &JsValue| {
        get(v, "db")
            .dyn_into::<js_sys::Float32Array>()
            .unwrap()
            .to_vec()
    };
    assert_eq!(db(&mel), db(&alone));
    assert_eq!(
        get(&result, "genre").as_string(),
        Some(genre_classifier::classify(&y, 44100).unwrap().genre)
    );
}

#[wasm_bindgen_test]
async fn mel_image_matches_the_rust_api() {
    crate::yield_to_browser().await;
    let y = signal(3.0, 22050);
    let image = wasm::mel_image_js(&y, 22050.0, 40.0).expect("mel image");
    let expected = genre_classifier::mel_image(&y, 22050, 40).expect("native mel image");
    assert_eq!(get(&image, "nMels").as_f64(), Some(expected.n_mels as f64));
    assert_eq!(
        get(&image, "nColumns").as_f64(),
        Some(expected.n_columns as f64)
    );
    assert_eq!(expected.n_mels, 128);
    assert!(expected.n_columns >= 1 && expected.n_columns <= 40);
    let spc = get(&image, "secondsPerColumn")
        .as_f64()
        .expect("secondsPerColumn");
    assert_eq!(spc, expected.seconds_per_column);
    // The columns span the STFT frames: the clip plus at most one frame.
    let span = spc * expected.n_columns as f64;
    assert!((3.0..=3.0 + 2048.0 / 22050.0).contains(&span), "{span}");
    let db: js_sys::Float32Array = get(&image, "db").dyn_into().expect("db is a Float32Array");
    assert_eq!(db.to_vec(), expected.db);
    assert_eq!(expected.db.len(), expected.n_mels * expected.n_columns);
    let max = expected.db.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    assert!(expected.db.iter().all(|&v| (-80.0..=max).contains(&v)));
}

#[wasm_bindgen_test]
async fn mel_image_rejects_bad_arguments() {
    crate::yield_to_browser().await;
    let y = signal(1.0, 22050);
    for columns in [0.0, -3.0, f64::NAN] {
        let err = wasm::mel_image_js(&y, 22050.0, columns).expect_err("bad maxColumns");
        assert_eq!(error_parts(&err).0, "GenreError");
    }
    let err = wasm::mel_image_js(&[], 22050.0, 10.0).expect_err("empty input");
    assert_eq!(error_parts(&err).1, "empty");
    let err = wasm::mel_image_js(&y, 1.5, 10.0).expect_err("bad rate");
    assert_eq!(error_parts(&err).1, "sample-rate");
}
