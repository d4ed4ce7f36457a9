//! soxr 2:1 decimation and CQT magnitudes against librosa 0.11 (fixtures
//! from tests/parity/make_cqt_golden.py).

use genre_classifier::dsp::cqt::{CqtPlan, N_CQT_BINS};
use genre_classifier::dsp::decimate::halve;

use crate::common::golden::{cqt_fixture, excerpt_errors, floats};
use crate::common::signals::generate;

#[test]
fn decimation_matches_soxr() {
    let golden = cqt_fixture("decimate.json");
    for case in golden["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let x = generate(&case["signal"]);
        let y = halve(&x);
        assert_eq!(y.len() as u64, case["out_len"].as_u64().unwrap(), "{name}");
        let (max, sig, err) = excerpt_errors(&case["excerpts"], &y);
        let snr = 10.0 * (sig / err).log10();
        println!("{name:>6}: max abs error {max:.2e}, SNR {snr:.1} dB");
        assert!(max < 1e-5, "{name}: max abs error {max:.3e}");
    }
}

#[test]
fn cqt_magnitudes_match_librosa() {
    let golden = cqt_fixture("cqt.json");
    let y = generate(&golden["signal"]);
    for case in golden["cases"].as_array().unwrap() {
        let tuning = case["tuning"].as_f64().unwrap() as f32;
        let mut frames = Vec::new();
        let n = CqtPlan::new(tuning).for_each_frame(&y, |m| frames.push(m.to_vec()));
        assert_eq!(n as u64, case["n_frames"].as_u64().unwrap());
        let mut worst = 0.0f64;
        for f in case["frames"].as_array().unwrap() {
            let t = f["index"].as_u64().unwrap() as usize;
            let want = floats(&f["values"]);
            assert_eq!(want.len(), N_CQT_BINS);
            let peak = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let diff = want
                .iter()
                .zip(&frames[t])
                .map(|(w, &g)| (g as f64 - w).abs())
                .fold(0.0, f64::max);
            worst = worst.max(diff / peak);
        }
        println!("tuning {tuning:+.2}: max |error| / frame peak {worst:.2e}");
        assert!(
            worst < 1e-4,
            "tuning {tuning}: relative CQT error {worst:.3e}"
        );
    }
}
