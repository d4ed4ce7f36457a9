//! `genre-train personal`: which personal-model training to ship, frozen
//! hidden layers or fine-tuned ones, decided on music the base network
//! never heard.
//!
//! For each outer fold of the grouped (by artist) cross-validation, a base
//! network is trained on the other folds with the shipped model's settings
//! and stored at int8, as shipped; its test artists are unseen. Personal
//! tasks are built from the fold's test clips: 3 genres (those with at
//! least 10 test clips), 8 training songs per label, the label's other test
//! clips held out. Each task is trained in both modes with the product's
//! fixed settings ([`Settings::new`]; nothing is chosen on the held-out
//! songs), the product's estimate (cross-validation grouped by song over
//! the 24 training songs) is computed, and the held-out songs are
//! classified. Writes `model/PERSONAL.md`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use genre_classifier::model::Precision;
use genre_classifier::{Model, N_FEATURES};
use genre_trainer::estimate::{estimate, Outcome};
use genre_trainer::rng::Rng;
use genre_trainer::transfer::{train, Prepared};
use genre_trainer::{Mode, Settings, SongSet, DEFAULT_MODE};
use rayon::prelude::*;

use crate::cv::{self, Candidate, Corpus};
use crate::data::GENRES;
use crate::metrics::Confusion;
use crate::{hyper, steps_for, AUGMENT, DEFAULT_STEPS, INPUT, OUTER_FOLDS, SEED};

/// Labels of each personal task.
pub const LABELS: usize = 3;
/// Training songs per label.
pub const SONGS_PER_LABEL: usize = 8;
/// Held-out songs per label, at most.
pub const MAX_HELD_OUT: usize = 10;
/// Tasks per outer fold, at most (drawn from the fold's eligible triples).
pub const TASKS_PER_FOLD: usize = 4;

/// One task's results in one mode.
struct ModeResult {
    estimate: Option<f64>,
    held_out: Confusion,
    seconds: f64,
}

/// One personal task.
struct Task {
    fold: usize,
    labels: Vec<usize>,
    train_songs: usize,
    results: Vec<ModeResult>,
}

