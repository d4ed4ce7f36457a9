//! The clips, their artists, their analysis windows and the windows'
//! features (of the clips and of their augmented copies), cached on disk.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use genre_classifier::classify::{window_ranges, window_samples};
use genre_classifier::decode::decode_file;
use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use rayon::prelude::*;

use crate::augment::{augment, Kind};
use genre_trainer::rng::Rng;

/// The GTZAN genres, in model order.
pub use genre_classifier::model::GENRES;

/// One audio clip, its label and its artist.
#[derive(Debug, Clone)]
pub struct Clip {
    pub path: PathBuf,
    pub name: String,
    pub genre: usize,
    /// Name of the dataset folder the clip comes from.
    pub dataset: String,
    /// The artist, from the folder's `artists.tsv`; `None` when unknown.
    pub artist: Option<String>,
}

impl Clip {
    /// Key of the clip's group in grouped folds: its artist (the same
    /// artist in two datasets is one group), or the clip itself when the
    /// artist is unknown.
    pub fn group_key(&self) -> String {
        match &self.artist {
            Some(a) => format!("artist:{}", a.trim().to_lowercase()),
            None => format!("clip:{}/{}", self.dataset, self.name),
        }
    }
}

/// Analysis window length and hop, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowSpec {
    pub window_s: f32,
    pub hop_s: f32,
}

/// Feature vectors of the windows of one clip, row after row.
pub type ClipFeatures = Vec<f32>;

/// Audio file extensions the training reads.
const EXTENSIONS: [&str; 5] = ["flac", "wav", "au", "mp3", "ogg"];

/// Every clip under `root/genres/<genre>/` of every root, sorted by root,
/// genre, then name. A genre folder may be missing from a root (a dataset
/// of one genre); a genre folder not named after a model genre is an error.
/// Artists come from `root/artists.tsv` when present (`clip<TAB>artist...`
/// with a header line; the clip is the file name without its extension;
/// an empty artist means unknown).
pub fn list_clips(roots: &[PathBuf]) -> Result<Vec<Clip>, String> {
    let mut clips = Vec::new();
    for root in roots {
        let dataset = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.display().to_string());
        let genres_dir = root.join("genres");
        let entries =
            std::fs::read_dir(&genres_dir).map_err(|e| format!("{}: {e}", genres_dir.display()))?;
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && !GENRES.contains(&name.as_str()) {
                return Err(format!(
                    "{}: not one of the model's genres ({})",
                    e.path().display(),
                    GENRES.join(", ")
                ));
            }
        }
        let artists = read_artists(root)?;
        for (genre, name) in GENRES.iter().enumerate() {
            let dir = genres_dir.join(name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_lowercase().as_str()))
                })
                .collect();
            files.sort();
            clips.extend(files.into_iter().map(|path| {
                let stem = path
                    .file_stem()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Clip {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    artist: artists.get(&stem).cloned(),
                    dataset: dataset.clone(),
                    path,
                    genre,
                }
            }));
        }
    }
    if clips.is_empty() {
        let list: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        return Err(format!("no clips under {}", list.join(", ")));
    }
    Ok(clips)
}

/// Clip name (without extension) -> artist, from `root/artists.tsv`; empty
/// when the file is absent. Empty artists are left out (unknown).
fn read_artists(root: &Path) -> Result<std::collections::HashMap<String, String>, String> {
    let path = root.join("artists.tsv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Default::default());
    };
    let mut map = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let mut cols = line.split('\t');
        let (Some(clip), Some(artist)) = (cols.next(), cols.next()) else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(format!(
                "{}:{}: expected clip<TAB>artist",
                path.display(),
                i + 1
            ));
        };
        if i == 0 && clip == "clip" {
            continue;
        }
        if !artist.trim().is_empty() {
            map.insert(clip.trim().to_string(), artist.trim().to_string());
        }
    }
    Ok(map)
}

