//! Training pipeline of the genre classifier.
//!
//! `cargo run --release -p genre-train -- [DATA_DIR ...] [--steps N]`
//! (default: `../shared/data/gtzan-subset` and `../shared/data/emotify`,
//! relative to the repository root). Each folder holds
//! `genres/<genre>/*.{flac,wav,au,mp3,ogg}` and optionally `artists.tsv`.
//! `--steps` sets the gradient steps of each training (default
//! [`DEFAULT_STEPS`]). It extracts window features of the clips and of their
//! augmented copies (cached under `target/`), runs a nested cross-validation
//! grouped by artist of the network and of two baselines, an ablation of
//! the input transform and the augmentation, a clip-level cross-validation
//! (secondary), calibrates the probabilities, writes `model/REPORT.md`,
//! then trains the final model on all clips and writes
//! `model/genre.postcard`. Needs `lame` on the PATH for the MP3 copies.
//!
//! `genre-train personal [DATA_DIR ...]` evaluates personal models (frozen
//! against fine-tuned hidden layers) and writes `model/PERSONAL.md`;
//! `genre-train teach SONGS MODEL [--seed N] [--mode M]` trains a personal
//! model on a song-set file natively (the same core as the teach module).

mod augment;
mod calibrate;
mod corpus;
mod cv;
mod data;
mod folds;
mod knn;
mod metrics;
mod personal;
mod protocol;
mod report;
mod results;
mod settings;
mod teach_file;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use genre_classifier::model::{InputTransform, Precision};
use genre_classifier::Model;
// The training core, shared with the genre-teach WebAssembly module.
use genre_trainer::net::Hyper;
use rayon::prelude::*;

use augment::Kind;
use corpus::{default_dirs, load_corpus};
use cv::{Candidate, Corpus, Kinds};
use protocol::{candidates, steps_for};
use results::{precision_result, Ablation, FoldResult};
use settings::{
    AUGMENTED_STEPS_FACTOR, DEFAULT_STEPS, INPUT, MAX_ACCURACY_DROP, MAX_CHANGED_FRACTION,
    OUTER_FOLDS, SEED,
};

enum Job {
    Fold(usize),
    Ablation(usize, usize),
    ClipLevel(usize),
}

