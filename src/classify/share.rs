//! One input classified by several streams at once (the page's workers
//! sharing one long file): each stream sees every sample, computes the
//! windows a [`Share`] deals it and hands them over as a [`Part`]; one
//! stream merges the parts into the [`super::Classification`], equal bit
//! for bit to that of one stream computing every window.

use crate::error::Error;

/// Windows malformed, missing or given twice: parts that do not add up.
const MALFORMED: Error = Error::Internal {
    what: "merging the windows of a shared input",
};

/// Most streams one input can be dealt among.
pub const MAX_PARTS: usize = 64;

/// Which analysis windows a stream computes: window `k` (in time order,
/// from 0) belongs to part `cycle[k % cycle.len()]`; this stream is part
/// `part`. [`Share::whole`] is one part with every window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    cycle: Vec<u8>,
    part: u8,
}

impl Share {
    /// Every window to one stream.
    pub fn whole() -> Self {
        Self {
            cycle: vec![0],
            part: 0,
        }
    }

    /// Part `part` of the windows dealt by `cycle`: a list of part numbers,
    /// each below [`MAX_PARTS`], repeated over the windows.
    pub fn new(cycle: &[u8], part: u8) -> Result<Self, Error> {
        let bad = |reason| {
            Err(Error::InvalidParameter {
                name: "window share",
                reason,
            })
        };
        if cycle.is_empty() || cycle.len() > 4 * MAX_PARTS {
            return bad("the cycle must list 1 to 256 parts");
        }
        if cycle
            .iter()
            .chain([&part])
            .any(|&p| p as usize >= MAX_PARTS)
        {
            return bad("parts are numbered from 0 to 63");
        }
        Ok(Self {
            cycle: cycle.to_vec(),
            part,
        })
    }

    /// Whether this stream computes window `k`.
    pub fn owns(&self, k: usize) -> bool {
        self.cycle[k % self.cycle.len()] == self.part
    }

    /// Whether this stream computes every window.
    pub fn is_whole(&self) -> bool {
        self.cycle.iter().all(|&p| p == self.part)
    }
}

/// The windows one stream computed: `(index, probabilities)` in the order
/// computed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Part {
    pub windows: Vec<(usize, Vec<f32>)>,
}

impl Part {
    /// The part as rows of `1 + genres` floats: the window's index, then
    /// its probabilities (for a message between workers; indices are exact
    /// up to 2^24 windows, beyond any input's limit).
    pub fn to_rows(&self) -> Vec<f32> {
        self.windows
            .iter()
            .flat_map(|(k, p)| std::iter::once(*k as f32).chain(p.iter().copied()))
            .collect()
    }

    /// A part from [`Part::to_rows`] of a model with `genres` labels;
    /// malformed rows are an [`Error::Internal`].
    pub fn from_rows(rows: &[f32], genres: usize) -> Result<Self, Error> {
        let width = genres + 1;
        if genres == 0 || !rows.len().is_multiple_of(width) {
            return Err(MALFORMED);
        }
        let windows = rows
            .chunks_exact(width)
            .map(|row| {
                let k = row[0];
                if !(k >= 0.0 && k < (1u32 << 24) as f32 && k.fract() == 0.0) {
                    return Err(MALFORMED);
                }
                Ok((k as usize, row[1..].to_vec()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { windows })
    }
}

/// The probabilities of windows `0..count` from `parts`, in time order;
/// a window missing, given twice or beyond `count` is an
/// [`Error::Internal`].
pub fn merge(parts: Vec<Part>, count: usize) -> Result<Vec<Vec<f32>>, Error> {
    let mut slots: Vec<Option<Vec<f32>>> = vec![None; count];
    for (k, p) in parts.into_iter().flat_map(|part| part.windows) {
        match slots.get_mut(k) {
            Some(slot @ None) => *slot = Some(p),
            Some(Some(_)) | None => return Err(MALFORMED),
        }
    }
    slots.into_iter().map(|s| s.ok_or(MALFORMED)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_go_round_the_cycle() {
        let cycle = [0, 1, 1, 2];
        let shares: Vec<Share> = (0..3).map(|p| Share::new(&cycle, p).unwrap()).collect();
        for k in 0..100 {
            let owners: Vec<u8> = (0..3).filter(|&p| shares[p as usize].owns(k)).collect();
            assert_eq!(owners, [cycle[k % 4]]);
        }
        assert!(!shares[0].is_whole());
        assert!(Share::new(&[2, 2], 2).unwrap().is_whole());
        assert!(Share::whole().is_whole());
        let unused = Share::new(&cycle, 3).unwrap();
        assert!((0..100).all(|k| !unused.owns(k)));
    }

    #[test]
    fn bad_shares_are_refused() {
        assert!(Share::new(&[], 0).is_err());
        assert!(Share::new(&[0, 64], 0).is_err());
        assert!(Share::new(&[0, 1], 200).is_err());
        assert!(Share::new(&[0, 1], 1).is_ok());
    }

    #[test]
    fn rows_round_trip_and_malformed_rows_are_errors() {
        let part = Part {
            windows: vec![(3, vec![0.25, 0.75]), (0, vec![1.0, 0.0])],
        };
        assert_eq!(Part::from_rows(&part.to_rows(), 2).unwrap(), part);
        assert!(Part::from_rows(&[0.0, 1.0], 2).is_err());
        assert!(Part::from_rows(&[-1.0, 0.5, 0.5], 2).is_err());
        assert!(Part::from_rows(&[1.5, 0.5, 0.5], 2).is_err());
        assert!(Part::from_rows(&[f32::NAN, 0.5, 0.5], 2).is_err());
        assert!(Part::from_rows(&[], 0).is_err());
    }

    #[test]
    fn merge_orders_windows_and_finds_gaps_and_repeats() {
        let a = Part {
            windows: vec![(0, vec![0.0]), (2, vec![2.0])],
        };
        let b = Part {
            windows: vec![(1, vec![1.0])],
        };
        assert_eq!(
            merge(vec![b.clone(), a.clone()], 3).unwrap(),
            vec![vec![0.0], vec![1.0], vec![2.0]]
        );
        assert!(merge(vec![a.clone()], 3).is_err());
        assert!(merge(vec![a.clone(), b.clone(), b.clone()], 3).is_err());
        assert!(merge(vec![a, b], 2).is_err());
    }
}
