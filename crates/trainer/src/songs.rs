//! A personal training set: the user's labels, their songs, and the
//! feature vectors of each song's analysis windows, checked once.

use genre_classifier::layout::N_FEATURES;
use genre_classifier::Error;
use ndarray::Array2;

/// Fewest labels a personal model has.
pub const MIN_LABELS: usize = 2;
/// Most labels a personal model has.
pub const MAX_LABELS: usize = 20;
/// Longest label name, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// Most analysis windows a training set may hold in all (about 21 hours of
/// audio at the shipped model's hop of 1.5 s; 200 MB of features).
pub const MAX_WINDOWS: usize = 50_000;

/// One song: its label and its rows of [`SongSet::features`].
#[derive(Debug, Clone, PartialEq)]
pub struct Song {
    /// Index into [`SongSet::labels`].
    pub label: usize,
    /// First row of the song's windows.
    pub start: usize,
    /// Number of windows (at least 1).
    pub windows: usize,
}

/// Labelled songs with the raw features (498 per window) of their windows.
#[derive(Debug, Clone, PartialEq)]
pub struct SongSet {
    labels: Vec<String>,
    songs: Vec<Song>,
    features: Array2<f32>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::Training {
        reason: reason.into(),
    }
}

impl SongSet {
    /// Checks and builds a set: `labels` (2 to 20 distinct, non-empty
    /// names), for each song its label index and window count, and the
    /// windows' features song after song, 498 finite floats each.
    pub fn new(
        labels: Vec<String>,
        song_labels: &[usize],
        song_windows: &[usize],
        features: Vec<f32>,
    ) -> Result<Self, Error> {
        if !(MIN_LABELS..=MAX_LABELS).contains(&labels.len()) {
            return Err(bad(format!(
                "{} labels given; a personal model has {MIN_LABELS} to {MAX_LABELS}",
                labels.len()
            )));
        }
        for (i, l) in labels.iter().enumerate() {
            if l.trim().is_empty() {
                return Err(bad(format!("label {} has an empty name", i + 1)));
            }
            if l.chars().count() > MAX_LABEL_CHARS {
                return Err(bad(format!(
                    "label {} is longer than {MAX_LABEL_CHARS} characters",
                    i + 1
                )));
            }
            if labels[..i].contains(l) {
                return Err(bad(format!("label \"{l}\" is given twice")));
            }
        }
        if song_labels.len() != song_windows.len() {
            return Err(bad(format!(
                "{} song labels for {} window counts",
                song_labels.len(),
                song_windows.len()
            )));
        }
        if let Some(&l) = song_labels.iter().find(|&&l| l >= labels.len()) {
            return Err(bad(format!(
                "a song has label index {l}, but there are {} labels",
                labels.len()
            )));
        }
        for (i, name) in labels.iter().enumerate() {
            if !song_labels.contains(&i) {
                return Err(bad(format!("label \"{name}\" has no songs")));
            }
        }
        if song_windows.contains(&0) {
            return Err(bad("a song has no analysis windows"));
        }
        let rows = song_windows
            .iter()
            .try_fold(0usize, |a, &w| a.checked_add(w))
            .filter(|&r| r <= MAX_WINDOWS)
            .ok_or_else(|| bad(format!("more than {MAX_WINDOWS} windows in all")))?;
        if features.len() != rows * N_FEATURES {
            return Err(bad(format!(
                "{} feature values for {rows} windows of {N_FEATURES}",
                features.len()
            )));
        }
        if let Some(i) = features.iter().position(|v| !v.is_finite()) {
            return Err(bad(format!(
                "feature {} of window {} is not a finite number",
                i % N_FEATURES,
                i / N_FEATURES
            )));
        }
        let mut songs = Vec::with_capacity(song_labels.len());
        let mut start = 0;
        for (&label, &windows) in song_labels.iter().zip(song_windows) {
            songs.push(Song {
                label,
                start,
                windows,
            });
            start += windows;
        }
        let features =
            Array2::from_shape_vec((rows, N_FEATURES), features).map_err(|e| bad(e.to_string()))?;
        Ok(SongSet {
            labels,
            songs,
            features,
        })
    }

