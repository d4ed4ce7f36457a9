//! The model loader on arbitrary bytes: decoding and validation return a
//! model or a typed error; a model that loads gives a probability
//! distribution for any finite feature vector.
#![no_main]

use genre_classifier::model::Model;
use genre_classifier::N_FEATURES;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Model::from_bytes(data) {
        Ok(model) => {
            let features = [0.5f32; N_FEATURES];
            let p = model.predict(&features);
            assert_eq!(p.len(), model.genres().len());
            // Weights are finite but may be huge: the softmax must still be
            // a distribution, never NaN.
            assert!(p.iter().all(|x| x.is_finite() && *x >= 0.0), "{p:?}");
            let sum: f32 = p.iter().sum();
            assert!((sum - 1.0).abs() < 1e-3, "sum {sum}");
            // Round trip through the writer.
            let again = Model::from_bytes(&model.to_file(false).to_bytes().unwrap()).unwrap();
            assert_eq!(again.genres(), model.genres());
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
