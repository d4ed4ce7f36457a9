//! One M3U playlist per genre, listing each classified file by its path
//! relative to the playlists' folder.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use genre_classifier::Classification;

/// Writes `DIR/<genre>.m3u` for every genre that some file of `results` has
/// (in the order given), creating `dir` if needed; returns the files
/// written. A playlist that exists is replaced.
pub fn write(dir: &Path, results: &[(PathBuf, &Classification)]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let base = dir.canonicalize()?;
    let mut lists: BTreeMap<&str, String> = BTreeMap::new();
    for (file, c) in results {
        let target = relative(&base, &file.canonicalize()?);
        let title = file.file_stem().unwrap_or_default().to_string_lossy();
        let list = lists
            .entry(c.genre.as_str())
            .or_insert_with(|| "#EXTM3U\n".to_string());
        list.push_str(&format!(
            "#EXTINF:{},{title}\n{}\n",
            c.duration.round() as u64,
            target.display()
        ));
    }
    let mut written = Vec::new();
    for (genre, text) in lists {
        let path = dir.join(format!("{genre}.m3u"));
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// The path of `to` as seen from the folder `from` (both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_then_descend() {
        let r = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(r("/m/lists", "/m/songs/a.mp3"), Path::new("../songs/a.mp3"));
        assert_eq!(r("/m", "/m/songs/a.mp3"), Path::new("songs/a.mp3"));
        assert_eq!(r("/m/a/b", "/x.wav"), Path::new("../../../x.wav"));
    }
}
