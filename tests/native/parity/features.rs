//! Parity of the extractor with librosa 0.11 on the golden fixtures of
//! tests/parity/golden (written by tests/parity/make_golden.py).
//!
//! For each fixture, feature group and statistic the error is
//! max |ours - librosa| / max |librosa| over the group's rows. Run with
//! `cargo test --test native parity::features -- --nocapture` to see the
//! tables.

use std::sync::OnceLock;

use genre_classifier::features::tonnetz_stats;
use genre_classifier::features::{chroma_stft_stats, spectral, Groups};
use genre_classifier::layout::{Group, CHROMA, MEL, MFCC, TONNETZ};

use crate::common::golden::{self, Fixture};
use crate::common::measure::{allowed, relative_error};
use crate::common::{root, signals};

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
        golden::fixtures()
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
        for (i, (stat, e)) in ["mean", "min", "max"].iter().zip(&errs).enumerate() {
            worst = worst.max(*e);
            let limit = allowed(group.name, target, o.fixture.tonnetz_rounding[i]);
            if *e > target && *e <= limit {
                println!(
                    "{:<22} {stat} within librosa's own rounding effect {:.2e}",
                    "", o.fixture.tonnetz_rounding[i]
                );
            }
            if e.is_nan() || *e > limit {
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

/// The web page's spectrogram picture against librosa's
/// power_to_db(melspectrogram(y), ref=np.max), pooled over frames.
#[test]
fn mel_image() {
    let dir = root().join("tests/parity/mel_image");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    println!("\nmel_image: max |ours - librosa| in dB");
    for path in paths {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let y = signals::generate(&v["signal"]);
        assert_eq!(y.len() as u64, v["n_samples"].as_u64().unwrap());
        let max_columns = v["max_columns"].as_u64().unwrap() as usize;
        let img =
            genre_classifier::mel_image(&y, genre_classifier::SAMPLE_RATE, max_columns).unwrap();
        assert_eq!(img.n_mels as u64, v["n_mels"].as_u64().unwrap());
        assert_eq!(img.n_columns as u64, v["n_columns"].as_u64().unwrap());
        let theirs: Vec<f64> = v["db"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(img.db.len(), theirs.len());
        let err = img
            .db
            .iter()
            .zip(&theirs)
            .fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b).abs()));
        println!("{:<22} {err:.2e}", v["name"].as_str().unwrap());
        assert!(err <= 1e-3, "{}: {err} dB", path.display());
    }
}
