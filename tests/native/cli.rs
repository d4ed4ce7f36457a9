//! The `genre` command line, run on files written at test time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use genre_classifier::Model;

use crate::common;

fn genre(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genre"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temporary folder with three good WAV files, a truncated WAV (cut to a
/// third: classified as far as it goes, marked truncated), a WAV
/// declaring 0 Hz, a text file named .mp3, a text file named .txt and a
/// model file.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stereo: Vec<f32> = common::sine(330.0, 0.4, 2.5, 22050)
        .into_iter()
        .flat_map(|s| [s, 0.5 * s])
        .collect();
    std::fs::write(d.join("a.wav"), common::wav_bytes(&stereo, 2, 22050)).unwrap();
    let hi_rate = common::sine(330.0, 0.4, 1.5, 44100);
    std::fs::write(d.join("c.wav"), common::wav_bytes(&hi_rate, 1, 44100)).unwrap();
    let mono = common::sine(880.0, 0.3, 4.0, 22050);
    std::fs::write(d.join("b.wav"), common::wav_bytes(&mono, 1, 22050)).unwrap();
    let bad = common::wav_bytes(&mono, 1, 22050);
    std::fs::write(d.join("bad.wav"), &bad[..bad.len() / 3]).unwrap();
    std::fs::write(d.join("fake.mp3"), "not an mp3, just text\n").unwrap();
    // A 46-byte WAV whose header declares 0 Hz (the decoding library panics
    // on it; the file must get an error of its own, not end the batch).
    let mut zero_rate = common::wav_bytes(&mono[..1], 1, 22050);
    zero_rate[24..32].fill(0);
    zero_rate.resize(46, 0);
    std::fs::write(d.join("zero-rate.wav"), &zero_rate).unwrap();
    std::fs::write(d.join("notes.txt"), "ignored\n").unwrap();
    let model = d.join("model.postcard");
    std::fs::write(&model, common::model_bytes(3, 1.0, 0.5)).unwrap();
    (dir, model)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The confidence threshold of the model file at `path`.
fn threshold_of(path: &Path) -> f32 {
    Model::from_bytes(&std::fs::read(path).unwrap())
        .unwrap()
        .confidence_threshold()
}

/// The boolean "confident" field of a `--json` result, checked against its
/// top probability and the model's confidence `threshold` (inclusive).
fn confident(v: &Value, threshold: f32) -> bool {
    let confident = v["confident"]
        .as_bool()
        .unwrap_or_else(|| panic!("no boolean \"confident\" in {v}"));
    // f32 values survive the JSON round trip exactly.
    let top = v["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["probability"].as_f64().unwrap() as f32)
        .fold(f32::NEG_INFINITY, f32::max);
    assert_eq!(
        confident,
        top >= threshold,
        "{}: top probability {top}, threshold {threshold}",
        v["file"]
    );
    confident
}

/// Classifies `files` with `--json` and as text (with `--model model` when
/// given); checks that each text line names the file and its genre, and says
/// " (unsure)" exactly when the JSON result is not confident. Returns the
/// JSON results.
fn classify_json_and_text(model: Option<&Path>, threshold: f32, files: &[&Path]) -> Vec<Value> {
    let run = |json: bool| {
        let mut args = vec!["classify"];
        if json {
            args.push("--json");
        }
        if let Some(m) = model {
            args.extend(["--model", s(m)]);
        }
        args.extend(files.iter().map(|f| s(f)));
        let out = genre(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json: Vec<Value> = run(true)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines = run(false);
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(json.len(), files.len());
    assert_eq!(lines.len(), files.len(), "{lines:?}");
    for ((v, line), file) in json.iter().zip(&lines).zip(files) {
        assert_eq!(v["file"], s(file));
        let genre = v["genre"].as_str().unwrap();
        assert!(
            line.starts_with(&format!("{}: {genre} (", s(file))),
            "{line}"
        );
        let unsure = !confident(v, threshold);
        assert_eq!(line.contains(" (unsure)"), unsure, "{line}");
    }
    json
}

#[test]
fn classify_json_one_object_per_file() {
    let (dir, model) = workspace();
    let a = dir.path().join("a.wav");
    let b = dir.path().join("b.wav");
    let out = genre(&["classify", "--json", "--model", s(&model), s(&a), s(&b)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], s(&a));
    assert_eq!(lines[1]["file"], s(&b));
    for (v, duration) in lines.iter().zip([2.5, 4.0]) {
        assert!((v["duration"].as_f64().unwrap() - duration).abs() < 1e-3);
        let p = v["probabilities"].as_array().unwrap();
        assert_eq!(p.len(), 10);
        let sum: f64 = p.iter().map(|x| x["probability"].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-4);
        let best = p
            .iter()
            .max_by(|x, y| {
                x["probability"]
                    .as_f64()
                    .partial_cmp(&y["probability"].as_f64())
                    .unwrap()
            })
            .unwrap();
        assert_eq!(v["genre"], best["genre"]);
        assert_eq!(v["sampleRate"], 22050);
        confident(v, threshold_of(&model));
        assert!(v["top3"].as_array().unwrap().len() <= 3);
        let windows = v["windows"].as_array().unwrap();
        assert!(!windows.is_empty());
        assert_eq!(windows[0]["start"], 0.0);
        let end = windows.last().unwrap()["end"].as_f64().unwrap();
        assert!((end - duration).abs() < 1e-3);
    }
}

#[test]
fn unsure_results_are_marked_as_such() {
    let (dir, _) = workspace();
    let a = dir.path().join("a.wav");
    let b = dir.path().join("b.wav");
    // The same network and temperature, so the same probabilities; only the
    // confidence threshold differs.
    let sure = dir.path().join("sure.postcard");
    std::fs::write(&sure, common::model_bytes_calibrated(3, 1.0, 0.5, 1.0, 0.0)).unwrap();
    let unsure = dir.path().join("unsure.postcard");
    std::fs::write(
        &unsure,
        common::model_bytes_calibrated(3, 1.0, 0.5, 1.0, 1.0),
    )
    .unwrap();
    assert_eq!(threshold_of(&sure), 0.0);
    assert_eq!(threshold_of(&unsure), 1.0);

    let sure = classify_json_and_text(Some(&sure), 0.0, &[&a, &b]);
    let unsure = classify_json_and_text(Some(&unsure), 1.0, &[&a, &b]);
    for (x, y) in sure.iter().zip(&unsure) {
        assert_eq!(x["confident"], true, "{x}");
        assert_eq!(y["confident"], false, "{y}");
        assert_eq!(x["genre"], y["genre"]);
        assert_eq!(x["probabilities"], y["probabilities"]);
    }
}

#[test]
fn folder_keeps_going_past_bad_files_and_fails_at_the_end() {
    let (dir, model) = workspace();
    let out = genre(&["classify", "--model", s(&model), s(dir.path())]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].contains("a.wav:") && lines[1].contains("b.wav:"));
    assert!(lines[3].contains("c.wav:"));
    // The truncated WAV is classified as far as it goes, and marked.
    assert!(
        lines[2].contains("bad.wav:") && lines[2].ends_with(" (truncated)"),
        "{stdout}"
    );
    assert!(lines.iter().filter(|l| l.contains("(truncated)")).count() == 1);
    assert!(!stderr.contains("bad.wav"), "{stderr}");
    assert!(stderr.contains("fake.mp3") && stderr.contains("not a recognised audio file"));
    assert!(
        stderr.contains("zero-rate.wav") && stderr.contains("damaged"),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.txt") && !stdout.contains("notes.txt"));
}

#[test]
fn features_json_has_498_values() {
    let (dir, _) = workspace();
    let out = genre(&["features", s(&dir.path().join("c.wav")), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["sampleRate"], 44100);
    assert!((v["duration"].as_f64().unwrap() - 1.5).abs() < 1e-6);
    let f = v["features"].as_array().unwrap();
    assert_eq!(f.len(), 498);
    assert!(f.iter().all(|x| x.as_f64().is_some_and(f64::is_finite)));
}

#[test]
fn unreadable_inputs_are_reported() {
    let (dir, model) = workspace();
    let out = genre(&["features", s(&dir.path().join("fake.mp3"))]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("fake.mp3"));

    let out = genre(&[
        "classify",
        "--model",
        s(&dir.path().join("a.wav")),
        s(&model),
    ]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("invalid model file"));

    let missing = dir.path().join("missing.flac");
    let out = genre(&["classify", "--model", s(&model), s(&missing)]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("missing.flac"));
}

#[test]
fn embedded_model_classifies_a_real_clip() {
    let clip = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/gtzan-subset/genres/metal/metal.00000.flac");
    let threshold = Model::embedded().unwrap().confidence_threshold();
    let v = classify_json_and_text(None, threshold, &[&clip]).remove(0);
    let genres: Vec<&str> = v["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["genre"].as_str().unwrap())
        .collect();
    let mut sorted = genres.clone();
    sorted.sort();
    let mut want = genre_classifier::model::GENRES.to_vec();
    want.sort();
    assert_eq!(sorted, want);
    let windows = v["windows"].as_array().unwrap();
    assert!(windows.len() > 1);
    let end = windows.last().unwrap()["end"].as_f64().unwrap();
    assert!((end - v["duration"].as_f64().unwrap()).abs() < 1e-3);
}

/// A library tree: the workspace's good files spread over nested folders
/// (one with a comma, quotes and non-ASCII letters in its name), an empty
/// folder, a folder of text only, a symbolic link back to the root, and
/// the workspace's bad files at the top.
fn library() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, model) = workspace();
    let root = dir.path().join("library");
    let odd = root.join("rock/Ünïcode, \"quoted\" name");
    for d in [&root.join("jazz/live"), &odd, &root.join("empty")] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::create_dir_all(root.join("text only")).unwrap();
    std::fs::write(root.join("text only/readme.txt"), "no audio\n").unwrap();
    let from = |name: &str| dir.path().join(name);
    std::fs::rename(from("a.wav"), root.join("jazz/live/a.wav")).unwrap();
    std::fs::rename(from("b.wav"), odd.join("b.WAV")).unwrap();
    std::fs::rename(from("c.wav"), root.join("c.wav")).unwrap();
    for bad in ["bad.wav", "fake.mp3", "zero-rate.wav"] {
        std::fs::rename(from(bad), root.join(bad)).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", root.join("jazz/live/back-to-jazz")).unwrap();
    (dir, model, root)
}

/// Parses CSV as the CLI writes it (RFC 4180 quoting).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn folders_are_walked_recursively_and_every_problem_reported() {
    let (_dir, model, root) = library();
    let out = genre(&["classify", "--json", "--model", s(&model), s(&root)]);
    assert_eq!(out.status.code(), Some(1), "some files failed");
    let stderr = text(&out.stderr);
    let files: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let rel: Vec<String> = files
        .iter()
        .map(|f| {
            Path::new(f)
                .strip_prefix(&root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        rel,
        [
            "bad.wav",
            "c.wav",
            "jazz/live/a.wav",
            "rock/Ünïcode, \"quoted\" name/b.WAV"
        ],
        "sorted by path, extensions in any case"
    );
    for bad in ["fake.mp3", "zero-rate.wav"] {
        assert!(stderr.contains(bad), "{bad}: {stderr}");
    }
    assert!(!stderr.contains("bad.wav"), "{stderr}");
    #[cfg(unix)]
    assert!(
        stderr.contains("warning: ") && stderr.contains("back-to-jazz") && stderr.contains("loop"),
        "{stderr}"
    );
    // Empty folders inside a walk are not errors; a folder given on its own
    // with no audio anywhere below it is.
    assert!(!stderr.contains("empty"), "{stderr}");
    let none = genre(&["classify", "--model", s(&model), s(&root.join("text only"))]);
    assert_eq!(none.status.code(), Some(1));
    assert!(text(&none.stderr).contains("no audio files in this folder or its sub-folders"));
    let good = genre(&["classify", "--model", s(&model), s(&root.join("jazz"))]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr).trim());
}

#[test]
fn csv_has_one_row_per_file_failures_included() {
    let (_dir, model, root) = library();
    let out = genre(&[
        "classify",
        "--format",
        "csv",
        "--model",
        s(&model),
        s(&root),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let rows = csv_rows(&text(&out.stdout));
    let genres = Model::from_bytes(&std::fs::read(&model).unwrap())
        .unwrap()
        .genres()
        .to_vec();
    let mut header = vec![
        "file",
        "genre",
        "confident",
        "probability",
        "top3",
        "duration",
        "truncated",
    ];
    header.extend(genres.iter().map(String::as_str));
    header.push("error");
    assert_eq!(rows[0], header);
    let body = &rows[1..];
    // 4 classified (one truncated) and 2 bad files; the link loop is a
    // warning, not a row.
    assert_eq!(body.len(), 6, "{body:?}");
    assert!(body.iter().all(|r| r.len() == header.len()));
    let json = genre(&["classify", "--json", "--model", s(&model), s(&root)]);
    let results: Vec<Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for v in &results {
        let row = body
            .iter()
            .find(|r| r[0] == v["file"].as_str().unwrap())
            .unwrap();
        assert_eq!(row[1], v["genre"].as_str().unwrap());
        assert_eq!(row[2], v["confident"].to_string());
        assert_eq!(row[6], v["truncated"].to_string());
        assert_eq!(
            v["truncated"],
            v["file"].as_str().unwrap().ends_with("bad.wav")
        );
        assert!(row.last().unwrap().is_empty(), "no error: {row:?}");
        for (i, g) in genres.iter().enumerate() {
            let p = v["probabilities"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["genre"] == g.as_str())
                .unwrap()["probability"]
                .as_f64()
                .unwrap();
            let cell: f64 = row[7 + i].parse().unwrap();
            assert!((cell - p).abs() <= 5e-5, "{g}: {cell} vs {p}");
        }
    }
    let failed: Vec<&Vec<String>> = body
        .iter()
        .filter(|r| !r.last().unwrap().is_empty())
        .collect();
    assert_eq!(failed.len(), body.len() - results.len());
    assert!(failed
        .iter()
        .all(|r| r[1..r.len() - 1].iter().all(String::is_empty)));
    let text_out = genre(&[
        "classify",
        "--format",
        "text",
        "--json",
        "--model",
        s(&model),
        s(&root),
    ]);
    assert_eq!(
        text_out.status.code(),
        Some(2),
        "--json and --format together are a usage error"
    );
}

#[test]
fn playlists_list_each_genre_with_relative_paths() {
    let (dir, model, root) = library();
    let lists = dir.path().join("playlists");
    let out = genre(&[
        "classify",
        "--json",
        "--model",
        s(&model),
        "--playlists",
        s(&lists),
        s(&root),
    ]);
    assert_eq!(out.status.code(), Some(1), "the bad files still fail");
    let mut want: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for l in text(&out.stdout).lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let genre = v["genre"].as_str().unwrap().to_string();
        want.entry(genre)
            .or_default()
            .push(PathBuf::from(v["file"].as_str().unwrap()));
    }
    let mut written: Vec<String> = std::fs::read_dir(&lists)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let expected: Vec<String> = want.keys().map(|g| format!("{g}.m3u")).collect();
    assert_eq!(written, expected);
    for (genre, files) in &want {
        let m3u = std::fs::read_to_string(lists.join(format!("{genre}.m3u"))).unwrap();
        assert!(m3u.starts_with("#EXTM3U\n"));
        let listed: Vec<PathBuf> = m3u
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                assert!(Path::new(l).is_relative(), "{l}");
                lists.join(l).canonicalize().unwrap()
            })
            .collect();
        let files: Vec<PathBuf> = files.iter().map(|f| f.canonicalize().unwrap()).collect();
        assert_eq!(listed, files, "{genre}");
    }
}
