//! Running per-row mean, min and max over time frames.
//!
//! Frames stream by one at a time, so no whole spectrogram is kept.

/// Accumulates the mean, min and max of each row over frames.
#[derive(Debug, Clone)]
pub struct RowStats {
    sum: Vec<f64>,
    min: Vec<f32>,
    max: Vec<f32>,
    frames: usize,
}

impl RowStats {
    /// Statistics for `rows` rows, with no frame seen yet.
    pub fn new(rows: usize) -> Self {
        Self {
            sum: vec![0.0; rows],
            min: vec![f32::INFINITY; rows],
            max: vec![f32::NEG_INFINITY; rows],
            frames: 0,
        }
    }

    /// Adds one frame (one value per row; values beyond the row count are
    /// ignored, missing ones leave their rows as they are).
    #[inline(always)]
    pub fn push(&mut self, frame: &[f32]) {
        debug_assert_eq!(frame.len(), self.sum.len());
        // Comparisons rather than f32::min / max: frames are NaN-free, and
        // WebAssembly has no instruction for IEEE minNum / maxNum (each
        // call would be a library call).
        let rows = self.sum.iter_mut().zip(&mut self.min).zip(&mut self.max);
        for (((sum, min), max), &v) in rows.zip(frame) {
            *sum += v as f64;
            *min = if v < *min { v } else { *min };
            *max = if v > *max { v } else { *max };
        }
        self.frames += 1;
    }

    /// Number of frames seen.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Writes mean, then min, then max of each row into `out` (3 x rows).
    /// With no frame seen, every statistic is 0.
    pub fn write_to(&self, out: &mut [f32]) {
        let rows = self.sum.len();
        debug_assert_eq!(out.len(), 3 * rows);
        if self.frames == 0 {
            out.fill(0.0);
            return;
        }
        for i in 0..rows {
            out[i] = (self.sum[i] / self.frames as f64) as f32;
            out[rows + i] = self.min[i];
            out[2 * rows + i] = self.max[i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_min_max_per_row() {
        let mut s = RowStats::new(2);
        s.push(&[1.0, -2.0]);
        s.push(&[3.0, 4.0]);
        let mut out = [0.0; 6];
        s.write_to(&mut out);
        assert_eq!(out, [2.0, 1.0, 1.0, -2.0, 3.0, 4.0]);
        assert_eq!(s.frames(), 2);
    }

    #[test]
    fn no_frames_gives_zeros() {
        let mut out = [9.0; 3];
        RowStats::new(1).write_to(&mut out);
        assert_eq!(out, [0.0; 3]);
    }
}
