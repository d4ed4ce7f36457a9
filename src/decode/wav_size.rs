//! WAV files written as streams: a program writing to a pipe cannot go back
//! to fill in the sizes, so it leaves the RIFF and `data` chunk sizes at 0
//! or 0xFFFFFFFF (ffmpeg, sox). For such a file read from disk, the real
//! sizes follow from the file's length: [`Patched`] presents the file with
//! them filled in, so that the decoder reads the data to the end of the
//! file and takes the file as complete.

use std::io::{Read, Seek, SeekFrom};

use symphonia::core::io::MediaSource;

/// Largest size written into a patched header (a multiple of 4 kept below
/// the 0xFFFFFFFF marker); longer data is read up to it.
const MAX_SIZE: u64 = 0xFFFF_F000;

/// The bytes to overwrite (`(position, little-endian u32)`) in a WAV file
/// of `file_len` bytes starting with `head`, so that its RIFF and `data`
/// sizes are real; none when it is not a WAV or its sizes are set.
pub fn patches(head: &[u8], file_len: u64) -> Vec<(u64, [u8; 4])> {
    let u32_at = |i: usize| {
        head.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if head.get(0..4) != Some(b"RIFF") || head.get(8..12) != Some(b"WAVE") {
        return Vec::new();
    }
    let unset = |v: u32| v == 0 || v == u32::MAX;
    let riff_unset = u32_at(4).is_some_and(unset);
    // Find the data chunk among the chunks after "WAVE".
    let mut pos = 12usize;
    let mut data = None;
    while let (Some(id), Some(size)) = (head.get(pos..pos + 4), u32_at(pos + 4)) {
        if id == b"data" {
            data = Some((pos + 4, size));
            break;
        }
        if unset(size) {
            break;
        }
        pos += 8 + size as usize + (size as usize & 1);
    }
    let Some((size_at, size)) = data else {
        return Vec::new();
    };
    let data_start = size_at as u64 + 4;
    let mut out = Vec::new();
    if unset(size) {
        let real = file_len.saturating_sub(data_start).min(MAX_SIZE) as u32;
        out.push((size_at as u64, real.to_le_bytes()));
    }
    if riff_unset || !out.is_empty() {
        let real = file_len.saturating_sub(8).min(MAX_SIZE + data_start) as u32;
        out.push((4, real.to_le_bytes()));
    }
    out
}

/// A file read with some of its bytes replaced (see [`patches`]).
pub struct Patched<S> {
    inner: S,
    pos: u64,
    patches: Vec<(u64, [u8; 4])>,
    seekable: bool,
    len: Option<u64>,
}

impl<S> Patched<S> {
    pub fn new(inner: S, patches: Vec<(u64, [u8; 4])>, seekable: bool, len: Option<u64>) -> Self {
        Self {
            inner,
            pos: 0,
            patches,
            seekable,
            len,
        }
    }
}

impl<S: Read> Read for Patched<S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let (from, to) = (self.pos, self.pos + n as u64);
        for (at, bytes) in &self.patches {
            for (i, &b) in bytes.iter().enumerate() {
                let p = at + i as u64;
                if (from..to).contains(&p) {
                    buf[(p - from) as usize] = b;
                }
            }
        }
        self.pos = to;
        Ok(n)
    }
}

impl<S: Seek> Seek for Patched<S> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

impl<S: Read + Seek + Send + Sync> MediaSource for Patched<S> {
    fn is_seekable(&self) -> bool {
        self.seekable
    }

    fn byte_len(&self) -> Option<u64> {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(riff: u32, data: u32) -> Vec<u8> {
        let mut b = b"RIFF".to_vec();
        b.extend(riff.to_le_bytes());
        b.extend(b"WAVEfmt ");
        b.extend(16u32.to_le_bytes());
        b.extend([0u8; 16]);
        b.extend(b"data");
        b.extend(data.to_le_bytes());
        b
    }

    #[test]
    fn only_unset_sizes_are_patched() {
        assert!(patches(&header(1036, 1000), 1044).is_empty());
        assert!(patches(b"fLaC....", 1044).is_empty());
        let want = vec![(40, 1000u32.to_le_bytes()), (4, 1036u32.to_le_bytes())];
        assert_eq!(patches(&header(u32::MAX, u32::MAX), 1044), want);
        assert_eq!(patches(&header(0, 0), 1044), want);
        assert_eq!(patches(&header(1036, 0), 1044), want);
        assert_eq!(
            patches(&header(0, 1000), 1044),
            vec![(4, 1036u32.to_le_bytes())]
        );
    }

    #[test]
    fn reads_see_the_patched_bytes() {
        let file = header(0, 0);
        let mut p = Patched::new(
            std::io::Cursor::new(file.clone()),
            patches(&file, 1044),
            true,
            None,
        );
        let mut got = Vec::new();
        let mut byte = [0u8; 3];
        while let Ok(n @ 1..) = p.read(&mut byte) {
            got.extend_from_slice(&byte[..n]);
        }
        assert_eq!(&got[4..8], &1036u32.to_le_bytes());
        assert_eq!(&got[40..44], &1000u32.to_le_bytes());
        assert_eq!(got[8..40], file[8..40]);
    }
}