    /// The label names, in output order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }
    /// The songs, in input order.
    pub fn songs(&self) -> &[Song] {
        &self.songs
    }
    /// Raw features, one window per row, song after song.
    pub fn features(&self) -> &Array2<f32> {
        &self.features
    }
    /// Number of songs of each label.
    pub fn songs_per_label(&self) -> Vec<usize> {
        let mut n = vec![0; self.labels.len()];
        for s in &self.songs {
            n[s.label] += 1;
        }
        n
    }
    /// Number of windows of each label.
    pub fn windows_per_label(&self) -> Vec<usize> {
        let mut n = vec![0; self.labels.len()];
        for s in &self.songs {
            n[s.label] += s.windows;
        }
        n
    }

    /// Rows of the given songs, their labels, and a weight per row such
    /// that every label weighs the same in the loss and, within a label,
    /// every song (whatever its length); the weights average 1.
    pub fn rows(&self, songs: &[usize]) -> (Vec<usize>, Vec<usize>, Vec<f32>) {
        let mut per_label = vec![0usize; self.labels.len()];
        for &s in songs {
            per_label[self.songs[s].label] += 1;
        }
        let present = per_label.iter().filter(|&&n| n > 0).count().max(1);
        let total: usize = songs.iter().map(|&s| self.songs[s].windows).sum();
        let (mut rows, mut y, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for &s in songs {
            let song = &self.songs[s];
            let weight = total as f64 / (present * per_label[song.label] * song.windows) as f64;
            for r in song.start..song.start + song.windows {
                rows.push(r);
                y.push(song.label);
                w.push(weight as f32);
            }
        }
        (rows, y, w)
    }
}

/// First bytes of a song-set file ([`SongSet::to_bytes`]).
pub const SONGS_MAGIC: [u8; 8] = *b"GENRESNG";

impl SongSet {
    /// The set as a file: [`SONGS_MAGIC`], then little-endian: the label
    /// count, each label (byte length, UTF-8), the song count, each song's
    /// label index and window count (u32 each), and the features (f32).
    /// Used to train the same set natively and in WebAssembly.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = SONGS_MAGIC.to_vec();
        let u32s = |out: &mut Vec<u8>, v: usize| out.extend((v as u32).to_le_bytes());
        u32s(&mut out, self.labels.len());
        for l in &self.labels {
            u32s(&mut out, l.len());
            out.extend(l.as_bytes());
        }
        u32s(&mut out, self.songs.len());
        for s in &self.songs {
            u32s(&mut out, s.label);
            u32s(&mut out, s.windows);
        }
        for v in &self.features {
            out.extend(v.to_le_bytes());
        }
        out
    }

    /// A set from [`SongSet::to_bytes`]'s format, checked as by [`SongSet::new`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != SONGS_MAGIC {
            return Err(bad("not a song-set file"));
        }
        let n = r.u32()?;
        if n > MAX_LABELS {
            return Err(bad(format!("{n} labels")));
        }
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.u32()?;
            let b = r.take(len)?;
            labels.push(String::from_utf8(b.to_vec()).map_err(|_| bad("a label is not UTF-8"))?);
        }
        let songs = r.u32()?;
        if songs > MAX_WINDOWS {
            return Err(bad(format!("{songs} songs")));
        }
        let (mut song_labels, mut song_windows) = (Vec::new(), Vec::new());
        for _ in 0..songs {
            song_labels.push(r.u32()?);
            song_windows.push(r.u32()?);
        }
        let rest = r.take(bytes.len() - r.at)?;
        if rest.len() % 4 != 0 {
            return Err(bad("the features are not whole f32 values"));
        }
        let features = rest
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        SongSet::new(labels, &song_labels, &song_windows, features)
    }
}

