//! Layout of the 498-float feature vector.
//!
//! Four feature groups, in this order: chroma_stft (12 rows), mel
//! spectrogram (128), MFCC (20) and tonnetz (6). Each group contributes its
//! per-row mean over time, then per-row min, then per-row max. The rows of
//! each group are the sizes its DSP stage defines.

use std::ops::Range;

pub use crate::dsp::chroma::N_CHROMA;
pub use crate::dsp::mel::N_MELS;
pub use crate::dsp::mfcc::N_MFCC;
pub use crate::dsp::tonnetz::N_TONNETZ;

/// Version of this layout, stored in model files to reject mismatches.
pub const LAYOUT_VERSION: u16 = 1;

/// Length of the whole vector: 3 statistics of 166 rows.
pub const N_FEATURES: usize = 3 * (N_CHROMA + N_MELS + N_MFCC + N_TONNETZ);

/// One feature group: its name, number of rows and offset in the vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub name: &'static str,
    pub rows: usize,
    pub offset: usize,
}

impl Group {
    /// Range of the per-row means.
    pub fn mean(&self) -> Range<usize> {
        self.offset..self.offset + self.rows
    }
    /// Range of the per-row minima.
    pub fn min(&self) -> Range<usize> {
        self.offset + self.rows..self.offset + 2 * self.rows
    }
    /// Range of the per-row maxima.
    pub fn max(&self) -> Range<usize> {
        self.offset + 2 * self.rows..self.offset + 3 * self.rows
    }
    /// Range of the whole group (mean, min, max).
    pub fn all(&self) -> Range<usize> {
        self.offset..self.offset + 3 * self.rows
    }
}

pub const CHROMA: Group = Group {
    name: "chroma_stft",
    rows: N_CHROMA,
    offset: 0,
};
pub const MEL: Group = Group {
    name: "melspectrogram",
    rows: N_MELS,
    offset: 3 * N_CHROMA,
};
pub const MFCC: Group = Group {
    name: "mfcc",
    rows: N_MFCC,
    offset: MEL.offset + 3 * N_MELS,
};
pub const TONNETZ: Group = Group {
    name: "tonnetz",
    rows: N_TONNETZ,
    offset: MFCC.offset + 3 * N_MFCC,
};

/// All groups, in vector order.
pub const GROUPS: [Group; 4] = [CHROMA, MEL, MFCC, TONNETZ];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_tile_the_vector() {
        let mut next = 0;
        for g in GROUPS {
            assert_eq!(g.offset, next, "{}", g.name);
            assert_eq!(g.mean().end, g.min().start);
            assert_eq!(g.min().end, g.max().start);
            next = g.all().end;
        }
        assert_eq!(next, N_FEATURES);
        assert_eq!(N_FEATURES, 498);
    }
}
