//! Parity of the extractor with librosa 0.11 on the golden fixtures of
//! tests/parity/golden (written by tests/parity/make_golden.py).
//!
//! For each fixture, feature group and statistic the error is
//! max |ours - librosa| / max |librosa| over the group's rows. Run with
//! `cargo test --test parity -- --nocapture` to see the tables.

mod common;

use std::sync::OnceLock;

use common::Fixture;
use genre_classifier::dsp::tonnetz::tonnetz_stats;
use genre_classifier::features::{chroma_stft_stats, spectral, Groups};
use genre_classifier::layout::{Group, CHROMA, MEL, MFCC, TONNETZ};

struct Outcome {
    fixture: Fixture,
    ours: Vec<f32>,
    tuning_chroma: f64,
    tuning_cqt: f64,
}

/// Every fixture with our features and tunings, computed once per run.
fn outcomes() -> &'static [Outcome] {
    static CELL: OnceLock<Vec<Outcome>> = OnceLock::new();
    CELL.get_or_init(|| {
        common::fixtures()
            .into_iter()
            .map(|fixture| {
                let y = fixture.samples();
                let mut ours = genre_classifier::extract(&y).unwrap().to_vec();
                let s = spectral(&y, Groups::ALL).unwrap();
                if fixture.noise_determined_tuning.is_some() {
                    // The tuning-dependent groups are compared at librosa's
                    // tuning; the estimates themselves are only reported.
                    chroma_stft_stats(&y, fixture.tuning_chroma)
                        .unwrap()
                        .write_to(&mut ours[CHROMA.all()]);
                    tonnetz_stats(&y, fixture.tuning_cqt as f32).write_to(&mut ours[TONNETZ.all()]);
                }
                Outcome {
                    fixture,
                    ours,
                    tuning_chroma: s.tuning_chroma,
                    tuning_cqt: s.tuning_cqt,
                }
            })
            .collect()
    })
}

/// max |ours - theirs| / max |theirs| over a range (absolute when theirs is all zero).
fn relative_error(ours: &[f32], theirs: &[f64]) -> f64 {
    let scale = theirs.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = ours
        .iter()
        .zip(theirs)
        .fold(0.0f64, |m, (&o, &t)| m.max((o as f64 - t).abs()));
    if scale > 0.0 {
        diff / scale
    } else {
        diff
    }
}

/// Prints the error table of one group and asserts every entry is within `target`.
fn check_group(group: Group, target: f64) {
    println!("\n{} (target {target:.0e})", group.name);
    println!(
        "{:<22} {:>10} {:>10} {:>10}",
        "fixture", "mean", "min", "max"
    );
    let mut worst = 0.0f64;
    let mut failures = Vec::new();
    for o in outcomes() {
        let errs: Vec<f64> = [group.mean(), group.min(), group.max()]
            .into_iter()
            .map(|r| relative_error(&o.ours[r.clone()], &o.fixture.features[r]))
            .collect();
        let note = match (&o.fixture.noise_determined_tuning, group.name) {
            (Some(_), "chroma_stft" | "tonnetz") => "  (at librosa's tuning)",
            _ => "",
        };
        println!(
            "{:<22} {:>10.2e} {:>10.2e} {:>10.2e}{note}",
            o.fixture.name, errs[0], errs[1], errs[2]
        );
        for (stat, e) in ["mean", "min", "max"].iter().zip(&errs) {
            worst = worst.max(*e);
            if e.is_nan() || *e > target {
                failures.push(format!("{} {stat}: {e:.3e}", o.fixture.name));
            }
        }
    }
    println!("worst: {worst:.2e}");
    assert!(
        failures.is_empty(),
        "{} beyond {target:e}: {failures:?}",
        group.name
    );
}

#[test]
fn chroma_stft() {
    check_group(CHROMA, 1e-4);
}

#[test]
fn melspectrogram() {
    check_group(MEL, 1e-4);
}

#[test]
fn mfcc() {
    check_group(MFCC, 1e-4);
}

#[test]
#[ignore = "tonnetz comes from the CQT stage, not yet on this branch"]
fn tonnetz() {
    check_group(TONNETZ, 1e-3);
}

#[test]
fn tuning_estimates() {
    println!(
        "\n{:<22} {:>16} {:>16}",
        "fixture", "12 bpo ours/lib", "36 bpo ours/lib"
    );
    let mut failures = Vec::new();
    for o in outcomes() {
        let f = &o.fixture;
        println!(
            "{:<22} {:>+7.2} {:>+7.2}  {:>+7.2} {:>+7.2}",
            f.name, o.tuning_chroma, f.tuning_chroma, o.tuning_cqt, f.tuning_cqt
        );
        if let Some(reason) = &f.noise_determined_tuning {
            println!("{:<22} not compared: {reason}", "");
            continue;
        }
        if (o.tuning_chroma - f.tuning_chroma).abs() > 1e-9 {
            failures.push(format!("{} (12 bpo)", f.name));
        }
        if (o.tuning_cqt - f.tuning_cqt).abs() > 1e-9 {
            failures.push(format!("{} (36 bpo)", f.name));
        }
    }
    assert!(failures.is_empty(), "tuning differs: {failures:?}");
}