/// Features of every window of every clip, for each window spec:
/// `result[spec][clip]`, of the clips as they are (`kind` `None`) or of one
/// augmented copy of each. Read from the cache when the clips, the specs,
/// the copy and the extractor's output are unchanged.
pub fn window_features(
    clips: &[Clip],
    specs: &[WindowSpec],
    kind: Option<Kind>,
    cache_dir: &Path,
) -> Result<Vec<Vec<ClipFeatures>>, String> {
    let key = cache_key(clips, specs, kind)?;
    let label = kind.map_or("original", Kind::name);
    let cache = cache_dir.join(format!("features-{label}-{key:016x}.postcard"));
    if let Ok(bytes) = std::fs::read(&cache) {
        if let Ok(f) = postcard::from_bytes::<Vec<Vec<ClipFeatures>>>(&bytes) {
            eprintln!("features ({label}): read from {}", cache.display());
            return Ok(f);
        }
    }
    eprintln!(
        "features ({label}): extracting {} clips x {} window specs ...",
        clips.len(),
        specs.len()
    );
    let done = std::sync::atomic::AtomicUsize::new(0);
    let per_clip: Vec<Vec<ClipFeatures>> = clips
        .par_iter()
        .map(|clip| {
            let at = |e: &dyn std::fmt::Display| format!("{}: {e}", clip.path.display());
            let d = decode_file(&clip.path).map_err(|e| at(&e))?;
            genre_classifier::input::check(&d.samples, d.sample_rate).map_err(|e| at(&e))?;
            let mut y =
                genre_classifier::dsp::resample::to_analysis_rate(&d.samples, d.sample_rate);
            if let Some(kind) = kind {
                let mut rng = Rng::new(clip_seed(clip, kind));
                y = augment(&y, kind, &mut rng).map_err(|e| at(&e))?.into();
            }
            let out = specs
                .iter()
                .map(|s| clip_features(&y, *s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| at(&e))?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(50) || n == clips.len() {
                eprintln!("features ({label}): {n}/{} clips", clips.len());
            }
            Ok(out)
        })
        .collect::<Result<_, String>>()?;
    // Transpose to [spec][clip].
    let mut by_spec: Vec<Vec<ClipFeatures>> = vec![Vec::with_capacity(clips.len()); specs.len()];
    for clip in per_clip {
        for (s, f) in clip.into_iter().enumerate() {
            by_spec[s].push(f);
        }
    }
    std::fs::create_dir_all(cache_dir).map_err(|e| e.to_string())?;
    let bytes = postcard::to_allocvec(&by_spec).map_err(|e| e.to_string())?;
    std::fs::write(&cache, bytes).map_err(|e| format!("{}: {e}", cache.display()))?;
    Ok(by_spec)
}

/// Seed of a clip's augmented copy of one kind: from its dataset, name and
/// the kind, so a copy does not depend on the other clips.
fn clip_seed(clip: &Clip, kind: Kind) -> u64 {
    // FNV-1a: fixed across Rust versions, unlike the standard hasher.
    let text = format!("{}/{}/{}", clip.dataset, clip.name, kind.name());
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    }) ^ crate::settings::SEED
}

/// Features of the windows of `y` (at the analysis rate), as the classifier
/// cuts them.
pub fn clip_features(y: &[f32], spec: WindowSpec) -> Result<ClipFeatures, genre_classifier::Error> {
    let (window, hop) = window_samples(spec.window_s, spec.hop_s);
    let mut out = Vec::new();
    for r in window_ranges(y.len(), window, hop) {
        out.extend_from_slice(&genre_classifier::extract(&y[r])?);
    }
    Ok(out)
}

/// Number of windows held by one clip's features.
pub fn n_windows(f: &ClipFeatures) -> usize {
    f.len() / N_FEATURES
}

/// Hash of the clip list, the specs and the extractor's output on a fixed
/// test signal: any change to one of them makes a new cache entry.
fn cache_key(clips: &[Clip], specs: &[WindowSpec], kind: Option<Kind>) -> Result<u64, String> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write_u16(LAYOUT_VERSION);
    h.write(kind.map_or("original", Kind::name).as_bytes());
    for c in clips {
        h.write(c.dataset.as_bytes());
        h.write(c.name.as_bytes());
        h.write_usize(c.genre);
        let len = std::fs::metadata(&c.path).map_err(|e| format!("{}: {e}", c.path.display()))?;
        h.write_u64(len.len());
    }
    for s in specs {
        h.write_u32(s.window_s.to_bits());
        h.write_u32(s.hop_s.to_bits());
    }
    let mut rng = Rng::new(77);
    let probe: Vec<f32> = (0..3 * 22050)
        .map(|i| {
            let t = i as f32 / 22050.0;
            0.3 * (2.0 * std::f32::consts::PI * (220.0 + 100.0 * t) * t).sin()
                + 0.05 * (rng.uniform() - 0.5)
        })
        .collect();
    let f = genre_classifier::extract(&probe).map_err(|e| e.to_string())?;
    for v in f {
        h.write_u32(v.to_bits());
    }
    Ok(h.finish())
}
