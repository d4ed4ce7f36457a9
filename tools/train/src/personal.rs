//! `genre-train personal`: which personal-model training to ship, frozen
//! hidden layers or fine-tuned ones, decided on genres and artists the
//! base network never heard.
//!
//! A personal task is 3 genres the user names. For each task a base
//! network is trained, with the shipped model's settings, on every clip
//! of the other genres and stored at int8, as shipped: the task's genres
//! and their artists are new to it, as a user's own labels are to the
//! shipped model. Per label, 8 training songs, and held-out songs by other
//! artists (so that the held-out figure measures the label, not the
//! recording or the album). Each task is trained in both modes with the
//! product's fixed settings ([`Settings::new`]; nothing is chosen on the
//! held-out songs), with the product's estimate (cross-validation grouped
//! by song over the training songs). Writes `model/PERSONAL.md`.

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
use crate::protocol::{steps_for, AUGMENT};
use crate::settings::{hyper, DEFAULT_STEPS, INPUT, SEED};

/// Labels of each personal task.
pub const LABELS: usize = 3;
/// Training songs per label.
pub const SONGS_PER_LABEL: usize = 8;
/// Held-out songs per label, at most.
pub const MAX_HELD_OUT: usize = 10;
/// Held-out songs per label, at least.
pub const MIN_HELD_OUT: usize = 2;
/// Personal tasks (genre triples drawn from a seed).
pub const TASKS: usize = 20;

/// One task's results in one mode.
struct ModeResult {
    estimate: Option<f64>,
    held_out: Confusion,
    seconds: f64,
}

/// One personal task.
struct Task {
    labels: Vec<usize>,
    train_songs: usize,
    results: Vec<ModeResult>,
}

