//! The clips, their analysis windows and the windows' features, cached on disk.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use genre_classifier::classify::{window_ranges, window_samples};
use genre_classifier::decode::decode_file;
use genre_classifier::layout::{LAYOUT_VERSION, N_FEATURES};
use rayon::prelude::*;

use crate::rng::Rng;

/// The GTZAN genres, in model order.
pub use genre_classifier::model::GENRES;

/// One audio clip and its label.
#[derive(Debug, Clone)]
pub struct Clip {
    pub path: PathBuf,
    pub name: String,
    pub genre: usize,
}

/// Analysis window length and hop, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowSpec {
    pub window_s: f32,
    pub hop_s: f32,
}

/// Feature vectors of the windows of one clip, row after row.
pub type ClipFeatures = Vec<f32>;

/// Every clip under `root/genres/<genre>/`, sorted by genre then name.
pub fn list_clips(root: &Path) -> Result<Vec<Clip>, String> {
    let mut clips = Vec::new();
    for (genre, name) in GENRES.iter().enumerate() {
        let dir = root.join("genres").join(name);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ["flac", "wav", "au", "mp3", "ogg"].contains(&e))
            })
            .collect();
        files.sort();
        clips.extend(files.into_iter().map(|path| {
            Clip {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path,
                genre,
            }
        }));
    }
    if clips.is_empty() {
        return Err(format!("no clips under {}", root.display()));
    }
    Ok(clips)
}

/// Features of every window of every clip, for each window spec:
/// `result[spec][clip]`. Read from the cache when the clips, the specs and
/// the extractor's output are unchanged.
pub fn window_features(
    clips: &[Clip],
    specs: &[WindowSpec],
    cache_dir: &Path,
) -> Result<Vec<Vec<ClipFeatures>>, String> {
    let key = cache_key(clips, specs)?;
    let cache = cache_dir.join(format!("features-{key:016x}.postcard"));
    if let Ok(bytes) = std::fs::read(&cache) {
        if let Ok(f) = postcard::from_bytes::<Vec<Vec<ClipFeatures>>>(&bytes) {
            eprintln!("features: read from {}", cache.display());
            return Ok(f);
        }
    }
    eprintln!(
        "features: extracting {} clips x {} window specs ...",
        clips.len(),
        specs.len()
    );
    let done = std::sync::atomic::AtomicUsize::new(0);
    let per_clip: Vec<Vec<ClipFeatures>> = clips
        .par_iter()
        .map(|clip| {
            let d = decode_file(&clip.path).map_err(|e| format!("{}: {e}", clip.path.display()))?;
            genre_classifier::features::check(&d.samples, d.sample_rate)
                .map_err(|e| format!("{}: {e}", clip.path.display()))?;
            let y = genre_classifier::dsp::resample::to_analysis_rate(&d.samples, d.sample_rate);
            let out = specs
                .iter()
                .map(|s| clip_features(&y, *s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: {e}", clip.path.display()))?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(20) {
                eprintln!("features: {n}/{} clips", clips.len());
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
fn cache_key(clips: &[Clip], specs: &[WindowSpec]) -> Result<u64, String> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write_u16(LAYOUT_VERSION);
    for c in clips {
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
