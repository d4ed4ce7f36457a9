//! Stratified k-fold splits of clips.

use crate::rng::Rng;

/// Fold index (0..k) of each clip: within each class the clips are shuffled
/// and dealt to the folds in turn, continuing where the last class stopped,
/// so every fold gets a near-equal share of every class.
pub fn stratified(labels: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for c in 0..classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        rng.shuffle(&mut members);
        for i in members {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_reproducible() {
        let labels: Vec<usize> = (0..47)
            .map(|i| if i < 30 { 0 } else { 1 + i % 3 })
            .collect();
        let f = stratified(&labels, 5, 9);
        assert_eq!(f, stratified(&labels, 5, 9));
        for c in 0..4 {
            let counts: Vec<usize> = (0..5)
                .map(|k| (0..47).filter(|&i| labels[i] == c && f[i] == k).count())
                .collect();
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(hi - lo <= 1, "class {c}: {counts:?}");
        }
    }
}
