//! `genre`: feature extraction and genre classification of audio files.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::IsTerminal;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use genre_classifier::decode::decode_file;
    use genre_classifier::layout::GROUPS;
    use genre_classifier::{Classification, Error, Model};
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use rayon::prelude::*;
    use serde::Serialize;

    /// File extensions classified when a folder is given.
    const AUDIO_EXTENSIONS: [&str; 5] = ["wav", "flac", "mp3", "ogg", "oga"];

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
        /// Classify files; a folder stands for every audio file directly in it.
        Classify {
            #[arg(required = true)]
            paths: Vec<PathBuf>,
            /// One JSON object per line and file.
            #[arg(long)]
            json: bool,
            /// Use this model file instead of the embedded model.
            #[arg(long)]
            model: Option<PathBuf>,
        },
    }

    pub fn main() -> ExitCode {
        let args = Args::parse();
        match args.command {
            Command::Features { file, json } => features(&file, json),
            Command::Classify { paths, json, model } => classify(&paths, json, model.as_deref()),
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

    /// The files named by `paths`, folders expanded (sorted by name).
    fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
        let mut out = Vec::new();
        for p in paths {
            if !p.is_dir() {
                out.push(Ok(p.clone()));
                continue;
            }
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file() && is_audio(f))
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        out.push(Err((p.clone(), "no audio files in this folder".into())));
                    }
                    out.extend(files.into_iter().map(Ok));
                }
                Err(e) => out.push(Err((p.clone(), e.to_string()))),
            }
        }
        out
    }

    fn is_audio(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
    }

    fn classify(paths: &[PathBuf], json: bool, model_path: Option<&Path>) -> ExitCode {
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
        let files = expand(paths);
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
                    decode_file(&path)
                        .and_then(|d| model.classify(&d.samples, d.sample_rate))
                        .map(|c| (path.clone(), c))
                        .map_err(|e| (path, e.to_string()))
                });
                bar.inc(1);
                r
            })
            .collect();
        bar.finish_and_clear();

        let mut failed = false;
        for r in results {
            match r {
                Ok((path, c)) => {
                    if json {
                        let out = FileResult {
                            file: path.display().to_string(),
                            c: &c,
                        };
                        match serde_json::to_string(&out) {
                            Ok(s) => println!("{s}"),
                            Err(e) => {
                                fail(&path, e);
                                failed = true;
                            }
                        }
                    } else {
                        println!("{}", text_line(&path, &c));
                    }
                }
                Err((path, e)) => {
                    fail(&path, e);
                    failed = true;
                }
            }
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    fn text_line(path: &Path, c: &Classification) -> String {
        let top: Vec<String> = c
            .top3
            .iter()
            .map(|g| format!("{} {:.0}%", g.genre, 100.0 * g.probability))
            .collect();
        format!(
            "{}: {}{} ({}; {:.1} s, {} windows)",
            path.display(),
            c.genre,
            if c.confident { "" } else { " (unsure)" },
            top.join(", "),
            c.duration,
            c.windows.len()
        )
    }

    /// One file's JSON line: the file's path, then the [`Classification`]
    /// exactly as the JavaScript API returns it.
    #[derive(Serialize)]
    struct FileResult<'a> {
        file: String,
        #[serde(flatten)]
        c: &'a Classification,
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
