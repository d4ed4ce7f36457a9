//! The embedded model in WebAssembly: the same probabilities as the native
//! build (stored by tests/model_probabilities.rs), and classification
//! through the binding with progress and cancellation.

use genre_classifier::{wasm, Model, N_FEATURES};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{error_parts, signal};

const STORED: &str = include_str!("model_probabilities.json");
const GOLDEN: &[(&str, &str)] = &[
    ("tone_1s", include_str!("../parity/golden/tone_1s.json")),
    (
        "white_noise",
        include_str!("../parity/golden/white_noise.json"),
    ),
    (
        "chord_c_major_sharp",
        include_str!("../parity/golden/chord_c_major_sharp.json"),
    ),
    (
        "pink_noise",
        include_str!("../parity/golden/pink_noise.json"),
    ),
];

fn input(name: &str) -> [f32; N_FEATURES] {
    let (_, text) = GOLDEN
        .iter()
        .find(|(n, _)| *n == name)
        .expect("listed input");
    let v: Value = serde_json::from_str(text).unwrap();
    let mut x = [0.0f32; N_FEATURES];
    for (o, f) in x.iter_mut().zip(v["features"].as_array().unwrap()) {
        *o = f.as_f64().unwrap() as f32;
    }
    x
}

#[wasm_bindgen_test]
async fn forward_pass_matches_native() {
    crate::yield_to_browser().await;
    let stored: Value = serde_json::from_str(STORED).unwrap();
    let model = Model::embedded().expect("embedded model");
    let names = stored["inputs"].as_array().unwrap();
    assert_eq!(names.len(), GOLDEN.len());
    for (name, want) in names
        .iter()
        .zip(stored["probabilities"].as_array().unwrap())
    {
        let name = name.as_str().unwrap();
        let got = model.predict(&input(name));
        let want = want.as_array().unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            let w = w.as_f64().unwrap();
            assert!(
                (*g as f64 - w).abs() <= 1e-6,
                "{name}: wasm {g}, native {w}"
            );
        }
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

#[wasm_bindgen_test]
async fn classify_returns_the_api_shape() {
    crate::yield_to_browser().await;
    let y = signal(8.0, 22050);
    let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::<(f64, f64)>::new()));
    let log = calls.clone();
    let progress =
        wasm_bindgen::closure::Closure::<dyn FnMut(f64, f64) -> bool>::new(move |done, total| {
            log.borrow_mut().push((done, total));
            true
        });
    let result = wasm::classify_js(
        &y,
        22050.0,
        Some(
            progress
                .as_ref()
                .unchecked_ref::<js_sys::Function>()
                .clone(),
        ),
        None,
    )
    .expect("classification");
    assert!(get(&result, "mel").is_undefined(), "no mel image asked for");
    let native = genre_classifier::classify(&y, 22050).expect("native API");
    assert_eq!(
        get(&result, "genre").as_string().as_deref(),
        Some(native.genre.as_str())
    );
    assert_eq!(get(&result, "confident").as_bool(), Some(native.confident));
    assert_eq!(get(&result, "sampleRate").as_f64(), Some(22050.0));
    assert_eq!(
        get(&result, "duration").as_f64(),
        Some(native.duration as f64)
    );
    let probabilities: js_sys::Array = get(&result, "probabilities").dyn_into().unwrap();
    assert_eq!(probabilities.length(), 10);
    let mut sum = 0.0;
    for (p, n) in probabilities.iter().zip(&native.probabilities) {
        assert_eq!(
            get(&p, "genre").as_string().as_deref(),
            Some(n.genre.as_str())
        );
        assert_eq!(get(&p, "probability").as_f64(), Some(n.probability as f64));
        sum += n.probability as f64;
    }
    assert!((sum - 1.0).abs() < 1e-4, "{sum}");
    let windows: js_sys::Array = get(&result, "windows").dyn_into().unwrap();
    assert_eq!(windows.length() as usize, native.windows.len());
    for (w, n) in windows.iter().zip(&native.windows) {
        assert_eq!(get(&w, "start").as_f64(), Some(n.start as f64));
        assert_eq!(get(&w, "end").as_f64(), Some(n.end as f64));
        let p: js_sys::Array = get(&w, "probabilities").dyn_into().unwrap();
        assert_eq!(p.length(), 10);
    }
    let top3: js_sys::Array = get(&result, "top3").dyn_into().unwrap();
    assert_eq!(top3.length() as usize, native.top3.len());
    let calls = calls.borrow();
    let total = native.windows.len() as f64;
    let expected: Vec<(f64, f64)> = (0..=native.windows.len())
        .map(|i| (i as f64, total))
        .collect();
    assert_eq!(*calls, expected);
}

