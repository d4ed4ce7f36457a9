//! The decode path of the `genre` CLI on arbitrary file bytes: decoding
//! returns mono samples at a positive rate or a typed error, and decoded
//! audio goes on to the feature extractor.
#![no_main]

use genre_classifier::decode::decode_bytes;
use genre_classifier::features;
use libfuzzer_sys::fuzz_target;

/// Longest decoded signal passed on to the extractor (keeps runs fast).
const MAX_ANALYSED: usize = 1 << 18;

fuzz_target!(|data: &[u8]| {
    match decode_bytes(data) {
        Ok(d) => {
            assert!(d.sample_rate > 0);
            assert!(!d.samples.is_empty());
            if d.samples.len() <= MAX_ANALYSED {
                if let Ok(v) = features::features(&d.samples, d.sample_rate) {
                    assert!(v.iter().all(|x| x.is_finite()));
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