enum Outcome {
    Fold(usize, Box<FoldResult>),
    Ablation(usize, usize, Box<[Vec<Vec<f32>>; 3]>),
    ClipLevel(usize, Vec<Vec<f32>>),
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genre-train: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The settings of the ablation, around `base` (the final model's choice).
fn ablations(base: Candidate, steps: usize) -> Vec<(String, Candidate)> {
    let with = |input: InputTransform, augment: Kinds| Candidate {
        input,
        augment,
        hyper: Hyper {
            steps: steps_for(steps, augment),
            ..base.hyper
        },
        ..base
    };
    let raw = InputTransform::default();
    let db = InputTransform {
        mel_db: true,
        level: false,
        floor_db: 0,
    };
    let level = InputTransform {
        floor_db: 0,
        ..INPUT
    };
    let row = |input: InputTransform, augment: Kinds| {
        (
            format!("{}; augmentation: {}", input.describe(), augment.describe()),
            with(input, augment),
        )
    };
    let mut v = vec![
        row(raw, Kinds::NONE),
        row(db, Kinds::NONE),
        row(level, Kinds::NONE),
        row(INPUT, Kinds::NONE),
        row(db, Kinds::ALL),
        row(level, Kinds::ALL),
        row(INPUT, Kinds::ALL),
    ];
    for k in Kind::ALL {
        v.push((
            format!("{}; augmentation: all but {}", INPUT.describe(), k.name()),
            with(INPUT, Kinds::ALL.without(k)),
        ));
    }
    v
}

/// Sets up the thread pool: jobs in parallel, each training on one thread
/// (candle reads `RAYON_NUM_THREADS`), so results do not depend on the
/// machine. Returns the number of threads.
fn setup_threads() -> Result<usize, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| e.to_string())?;
    std::env::set_var("RAYON_NUM_THREADS", "1");
    Ok(threads)
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1).peekable();
    match args.peek().map(String::as_str) {
        Some("personal") => {
            args.next();
            setup_threads()?;
            let dirs: Vec<PathBuf> = args.map(PathBuf::from).collect();
            let dirs = if dirs.is_empty() {
                default_dirs(&repo)
            } else {
                dirs
            };
            return personal::run(&dirs, &repo);
        }
        Some("teach") => {
            args.next();
            std::env::set_var("RAYON_NUM_THREADS", "1");
            return teach_file::run(&args.collect::<Vec<_>>());
        }
        _ => {}
    }
    let mut dirs = Vec::new();
    let mut steps = DEFAULT_STEPS;
    while let Some(a) = args.next() {
        if a == "--steps" {
            steps = args
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|&s| s > 0)
                .ok_or("--steps needs a positive number")?;
        } else {
            dirs.push(PathBuf::from(a));
        }
    }
    if dirs.is_empty() {
        dirs = default_dirs(&repo);
    }
    let threads = setup_threads()?;

    let (clips, corpus, feature_s) = load_corpus(&dirs, &repo)?;
    let cands = candidates(steps);
    let all: Vec<usize> = (0..clips.len()).collect();
    let outer = corpus.grouped_folds(&all, OUTER_FOLDS, SEED);

    // The final selection first: the ablation and the clip-level
    // cross-validation use its choice.
    let t = Instant::now();
    let final_choice = cv::select_net(&corpus, &all, &cands, SEED ^ 0xF1);
    let chosen = cands[final_choice.0];
    eprintln!(
        "final selection: {} ({:.0} s)",
        report::describe(&corpus, &chosen),
        t.elapsed().as_secs_f64()
    );
    let base_steps = (chosen.hyper.steps as f64 / AUGMENTED_STEPS_FACTOR).round() as usize;
    let abl = ablations(chosen, base_steps);
    let clip_folds = folds::stratified(&corpus.labels, OUTER_FOLDS, SEED);

    let mut jobs: Vec<Job> = (0..OUTER_FOLDS).map(Job::Fold).collect();
    for a in 0..abl.len() {
        jobs.extend((0..OUTER_FOLDS).map(|k| Job::Ablation(a, k)));
    }
    jobs.extend((0..OUTER_FOLDS).map(Job::ClipLevel));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    let outcomes: Vec<Outcome> = jobs
        .into_par_iter()
        .map(|job| {
            let o = match job {
                Job::Fold(k) => {
                    Outcome::Fold(k, Box::new(outer_fold(&corpus, &all, &outer, k, &cands)))
                }
                Job::Ablation(a, k) => {
                    let (train, test) = cv::split(&all, &outer, k);
                    let cand = abl[a].1;
                    let m = cv::train_model(&corpus, &train, cand, SEED ^ ((k as u64 + 1) << 16));
                    let copy =
                        |kind: Kind| cv::clip_probs(&m, corpus.copies(kind, cand.spec), &test);
                    Outcome::Ablation(
                        a,
                        k,
                        Box::new([
                            cv::clip_probs(&m, &corpus.feats[cand.spec], &test),
                            copy(Kind::Gain),
                            copy(Kind::Mp3),
                        ]),
                    )
                }
                Job::ClipLevel(k) => {
                    let (train, test) = cv::split(&all, &clip_folds, k);
                    let m = cv::train_model(&corpus, &train, chosen, SEED ^ ((k as u64 + 9) << 16));
                    Outcome::ClipLevel(k, cv::clip_probs(&m, &corpus.feats[chosen.spec], &test))
                }
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            eprintln!(
                "cross-validation: {n}/{total} jobs ({:.0} s)",
                t.elapsed().as_secs_f64()
            );
            o
        })
        .collect();
    let cv_s = t.elapsed().as_secs_f64();

    let mut fold_results: Vec<Option<FoldResult>> = (0..OUTER_FOLDS).map(|_| None).collect();
    let mut ablation: Vec<Ablation> = abl
        .iter()
        .map(|(name, cand)| Ablation {
            name: name.clone(),
            cand: *cand,
            folds: (0..OUTER_FOLDS).map(|_| Default::default()).collect(),
        })
        .collect();
    let mut clip_level: Vec<Vec<Vec<f32>>> = vec![Vec::new(); OUTER_FOLDS];
    for o in outcomes {
        match o {
            Outcome::Fold(k, r) => fold_results[k] = Some(*r),
            Outcome::Ablation(a, k, r) => ablation[a].folds[k] = *r,
            Outcome::ClipLevel(k, p) => clip_level[k] = p,
        }
    }
    let fold_results: Vec<FoldResult> = fold_results.into_iter().flatten().collect();

    // Calibration: one temperature from every outer fold's held-out clips.
    let pooled_logits: Vec<Vec<Vec<f32>>> = fold_results
        .iter()
        .flat_map(|f| f.logits_at[0].iter().cloned())
        .collect();
    let pooled_labels: Vec<usize> = fold_results
        .iter()
        .flat_map(|f| corpus.labels_of(&f.test))
        .collect();
    let temperature = calibrate::fit_temperature(&pooled_logits, &pooled_labels);

    // The smallest precision whose held-out predictions barely differ from
    // f32 (see MAX_CHANGED_FRACTION and MAX_ACCURACY_DROP).
    let t = Instant::now();
    let model = cv::train_model(&corpus, &all, chosen, SEED ^ 0xFFFF)
        .with_calibration(temperature, calibrate::CONFIDENCE_THRESHOLD)
        .map_err(|e| e.to_string())?;
    let mut precisions = Vec::new();
    for (i, p) in Precision::ALL.into_iter().enumerate() {
        let bytes = model.to_file(p).to_bytes().map_err(|e| e.to_string())?;
        precisions.push(precision_result(&corpus, &fold_results, i, p, bytes.len()));
    }
    let f32_accuracy = precisions[0].pooled.accuracy();
    let clips_n = precisions[0].pooled.total();
    let chosen_precision = precisions
        .iter()
        .rev()
        .find(|r| {
            r.changes as f64 <= MAX_CHANGED_FRACTION * clips_n as f64
                && f32_accuracy - r.pooled.accuracy() <= MAX_ACCURACY_DROP + 1e-12
        })
        .map_or(Precision::F32, |r| r.precision);
    let file = model.to_file(chosen_precision);
    let bytes = file.to_bytes().map_err(|e| e.to_string())?;
    Model::from_bytes(&bytes).map_err(|e| format!("the written model does not load: {e}"))?;
    let out = repo.join("model/genre.postcard");
    std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    let final_s = t.elapsed().as_secs_f64();

    let ctx = report::Context {
        dirs: &dirs,
        clips: &clips,
        corpus: &corpus,
        cands: &cands,
        folds: &fold_results,
        final_choice: &final_choice,
        ablation: &ablation,
        clip_level: &clip_level,
        clip_folds: &clip_folds,
        temperature,
        precisions: &precisions,
        chosen_precision,
        model_bytes: bytes.len(),
        feature_s,
        cv_s,
        final_s,
        total_s: started.elapsed().as_secs_f64(),
        threads,
    };
    let md = report::render(&ctx);
    let path = repo.join("model/REPORT.md");
    std::fs::write(&path, md).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!(
        "wrote {} and {} in {:.0} s",
        out.display(),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Selection on the training folds (grouped inner folds), then evaluation
/// on fold `k`.
fn outer_fold(
    corpus: &Corpus,
    all: &[usize],
    folds: &[usize],
    k: usize,
    cands: &[Candidate],
) -> FoldResult {
    let (train, test) = cv::split(all, folds, k);
    let seed = SEED ^ ((k as u64 + 1) << 16);
    let (chosen, _) = cv::select_net(corpus, &train, cands, seed);
    let cand = cands[chosen];
    let model = cv::train_model(corpus, &train, cand, seed ^ 0xABCD);
    let logits_at = Precision::ALL
        .into_iter()
        .map(|p| {
            let m = Model::from_file(model.to_file(p)).expect("quantised model is valid");
            cv::clip_logits(&m, &corpus.feats[cand.spec], &test)
        })
        .collect();

    let (knn_choice, _) = cv::select_knn(corpus, &train, INPUT, seed);
    let knn = cv::knn_probs(
        corpus,
        knn_choice.0,
        INPUT,
        &train,
        &test,
        &[cv::KS[knn_choice.1]],
    )
    .pop()
    .unwrap_or_default();

    let mut counts = vec![0usize; corpus.classes];
    for &c in &train {
        counts[corpus.labels[c]] += 1;
    }
    let majority = (0..corpus.classes).fold(0, |b, c| if counts[c] > counts[b] { c } else { b });
    FoldResult {
        test,
        chosen,
        logits_at,
        knn_choice,
        knn,
        majority,
    }
}
