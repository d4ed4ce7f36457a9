//! `genre`: feature extraction and genre classification of audio files.

#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod playlists;
#[cfg(not(target_arch = "wasm32"))]
mod walk;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::IsTerminal;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use genre_classifier::decode::{classify_file, decode_file};
    use genre_classifier::layout::GROUPS;
    use genre_classifier::{Classification, Error, Model};
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use rayon::prelude::*;

    use crate::output::{self, Format};
    use crate::{playlists, walk};

    #[derive(Parser)]
    #[command(
        name = "genre",
        version,
        about = "Music genre classification of audio files"
    )]
    struct Args {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Print the 498-float feature vector of one file.
        Features {
            file: PathBuf,
            /// One JSON object instead of one named value per line.
            #[arg(long)]
            json: bool,
        },
        /// Classify files; a folder stands for every audio file below it
        /// (sub-folders included). Exits with 1 when any file failed.
        Classify {
            #[arg(required = true)]
            paths: Vec<PathBuf>,
            /// Output format.
            #[arg(long, value_enum, default_value_t = Format::Text)]
            format: Format,
            /// The same as `--format json`.
            #[arg(long, conflicts_with = "format")]
            json: bool,
            /// Use this model file instead of the embedded model.
            #[arg(long)]
            model: Option<PathBuf>,
            /// Also write one M3U playlist per genre into this folder, with
            /// paths relative to it.
            #[arg(long, value_name = "DIR")]
            playlists: Option<PathBuf>,
        },
    }

    pub fn main() -> ExitCode {
        let args = Args::parse();
        match args.command {
            Command::Features { file, json } => features(&file, json),
            Command::Classify {
                paths,
                format,
                json,
                model,
                playlists,
            } => {
                let format = if json { Format::Json } else { format };
                classify(&paths, format, model.as_deref(), playlists.as_deref())
            }
        }
    }

    fn fail(what: &Path, e: impl std::fmt::Display) {
        eprintln!("genre: {}: {e}", what.display());
    }

    fn features(file: &Path, json: bool) -> ExitCode {
        let result = decode_file(file)
            .and_then(|d| genre_classifier::features(&d.samples, d.sample_rate).map(|f| (d, f)));
        let (decoded, features) = match result {
            Ok(r) => r,
            Err(e) => {
                fail(file, e);
                return ExitCode::FAILURE;
            }
        };
        if json {
            let out = serde_json::json!({
                "sampleRate": decoded.sample_rate,
                "duration": decoded.duration_s(),
                "features": features.to_vec(),
            });
            println!("{out}");
        } else {
            for g in GROUPS {
                for (stat, range) in [("mean", g.mean()), ("min", g.min()), ("max", g.max())] {
                    for (row, i) in range.enumerate() {
                        println!("{}.{stat}[{row}]\t{}", g.name, features[i]);
                    }
                }
            }
        }
        ExitCode::SUCCESS
    }

    fn classify(
        paths: &[PathBuf],
        format: Format,
        model_path: Option<&Path>,
        playlist_dir: Option<&Path>,
    ) -> ExitCode {
        let owned;
        let model: &Model = match model_path {
            Some(p) => {
                let loaded = std::fs::read(p)
                    .map_err(|e| Error::Io {
                        message: e.to_string(),
                    })
                    .and_then(|b| Model::from_bytes(&b));
                match loaded {
                    Ok(m) => {
                        owned = m;
                        &owned
                    }
                    Err(e) => {
                        fail(p, e);
                        return ExitCode::FAILURE;
                    }
                }
            }
            None => match Model::embedded() {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("genre: {e}");
                    return ExitCode::FAILURE;
                }
            },
        };
        let walk::Walk {
            entries: files,
            skipped,
        } = walk::expand(paths);
        for (path, why) in &skipped {
            eprintln!("genre: warning: {}: {why}", path.display());
        }
        let bar = if std::io::stderr().is_terminal() && files.len() > 1 {
            let bar = ProgressBar::with_draw_target(
                Some(files.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}") {
                bar.set_style(style);
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        let results: Vec<Result<(PathBuf, Classification), (PathBuf, String)>> = files
            .into_par_iter()
            .map(|f| {
                let r = f.and_then(|path| {
                    // Streamed: memory stays bounded at any file length.
                    classify_file(model, &path, &mut |_, _| true)
                        .map(|c| (path.clone(), c))
                        .map_err(|e| (path, e.to_string()))
                });
                bar.inc(1);
                r
            })
            .collect();
        bar.finish_and_clear();

        let genres = model.genres();
        if format == Format::Csv {
            println!("{}", output::csv_header(genres));
        }
        let mut failed = false;
        let mut classified = Vec::new();
        for r in &results {
            let (path, outcome) = match r {
                Ok((path, c)) => (path, Ok(c)),
                Err((path, e)) => {
                    fail(path, e);
                    failed = true;
                    (path, Err(e.as_str()))
                }
            };
            if let Some(line) = output::line(format, path, outcome, genres) {
                println!("{line}");
            }
            if let Ok(c) = outcome {
                classified.push((path.clone(), c));
            }
        }
        if let Some(dir) = playlist_dir {
            if let Err(e) = playlists::write(dir, &classified) {
                fail(dir, format!("cannot write the playlists: {e}"));
                failed = true;
            }
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
