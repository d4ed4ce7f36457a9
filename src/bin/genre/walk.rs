//! The files named on the command line: folders walked recursively.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// File extensions classified when a folder is given.
pub const AUDIO_EXTENSIONS: [&str; 5] = ["wav", "flac", "mp3", "ogg", "oga"];

/// One entry of the walk: a file to classify, or a path that could not be
/// walked and why (reported like a failed file; the walk goes on).
pub type Entry = Result<PathBuf, (PathBuf, String)>;

/// What a walk found: the entries, in order, and the folders it skipped
/// (symbolic links back to a folder being walked), with why.
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// The files named by `paths`, in order: a file as given (whatever its
/// extension), a folder as every audio file below it, sub-folders
/// included, sorted by path. Symbolic links are followed; a link back to a
/// folder being walked is skipped and noted; an unreadable folder or entry
/// and a folder with no audio file anywhere below it become entries of
/// their own.
pub fn expand(paths: &[PathBuf]) -> Walk {
    let mut walk_out = Walk::default();
    for p in paths {
        let out = &mut walk_out.entries;
        if p.is_dir() {
            let before = out.iter().filter(|e: &&Entry| e.is_ok()).count();
            let mut ancestors = HashSet::new();
            walk(p, &mut ancestors, out, &mut walk_out.skipped);
            if out.iter().filter(|e| e.is_ok()).count() == before {
                out.push(Err((
                    p.clone(),
                    "no audio files in this folder or its sub-folders".into(),
                )));
            }
        } else {
            out.push(Ok(p.clone()));
        }
    }
    walk_out
}

/// Whether `path` has one of the [`AUDIO_EXTENSIONS`] (any case).
pub fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Appends the audio files below `dir`; `ancestors` holds the canonical
/// paths of the folders on the way down, to stop at link loops.
fn walk(
    dir: &Path,
    ancestors: &mut HashSet<PathBuf>,
    out: &mut Vec<Entry>,
    skipped: &mut Vec<(PathBuf, String)>,
) {
    let canonical = match dir.canonicalize() {
        Ok(c) => c,
        Err(e) => return out.push(Err((dir.to_path_buf(), e.to_string()))),
    };
    if !ancestors.insert(canonical.clone()) {
        return skipped.push((
            dir.to_path_buf(),
            "symbolic link loop (a link to a folder that contains it): skipped".into(),
        ));
    }
    let mut children = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                match entry {
                    Ok(e) => children.push(e.path()),
                    Err(e) => out.push(Err((dir.to_path_buf(), e.to_string()))),
                }
            }
        }
        Err(e) => out.push(Err((dir.to_path_buf(), e.to_string()))),
    }
    children.sort();
    for child in children {
        // `is_dir` and `is_file` follow symbolic links; a dangling link is
        // neither and is passed over, like any non-audio entry.
        if child.is_dir() {
            walk(&child, ancestors, out, skipped);
        } else if child.is_file() && is_audio(&child) {
            out.push(Ok(child));
        }
    }
    ancestors.remove(&canonical);
}