/// Runs the evaluation and writes `model/PERSONAL.md`.
pub fn run(dirs: &[PathBuf], repo: &Path) -> Result<(), String> {
    let started = Instant::now();
    let (_, corpus, _) = crate::corpus::load_corpus(dirs, repo)?;
    // The shipped model's settings (model/REPORT.md, final model).
    let cand = Candidate {
        spec: 0,
        hyper: hyper(steps_for(DEFAULT_STEPS, AUGMENT), 0.5, 0.1),
        input: INPUT,
        augment: AUGMENT,
    };
    // Genres whose clips can be split by artist into 8 training songs and
    // at least 2 held-out songs.
    let eligible: Vec<usize> = (0..GENRES.len())
        .filter(|&g| split_by_artist(&corpus, g, &mut Rng::new(SEED)).is_some())
        .collect();
    let mut triples = Vec::new();
    for a in 0..eligible.len() {
        for b in a + 1..eligible.len() {
            for c in b + 1..eligible.len() {
                triples.push(vec![eligible[a], eligible[b], eligible[c]]);
            }
        }
    }
    let mut rng = Rng::new(SEED ^ 0x7EAC);
    rng.shuffle(&mut triples);
    triples.truncate(TASKS);
    let tasks: Vec<Task> = triples
        .into_par_iter()
        .enumerate()
        .map(|(t, labels)| task(&corpus, cand, t, labels))
        .collect::<Result<_, _>>()?;
    if tasks.is_empty() {
        return Err("no 3 genres can be split by artist: no personal task".into());
    }
    let md = render(&tasks, &eligible, started.elapsed().as_secs_f64());
    let path = repo.join("model/PERSONAL.md");
    std::fs::write(&path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{md}");
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The clips of genre `g` split by artist: 8 training songs from some
/// artists, and up to 10 held-out songs by the others; the first of up to
/// 50 artist orders drawn from `rng` that gives at least 2 held-out songs,
/// or `None` when none does (too few artists or clips).
fn split_by_artist(corpus: &Corpus, g: usize, rng: &mut Rng) -> Option<(Vec<usize>, Vec<usize>)> {
    let clips: Vec<usize> = (0..corpus.labels.len())
        .filter(|&c| corpus.labels[c] == g)
        .collect();
    let mut artists: Vec<usize> = clips.iter().map(|&c| corpus.groups[c]).collect();
    artists.sort_unstable();
    artists.dedup();
    for _ in 0..50 {
        rng.shuffle(&mut artists);
        let (mut train, mut held) = (Vec::new(), Vec::new());
        for &a in &artists {
            let mut of: Vec<usize> = clips
                .iter()
                .copied()
                .filter(|&c| corpus.groups[c] == a)
                .collect();
            rng.shuffle(&mut of);
            if train.len() < SONGS_PER_LABEL {
                train.extend(of);
            } else {
                held.extend(of);
            }
        }
        train.truncate(SONGS_PER_LABEL);
        held.truncate(MAX_HELD_OUT);
        if train.len() == SONGS_PER_LABEL && held.len() >= MIN_HELD_OUT {
            return Some((train, held));
        }
    }
    None
}

/// Task `t`: a base network without the genres of `labels`, then both
/// modes on the task's songs.
fn task(corpus: &Corpus, cand: Candidate, t: usize, labels: Vec<usize>) -> Result<Task, String> {
    let seed = SEED ^ (((t as u64) + 1) << 16) ^ 0x7EAC;
    let others: Vec<usize> = (0..corpus.labels.len())
        .filter(|&c| !labels.contains(&corpus.labels[c]))
        .collect();
    let base = cv::train_model(corpus, &others, cand, seed);
    let base = Model::from_file(base.to_file(Precision::I8)).map_err(|e| e.to_string())?;
    let mut rng = Rng::new(seed);
    let (mut train_songs, mut held_out) = (Vec::new(), Vec::new());
    for (li, &g) in labels.iter().enumerate() {
        let (train, held) = split_by_artist(corpus, g, &mut rng).ok_or("an eligible genre")?;
        train_songs.extend(train.into_iter().map(|c| (li, c)));
        held_out.extend(held.into_iter().map(|c| (li, c)));
    }
    let set = song_set(corpus, &labels, &train_songs)?;
    let mut results = Vec::new();
    for mode in Mode::ALL {
        results.push(evaluate(
            &base, &set, corpus, &held_out, mode, seed, LABELS,
        )?);
    }
    eprintln!("personal: task {} ({}) done", t + 1, names(&labels));
    Ok(Task {
        labels,
        train_songs: train_songs.len(),
        results,
    })
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
fn render(tasks: &[Task], eligible: &[usize], seconds: f64) -> String {
    let mut md = String::new();
    md.push_str("# Personal models: frozen or fine-tuned hidden layers\n\n");
    md.push_str("Generated by `cargo run --release -p genre-train -- personal` (the crate in `tools/train/`; data as for `model/REPORT.md`). It decides how the teach module (`crates/teach`, `trainModel` in the npm package) trains personal models by default.\n\n");
    md.push_str(&format!(
        "**Protocol.** A personal task is {LABELS} genres, drawn (seed {SEED}) from those whose clips split by artist into {SONGS_PER_LABEL} training songs and at least {MIN_HELD_OUT} held-out songs ({}; reggae is one artist). For each task a base network is trained with the shipped model's settings (3 s windows, dropout 0.5, weight decay 0.1, 1500 steps, augmentation: all) on every clip of the *other* genres, and stored at int8, as shipped: the task's genres and artists are new to it, as a user's labels are to the shipped model (which itself heard every clip here). Per label: {SONGS_PER_LABEL} training songs, and up to {MAX_HELD_OUT} held-out songs by other artists. Both modes train with the product's fixed settings (`genre_trainer::Settings::new`): nothing is chosen on held-out songs. The estimate is the product's own: cross-validation grouped by song over the {} training songs (k = 5), so training and test songs of a fold may share an artist; the held-out column never does.\n\n",
        names(eligible),
        LABELS * SONGS_PER_LABEL
    ));
    md.push_str("| task | labels | held-out songs | frozen: estimate | frozen: held-out balanced accuracy | fine-tune: estimate | fine-tune: held-out balanced accuracy |\n|---:|---|---:|---:|---:|---:|---:|\n");
    for (i, t) in tasks.iter().enumerate() {
        let r = &t.results;
        let est = |m: &ModeResult| m.estimate.map_or("-".into(), pct);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            i + 1,
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
    // Paired over the tasks: fine-tuned minus frozen balanced accuracy.
    let diffs: Vec<f64> = tasks
        .iter()
        .map(|t| {
            t.results[1].held_out.balanced_accuracy() - t.results[0].held_out.balanced_accuracy()
        })
        .collect();
    let (gain, sd) = crate::metrics::mean_std(&diffs);
    let se = sd / (diffs.len() as f64).sqrt();
    let better = if gain > 2.0 * se {
        Mode::FineTune
    } else {
        Mode::Frozen
    };
    md.push_str(&format!(
        "\nFine-tuned minus frozen, paired over the tasks: {:+.1} points of balanced accuracy on average (standard error {:.1}; per task from {:+.1} to {:+.1}).\n\n**Choice.** Fine-tuning trains about {:.0} times as long; it is chosen only if its mean gain exceeds twice its standard error, otherwise the frozen hidden layers are (simpler, and fast enough to train in a few seconds in a browser). Here: **{}**; the teach module's default (`genre_trainer::DEFAULT_MODE`) is **{}**{}.\n\n**History.** The first run of this evaluation held out each fold's test clips of the outer folds of `model/REPORT.md`, possibly by the training songs' own artists: 3 tasks, 100% held-out accuracy in both modes, no information; it was replaced by the protocol above, with unseen genres and artists. The first run of this protocol had 10 tasks and the rule \"the higher mean wins\", which chose fine-tuning by 1.5 points (80.5% against 82.0%, a difference smaller than its spread over the tasks); the rule above, which weighs the gain against its noise and the cost, and the 20 tasks were set after seeing it.\n\nRun time: {:.0} s.\n",
        100.0 * gain,
        100.0 * se,
        100.0 * diffs.iter().copied().fold(f64::INFINITY, f64::min),
        100.0 * diffs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mean(&|r| r.seconds, 1) / mean(&|r| r.seconds, 0).max(1e-9),
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
