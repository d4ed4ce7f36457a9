//! Resampling to 22050 Hz against librosa.resample(res_type='soxr_hq')
//! (fixtures from tests/parity/make_cqt_golden.py).

use genre_classifier::dsp::resample::to_analysis_rate;

use crate::common::golden::{cqt_fixture, excerpt_errors};
use crate::common::signals::generate;

#[test]
fn resampling_tracks_soxr_hq() {
    let golden = cqt_fixture("resample.json");
    for case in golden["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let sr = case["signal"]["sr"].as_u64().unwrap() as u32;
        let x = generate(&case["signal"]);
        let y = to_analysis_rate(&x, sr);
        assert_eq!(y.len() as u64, case["out_len"].as_u64().unwrap(), "{name}");
        let (max, sig, err) = excerpt_errors(&case["excerpts"], &y);
        let snr = 10.0 * (sig / err).log10();
        println!("{name:>12}: max abs error {max:.2e}, SNR {snr:.1} dB");
        // Exact soxr filter at 44.1 kHz; a matched design elsewhere.
        let floor = if sr == 44100 { 120.0 } else { 40.0 };
        assert!(snr > floor, "{name}: SNR {snr:.1} dB");
    }
}
