//! Training pipeline of the genre classifier.
//!
//! `cargo run --release -p genre-train -- [DATA_DIR] [--steps N]` (default
//! `../shared/data/gtzan-subset`, relative to the repository root; `--steps`
//! sets the gradient steps of each training, default 300) extracts
//! window features (cached under `target/`), runs a nested, stratified,
//! clip-level cross-validation of the network and of two baselines, writes
//! `model/REPORT.md`, then trains the final model on all clips and writes
//! `model/genre.postcard`.

mod cv;
mod data;
mod folds;
mod knn;
mod metrics;
mod net;
mod report;
mod rng;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use genre_classifier::model::Precision;
use genre_classifier::Model;
use rayon::prelude::*;

use cv::{Candidate, Corpus};
use data::WindowSpec;
use net::Hyper;

/// Seed of the outer fold split; every other seed derives from it.
pub const SEED: u64 = 20_240_611;
/// Folds of the outer (evaluation) cross-validation.
pub const OUTER_FOLDS: usize = 5;

/// Window specs the selection chooses from (hop: half a window).
pub const SPECS: [WindowSpec; 3] = [
    WindowSpec {
        window_s: 3.0,
        hop_s: 1.5,
    },
    WindowSpec {
        window_s: 5.0,
        hop_s: 2.5,
    },
    WindowSpec {
        window_s: 10.0,
        hop_s: 5.0,
    },
];

/// Regularisation settings the selection chooses from: (dropout, weight decay).
pub const REGULARISATION: [(f32, f64); 2] = [(0.2, 0.01), (0.5, 0.1)];

/// Gradient steps of each training unless `--steps` says otherwise.
pub const DEFAULT_STEPS: usize = 300;

/// Training settings shared by every candidate.
pub fn hyper(steps: usize, dropout: f32, weight_decay: f64) -> Hyper {
    Hyper {
        steps,
        batch: 64,
        learning_rate: 1e-3,
        weight_decay,
        dropout,
    }
}

fn candidates(steps: usize) -> Vec<Candidate> {
    let mut c = Vec::new();
    for spec in 0..SPECS.len() {
        for (dropout, wd) in REGULARISATION {
            c.push(Candidate {
                spec,
                hyper: hyper(steps, dropout, wd),
            });
        }
    }
    c
}

/// A lower weight precision is used only if at most this fraction of the
/// held-out clip predictions change class against f32 weights...
pub const MAX_CHANGED_FRACTION: f64 = 0.01;
/// ...and the pooled held-out accuracy drops by at most this much.
pub const MAX_ACCURACY_DROP: f64 = 0.005;

/// Everything one outer fold produces.
pub struct FoldResult {
    pub test: Vec<usize>,
    pub chosen: usize,
    pub inner_scores: Vec<f64>,
    /// Clip probabilities of the fold's network at each of
    /// [`Precision::ALL`] (f32 first).
    pub net_at: Vec<Vec<Vec<f32>>>,
    pub knn_choice: (usize, usize),
    pub knn: Vec<Vec<f32>>,
    pub majority: usize,
}

impl FoldResult {
    /// Clip probabilities of the fold's network with f32 weights.
    pub fn net(&self) -> &[Vec<f32>] {
        &self.net_at[0]
    }
}

enum Job {
    Fold(usize),
    Final,
}

