//! The corpus the pipeline trains on: the clips of the data folders, their
//! artist groups and the window features of the clips and of their
//! augmented copies (cached under `target/`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::augment::Kind;
use crate::cv::Corpus;
use crate::protocol::SPECS;
use crate::{data, folds};

/// The clips of `dirs` and their window features (from the cache under
/// `target/` when there), and the seconds it took.
pub fn load_corpus(
    dirs: &[PathBuf],
    repo: &Path,
) -> Result<(Vec<data::Clip>, Corpus, f64), String> {
    let clips = data::list_clips(dirs)?;
    let keys: Vec<String> = clips.iter().map(data::Clip::group_key).collect();
    let groups = folds::group_indices(&keys);
    eprintln!(
        "{} clips, {} artist groups, from {}",
        clips.len(),
        groups.iter().max().map_or(0, |m| m + 1),
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let t = Instant::now();
    let cache = repo.join("target/genre-train-cache");
    let feats = data::window_features(&clips, &SPECS, None, &cache)?;
    let augmented = Kind::ALL
        .iter()
        .map(|&k| data::window_features(&clips, &SPECS, Some(k), &cache))
        .collect::<Result<Vec<_>, _>>()?;
    let feature_s = t.elapsed().as_secs_f64();
    let corpus = Corpus {
        labels: clips.iter().map(|c| c.genre).collect(),
        groups,
        specs: SPECS.to_vec(),
        feats,
        augmented,
        classes: data::GENRES.len(),
    };
    Ok((clips, corpus, feature_s))
}

/// The default data folders, `../shared/data/{gtzan-subset,emotify}`.
pub fn default_dirs(repo: &Path) -> Vec<PathBuf> {
    ["gtzan-subset", "emotify"]
        .iter()
        .map(|d| repo.join("../shared/data").join(d))
        .collect()
}
