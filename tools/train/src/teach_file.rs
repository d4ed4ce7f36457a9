//! `genre-train teach SONGS MODEL [--seed N] [--mode frozen|fine-tune]`:
//! trains a personal model natively on a song-set file (written by
//! `SongSet::to_bytes`, or by the npm tests from the features the teach
//! module trained on), with the same core and settings as the WebAssembly
//! teach module, and writes the model file. Prints one JSON line: the
//! training time in seconds, the epochs and the estimate's accuracy.

use std::time::Instant;

use genre_classifier::Model;
use genre_trainer::estimate::Outcome;
use genre_trainer::{teach, Mode, Settings, SongSet, DEFAULT_MODE};

/// Runs the subcommand with its arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: genre-train teach SONGS MODEL [--seed N] [--mode frozen|fine-tune]";
    let (mut files, mut seed, mut mode) = (Vec::new(), 1u64, DEFAULT_MODE);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seed needs a whole number")?
            }
            "--mode" => {
                mode = Mode::from_name(it.next().map_or("", String::as_str))
                    .map_err(|e| e.to_string())?
            }
            _ => files.push(a.clone()),
        }
    }
    let [songs, out] = &files[..] else {
        return Err(usage.into());
    };
    let bytes = std::fs::read(songs).map_err(|e| format!("{songs}: {e}"))?;
    let set = SongSet::from_bytes(&bytes).map_err(|e| format!("{songs}: {e}"))?;
    let base = Model::embedded().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut epochs = 0usize;
    let taught = teach(base, &set, &Settings::new(mode), seed, &mut |_| {
        epochs += 1;
        true
    })
    .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(out, &taught.personal.bytes).map_err(|e| format!("{out}: {e}"))?;
    let estimate = match &taught.estimate {
        Outcome::Estimate(e) => format!(
            "{{\"folds\":{},\"accuracy\":{},\"balancedAccuracy\":{}}}",
            e.folds, e.accuracy, e.balanced_accuracy
        ),
        Outcome::Unavailable { .. } => "null".into(),
    };
    println!(
        "{{\"seconds\":{seconds:.3},\"epochs\":{epochs},\"mode\":\"{}\",\"estimate\":{estimate}}}",
        mode.name()
    );
    Ok(())
}