enum Outcome {
    Fold(usize, Box<FoldResult>),
    Final(usize, Vec<f64>),
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

fn run() -> Result<(), String> {
    let started = Instant::now();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut data_dir = repo.join("../shared/data/gtzan-subset");
    let mut steps = DEFAULT_STEPS;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--steps" {
            steps = args
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|&s| s > 0)
                .ok_or("--steps needs a positive number")?;
        } else {
            data_dir = PathBuf::from(a);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| e.to_string())?;
    // Each training runs on one thread (candle reads this variable), so
    // results do not depend on the machine; folds run in parallel instead.
    std::env::set_var("RAYON_NUM_THREADS", "1");

    let clips = data::list_clips(&data_dir)?;
    let t = Instant::now();
    let feats = data::window_features(&clips, &SPECS, &repo.join("target/genre-train-cache"))?;
    let feature_s = t.elapsed().as_secs_f64();
    let corpus = Corpus {
        labels: clips.iter().map(|c| c.genre).collect(),
        specs: SPECS.to_vec(),
        feats,
        classes: data::GENRES.len(),
    };
    let cands = candidates(steps);
    let all: Vec<usize> = (0..clips.len()).collect();
    let folds = folds::stratified(&corpus.labels, OUTER_FOLDS, SEED);

    let t = Instant::now();
    let mut jobs: Vec<Job> = vec![Job::Final];
    jobs.extend((0..OUTER_FOLDS).map(Job::Fold));
    let outcomes: Vec<Outcome> = jobs
        .into_par_iter()
        .map(|job| match job {
            Job::Fold(k) => {
                let r = outer_fold(&corpus, &all, &folds, k, &cands);
                eprintln!("fold {}: done", k + 1);
                Outcome::Fold(k, Box::new(r))
            }
            Job::Final => {
                let (chosen, scores) = cv::select_net(&corpus, &all, &cands, SEED ^ 0xF1);
                eprintln!("final selection: done");
                Outcome::Final(chosen, scores)
            }
        })
        .collect();
    let cv_s = t.elapsed().as_secs_f64();
    let mut fold_results: Vec<Option<FoldResult>> = (0..OUTER_FOLDS).map(|_| None).collect();
    let mut final_choice = (0, Vec::new());
    for o in outcomes {
        match o {
            Outcome::Fold(k, r) => fold_results[k] = Some(*r),
            Outcome::Final(c, s) => final_choice = (c, s),
        }
    }
    let fold_results: Vec<FoldResult> = fold_results.into_iter().flatten().collect();

    // The smallest precision whose held-out predictions barely differ from
    // f32 (see MAX_CHANGED_FRACTION and MAX_ACCURACY_DROP).
    let t = Instant::now();
    let chosen = cands[final_choice.0];
    let model = cv::train_model(&corpus, &all, chosen, SEED ^ 0xFFFF);
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
        clips: &clips,
        corpus: &corpus,
        cands: &cands,
        folds: &fold_results,
        final_choice: &final_choice,
        precisions: &precisions,
        chosen_precision,
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

/// Selection on the training folds, then evaluation on fold `k`.
fn outer_fold(
    corpus: &Corpus,
    all: &[usize],
    folds: &[usize],
    k: usize,
    cands: &[Candidate],
) -> FoldResult {
    let (train, test) = cv::split(all, folds, k);
    let seed = SEED ^ ((k as u64 + 1) << 16);
    let (chosen, inner_scores) = cv::select_net(corpus, &train, cands, seed);
    let cand = cands[chosen];
    let model = cv::train_model(corpus, &train, cand, seed ^ 0xABCD);
    let net_at: Vec<Vec<Vec<f32>>> = Precision::ALL
        .into_iter()
        .map(|p| {
            let m = Model::from_file(model.to_file(p)).expect("quantised model is valid");
            cv::clip_probs(&m, corpus, cand.spec, &test)
        })
        .collect();

    let (knn_choice, _) = cv::select_knn(corpus, &train, seed);
    let knn = cv::knn_probs(corpus, knn_choice.0, &train, &test, &[cv::KS[knn_choice.1]])
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
        inner_scores,
        net_at,
        knn_choice,
        knn,
        majority,
    }
}

/// Held-out results of the outer folds' networks at one weight precision.
pub struct PrecisionResult {
    pub precision: Precision,
    /// Size of the final model file at this precision.
    pub file_bytes: usize,
    pub per_fold: Vec<metrics::Confusion>,
    pub pooled: metrics::Confusion,
    /// Held-out clips whose predicted genre differs from the f32 network's.
    pub changes: usize,
    /// Largest difference of a held-out clip's genre probability from the
    /// f32 network's.
    pub max_prob_change: f32,
}

fn precision_result(
    corpus: &Corpus,
    folds: &[FoldResult],
    index: usize,
    precision: Precision,
    file_bytes: usize,
) -> PrecisionResult {
    let per_fold: Vec<metrics::Confusion> = folds
        .iter()
        .map(|f| cv::confusion(&f.net_at[index], &corpus.labels_of(&f.test), corpus.classes))
        .collect();
    let mut pooled = metrics::Confusion::new(corpus.classes);
    for c in &per_fold {
        pooled.merge(c);
    }
    let changes = folds
        .iter()
        .map(|f| {
            f.net()
                .iter()
                .zip(&f.net_at[index])
                .filter(|(a, b)| metrics::argmax(a) != metrics::argmax(b))
                .count()
        })
        .sum();
    let max_prob_change = folds
        .iter()
        .flat_map(|f| f.net().iter().zip(&f.net_at[index]))
        .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
        .fold(0.0f32, f32::max);
    PrecisionResult {
        precision,
        file_bytes,
        per_fold,
        pooled,
        changes,
        max_prob_change,
    }
}