/// Reads a song-set file front to back.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| bad("the song-set file is cut short"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<usize, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("l{i}")).collect()
    }

    #[test]
    fn bad_sets_are_rejected_with_a_reason() {
        let f = |rows: usize| vec![0.5f32; rows * N_FEATURES];
        let err = |r: Result<SongSet, Error>| match r {
            Err(Error::Training { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(err(SongSet::new(names(1), &[0], &[1], f(1))).contains("1 labels"));
        assert!(err(SongSet::new(names(21), &[0], &[1], f(1))).contains("21 labels"));
        let mut dup = names(2);
        dup[1] = "l0".into();
        assert!(err(SongSet::new(dup, &[0, 1], &[1, 1], f(2))).contains("twice"));
        let mut empty = names(2);
        empty[0] = "  ".into();
        assert!(err(SongSet::new(empty, &[0, 1], &[1, 1], f(2))).contains("empty"));
        assert!(err(SongSet::new(names(2), &[0, 0], &[1, 1], f(2))).contains("no songs"));
        assert!(err(SongSet::new(names(2), &[0, 2], &[1, 1], f(2))).contains("index 2"));
        assert!(err(SongSet::new(names(2), &[0, 1], &[1], f(1))).contains("window counts"));
        assert!(err(SongSet::new(names(2), &[0, 1], &[1, 0], f(1))).contains("no analysis"));
        assert!(err(SongSet::new(names(2), &[0, 1], &[1, 1], f(3))).contains("feature values"));
        assert!(err(SongSet::new(names(2), &[0, 1], &[1, usize::MAX], f(1))).contains("more than"));
        let mut nan = f(2);
        nan[N_FEATURES + 3] = f32::NAN;
        assert!(err(SongSet::new(names(2), &[0, 1], &[1, 1], nan)).contains("window 1"));
        let mut inf = f(2);
        inf[0] = f32::INFINITY;
        assert!(err(SongSet::new(names(2), &[0, 1], &[1, 1], inf)).contains("finite"));
    }

    #[test]
    fn song_set_files_round_trip_and_reject_damage() {
        let f: Vec<f32> = (0..3 * N_FEATURES).map(|i| i as f32 * 0.25 - 7.0).collect();
        let set =
            SongSet::new(vec!["lo-fi".into(), "k-pop ✓".into()], &[0, 1], &[1, 2], f).unwrap();
        let bytes = set.to_bytes();
        assert_eq!(SongSet::from_bytes(&bytes).unwrap(), set);
        for cut in [0, 7, 8, 12, 30, bytes.len() - 1] {
            assert!(matches!(
                SongSet::from_bytes(&bytes[..cut]),
                Err(Error::Training { .. })
            ));
        }
        let mut other = bytes.clone();
        other[0] = b'X';
        assert!(SongSet::from_bytes(&other).is_err());
    }

    #[test]
    fn every_label_and_every_song_weighs_the_same() {
        // Label 0: songs of 1 and 3 windows; label 1: one song of 4.
        let set =
            SongSet::new(names(2), &[0, 0, 1], &[1, 3, 4], vec![0.0; 8 * N_FEATURES]).unwrap();
        let (rows, y, w) = set.rows(&[0, 1, 2]);
        assert_eq!(rows, (0..8).collect::<Vec<_>>());
        assert_eq!(y, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        let song = |r: std::ops::Range<usize>| w[r].iter().sum::<f32>();
        assert!((song(0..1) - song(1..4)).abs() < 1e-5);
        assert!((song(0..4) - song(4..8)).abs() < 1e-5);
        assert!((w.iter().sum::<f32>() - 8.0).abs() < 1e-4);
        assert_eq!(set.songs_per_label(), vec![2, 1]);
        assert_eq!(set.windows_per_label(), vec![4, 4]);
    }
}