#[wasm_bindgen_test]
async fn progress_callback_cancels_and_rethrows() {
    crate::yield_to_browser().await;
    let y = signal(8.0, 22050);
    let stop =
        wasm_bindgen::closure::Closure::<dyn FnMut(f64, f64) -> bool>::new(|done, _| done < 1.0);
    let err = wasm::classify_js(
        &y,
        22050.0,
        Some(stop.as_ref().unchecked_ref::<js_sys::Function>().clone()),
        None,
    )
    .expect_err("cancelled");
    assert_eq!(error_parts(&err).1, "cancelled");
    let throws =
        js_sys::Function::new_with_args("done, total", "throw new RangeError('from the callback')");
    let err = wasm::classify_js(&y, 22050.0, Some(throws), None).expect_err("rethrown");
    assert_eq!(error_parts(&err).0, "RangeError");
    let err = wasm::classify_js(&[], 22050.0, None, None).expect_err("empty");
    assert_eq!(error_parts(&err).1, "empty");
    let err = wasm::classify_js(&vec![0.25; 44100], 22050.0, None, None).expect_err("DC only");
    let (name, code, message) = error_parts(&err);
    assert_eq!((name.as_str(), code.as_str()), ("GenreError", "no-music"));
    assert!(message.contains("no music detected"), "{message}");
    assert!(
        wasm::classify_js(&y, 22050.0, None, None).is_ok(),
        "serves after errors"
    );
}

#[wasm_bindgen_test]
async fn streams_sharing_one_input_equal_one_stream() {
    crate::yield_to_browser().await;
    let y = signal(9.5, 44100);
    let whole = wasm::classify_js(&y, 44100.0, None, Some(120.0)).expect("whole");
    // Part 0 (no image) merges parts 1 and 2 (part 1 draws the image).
    let cycle = [0u8, 1, 1, 2, 2];
    let mut parts: Vec<wasm::ClassifierStream> = (0..3u8)
        .map(|p| {
            let columns = if p == 1 { Some(120.0) } else { None };
            let mut s = wasm::ClassifierStream::new(44100.0, None, columns, None).expect("stream");
            s.share(&cycle, p).expect("share");
            s
        })
        .collect();
    for c in y.chunks(65536) {
        for s in &mut parts {
            s.push(c, None).expect("push");
        }
    }
    let mut rows = parts[1].finish_part().expect("part 1");
    let mel = parts[1].mel_image().expect("mel");
    rows.extend(parts[2].finish_part().expect("part 2"));
    let result = parts[0]
        .finish(false, None, Some(rows.clone()))
        .expect("merged");
    js_sys::Reflect::set(&result, &JsValue::from_str("mel"), &mel).unwrap();
    assert_eq!(json(&result), json(&whole));
    // Rows that do not add up are a typed error, never a trap.
    let mut s = wasm::ClassifierStream::new(44100.0, None, None, None).expect("stream");
    s.share(&cycle, 0).expect("share");
    s.push(&y, None).expect("push");
    let err = s
        .finish(false, None, Some(rows[..rows.len() - 11].to_vec()))
        .expect_err("missing");
    assert_eq!(error_parts(&err).1, "internal");
    let mut s = wasm::ClassifierStream::new(44100.0, None, None, None).expect("stream");
    s.push(&y[..1000], None).expect("push");
    assert_eq!(
        error_parts(&s.share(&cycle, 1).expect_err("late")).1,
        "internal"
    );
}

/// JSON text of a JavaScript value (typed arrays as objects of their items).
fn json(v: &JsValue) -> String {
    js_sys::JSON::stringify(v)
        .expect("JSON")
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_stream_binding_equals_the_whole_classification_and_mel_image() {
    crate::yield_to_browser().await;
    let y = signal(9.5, 44100);
    let whole = wasm::classify_js(&y, 44100.0, None, Some(120.0)).expect("whole");
    for piece in [1152usize, 65536] {
        let mut s = wasm::ClassifierStream::new(44100.0, Some(y.len() as f64), Some(120.0), None)
            .expect("stream");
        for c in y.chunks(piece) {
            s.push(c, None).expect("push");
        }
        let result = s.finish(false, None, None).expect("finish");
        let mel = s.mel_image().expect("mel");
        js_sys::Reflect::set(&result, &JsValue::from_str("mel"), &mel).unwrap();
        assert_eq!(json(&result), json(&whole), "pieces of {piece}");
        assert_eq!(get(&result, "truncated").as_bool(), Some(false));
    }
    // Truncated as stated, typed errors, and an end only once.
    let mut s = wasm::ClassifierStream::new(22050.0, None, None, None).expect("stream");
    s.push(&y[..22050], None).expect("push");
    let r = s.finish(true, None, None).expect("finish");
    assert_eq!(get(&r, "truncated").as_bool(), Some(true));
    assert!(s.mel_image().expect("no mel").is_undefined());
    assert_eq!(
        error_parts(&s.finish(false, None, None).expect_err("ended")).1,
        "internal"
    );
    let err = wasm::ClassifierStream::new(4000.0, None, None, None)
        .err()
        .expect("4 kHz");
    assert_eq!(error_parts(&err).1, "sample-rate");
    let mut s = wasm::ClassifierStream::new(8000.0, None, None, Some(1.0)).expect("capped");
    let err = s.push(&vec![0.1; 8001], None).expect_err("too long");
    assert_eq!(error_parts(&err).1, "decode");
    let mut s = wasm::ClassifierStream::new(22050.0, None, None, None).expect("silence");
    s.push(&vec![0.0; 44100], None).expect("push");
    let err = s.finish(false, None, None).expect_err("no music");
    assert_eq!(error_parts(&err).1, "no-music");
}