/// Runs the evaluation and writes `model/PERSONAL.md`.
pub fn run(dirs: &[PathBuf], repo: &Path) -> Result<(), String> {
    let started = Instant::now();
    let (_, corpus, _) = crate::load_corpus(dirs, repo)?;
    let all: Vec<usize> = (0..corpus.labels.len()).collect();
    let outer = corpus.grouped_folds(&all, OUTER_FOLDS, SEED);
    // The shipped model's settings (model/REPORT.md, final model).
    let cand = Candidate {
        spec: 0,
        hyper: hyper(steps_for(DEFAULT_STEPS, AUGMENT), 0.5, 0.1),
        input: INPUT,
        augment: AUGMENT,
    };
    let tasks: Vec<Vec<Task>> = (0..OUTER_FOLDS)
        .into_par_iter()
        .map(|k| fold_tasks(&corpus, &all, &outer, k, cand))
        .collect::<Result<_, _>>()?;
    let tasks: Vec<Task> = tasks.into_iter().flatten().collect();
    if tasks.is_empty() {
        return Err("no fold has 3 genres with 10 test clips: no personal task".into());
    }
    let md = render(&tasks, started.elapsed().as_secs_f64());
    let path = repo.join("model/PERSONAL.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{md}");
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The tasks of outer fold `k`, trained and evaluated in both modes.
fn fold_tasks(
    corpus: &Corpus,
    all: &[usize],
    outer: &[usize],
    k: usize,
    cand: Candidate,
) -> Result<Vec<Task>, String> {
    let (train_clips, test) = cv::split(all, outer, k);
    let seed = SEED ^ (((k as u64) + 1) << 16) ^ 0x7EAC;
    let base = cv::train_model(corpus, &train_clips, cand, seed);
    let base = Model::from_file(base.to_file(Precision::I8)).map_err(|e| e.to_string())?;
    let mut by_genre: Vec<Vec<usize>> = vec![Vec::new(); GENRES.len()];
    for &c in &test {
        by_genre[corpus.labels[c]].push(c);
    }
    let eligible: Vec<usize> = (0..GENRES.len())
        .filter(|&g| by_genre[g].len() > SONGS_PER_LABEL + 1)
        .collect();
    let mut triples = Vec::new();
    for a in 0..eligible.len() {
        for b in a + 1..eligible.len() {
            for c in b + 1..eligible.len() {
                triples.push(vec![eligible[a], eligible[b], eligible[c]]);
            }
        }
    }
    let mut rng = Rng::new(seed);
    rng.shuffle(&mut triples);
    triples.truncate(TASKS_PER_FOLD);
    triples.sort();
    let mut tasks = Vec::new();
    for (t, labels) in triples.into_iter().enumerate() {
        let (mut train_songs, mut held_out) = (Vec::new(), Vec::new());
        for (li, &g) in labels.iter().enumerate() {
            let mut clips = by_genre[g].clone();
            rng.shuffle(&mut clips);
            let n = clips.len().min(SONGS_PER_LABEL + MAX_HELD_OUT);
            train_songs.extend(clips[..SONGS_PER_LABEL].iter().map(|&c| (li, c)));
            held_out.extend(clips[SONGS_PER_LABEL..n].iter().map(|&c| (li, c)));
        }
        let set = song_set(corpus, &labels, &train_songs)?;
        let task_seed = seed ^ ((t as u64 + 1) << 40);
        let mut results = Vec::new();
        for mode in Mode::ALL {
            results.push(evaluate(
                &base, &set, corpus, &held_out, mode, task_seed, LABELS,
            )?);
        }
        eprintln!(
            "personal: fold {} task {} ({}) done",
            k + 1,
            t + 1,
            names(&labels)
        );
        tasks.push(Task {
            fold: k,
            labels,
            train_songs: train_songs.len(),
            results,
        });
    }
    Ok(tasks)
}

/// The set of `songs` (label index, clip) with the clips' window features.
fn song_set(
    corpus: &Corpus,
    labels: &[usize],
    songs: &[(usize, usize)],
) -> Result<SongSet, String> {
    let feats = &corpus.feats[0];
    let names = labels.iter().map(|&g| GENRES[g].to_string()).collect();
    let song_labels: Vec<usize> = songs.iter().map(|&(l, _)| l).collect();
    let windows: Vec<usize> = songs
        .iter()
        .map(|&(_, c)| feats[c].len() / N_FEATURES)
        .collect();
    let features: Vec<f32> = songs.iter().flat_map(|&(_, c)| feats[c].clone()).collect();
    SongSet::new(names, &song_labels, &windows, features).map_err(|e| e.to_string())
}

/// Trains `set` in `mode` (estimate, then the model on every song) and
/// classifies the held-out songs.
fn evaluate(
    base: &Model,
    set: &SongSet,
    corpus: &Corpus,
    held_out: &[(usize, usize)],
    mode: Mode,
    seed: u64,
    labels: usize,
) -> Result<ModeResult, String> {
    let started = Instant::now();
    let settings = Settings::new(mode);
    let prep = Prepared::new(base, set).map_err(|e| e.to_string())?;
    let est = estimate(&prep, &settings, seed, &mut |_| true).map_err(|e| e.to_string())?;
    let all: Vec<usize> = (0..set.songs().len()).collect();
    let personal = train(&prep, &all, &settings, seed, &mut |_| true).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let mut held = Confusion::new(labels);
    for &(label, clip) in held_out {
        let mut mean = vec![0.0f64; labels];
        for w in corpus.feats[0][clip].chunks_exact(N_FEATURES) {
            let x: &[f32; N_FEATURES] = w.try_into().map_err(|_| "498 features")?;
            for (m, p) in mean.iter_mut().zip(personal.model.predict(x)) {
                *m += p as f64;
            }
        }
        let best = (0..labels).fold(0, |b, i| if mean[i] > mean[b] { i } else { b });
        held.add(label, best);
    }
    Ok(ModeResult {
        estimate: match est {
            Outcome::Estimate(e) => Some(e.balanced_accuracy),
            Outcome::Unavailable { .. } => None,
        },
        held_out: held,
        seconds,
    })
}

fn names(labels: &[usize]) -> String {
    labels
        .iter()
        .map(|&g| GENRES[g])
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// The report.
fn render(tasks: &[Task], seconds: f64) -> String {
    let mut md = String::new();
    md.push_str("# Personal models: frozen or fine-tuned hidden layers\n\n");
    md.push_str("Generated by `cargo run --release -p genre-train -- personal` (the crate in `tools/train/`; data as for `model/REPORT.md`). It decides how the teach module (`crates/teach`, `trainModel` in the npm package) trains personal models by default.\n\n");
    md.push_str(&format!(
        "**Protocol.** The 5 outer folds of `model/REPORT.md` (grouped by artist, seed {SEED}). For each fold a base network is trained on the other four folds with the shipped model's settings (3 s windows, dropout 0.5, weight decay 0.1, 1500 steps, augmentation: all) and stored at int8, as shipped, so that the artists of the fold's test clips are unseen by it (the shipped model itself heard every clip here). Personal tasks come from the fold's test clips: {LABELS} genres among those with more than {} test clips, at most {TASKS_PER_FOLD} triples per fold drawn from a seed; per label {SONGS_PER_LABEL} training songs, and up to {MAX_HELD_OUT} of the label's other test clips held out (held-out songs are other songs, possibly by the same artists as training songs, as a user's would be). Both modes train with the product's fixed settings (`genre_trainer::Settings::new`): nothing is chosen on held-out songs. The estimate is the product's own (cross-validation over the {} training songs, grouped by song, k = 5).\n\n",
        SONGS_PER_LABEL + 1,
        LABELS * SONGS_PER_LABEL
    ));
    md.push_str("| fold | labels | held-out songs | frozen: estimate | frozen: held-out balanced accuracy | fine-tune: estimate | fine-tune: held-out balanced accuracy |\n|---:|---|---:|---:|---:|---:|---:|\n");
    for t in tasks {
        let r = &t.results;
        let est = |m: &ModeResult| m.estimate.map_or("-".into(), pct);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            t.fold + 1,
            names(&t.labels),
            r[0].held_out.total(),
            est(&r[0]),
            pct(r[0].held_out.balanced_accuracy()),
            est(&r[1]),
            pct(r[1].held_out.balanced_accuracy()),
        ));
    }
    let mean = |f: &dyn Fn(&ModeResult) -> f64, m: usize| {
        tasks.iter().map(|t| f(&t.results[m])).sum::<f64>() / tasks.len() as f64
    };
    let mut pooled = [Confusion::new(LABELS), Confusion::new(LABELS)];
    for t in tasks {
        for (m, p) in pooled.iter_mut().enumerate() {
            p.merge(&t.results[m].held_out);
        }
    }
    md.push_str(&format!(
        "\n{} tasks ({} training songs each), chance: {}.\n\n| mode | mean held-out balanced accuracy | pooled held-out accuracy | mean estimate | training time per task (estimate + final model, natively, one thread) |\n|---|---:|---:|---:|---:|\n",
        tasks.len(),
        tasks[0].train_songs,
        pct(1.0 / LABELS as f64)
    ));
    for (m, mode) in Mode::ALL.iter().enumerate() {
        md.push_str(&format!(
            "| {} | **{}** | {} | {} | {:.1} s |\n",
            mode.name(),
            pct(mean(&|r| r.held_out.balanced_accuracy(), m)),
            pct(pooled[m].accuracy()),
            pct(mean(&|r| r.estimate.unwrap_or(0.0), m)),
            mean(&|r| r.seconds, m),
        ));
    }
    let frozen = mean(&|r| r.held_out.balanced_accuracy(), 0);
    let fine = mean(&|r| r.held_out.balanced_accuracy(), 1);
    let better = if fine > frozen + 1e-9 {
        Mode::FineTune
    } else {
        Mode::Frozen
    };
    md.push_str(&format!(
        "\n**Choice.** The mode with the higher mean held-out balanced accuracy (frozen on a tie: simpler, and faster to train) is **{}**; the teach module's default (`genre_trainer::DEFAULT_MODE`) is **{}**{}.\n\nRun time: {:.0} s.\n",
        better.name(),
        DEFAULT_MODE.name(),
        if better == DEFAULT_MODE {
            ""
        } else {
            " — it disagrees with this run: change DEFAULT_MODE"
        },
        seconds
    ));
    md
}
