//! k-nearest-neighbour baseline on standardised window features.

use ndarray::{Array2, Axis};

/// For each row of `test`, the labels of its training rows sorted by
/// Euclidean distance (nearest first), up to `k_max`.
pub fn neighbours(
    train: &Array2<f32>,
    labels: &[usize],
    test: &Array2<f32>,
    k_max: usize,
) -> Vec<Vec<usize>> {
    let train_sq: Vec<f32> = train.axis_iter(Axis(0)).map(|r| r.dot(&r)).collect();
    let cross = test.dot(&train.t());
    cross
        .axis_iter(Axis(0))
        .map(|row| {
            // |a - b|^2 = |a|^2 - 2ab + |b|^2; |a|^2 is the same for the whole row.
            let mut d: Vec<(f32, usize)> = row
                .iter()
                .zip(&train_sq)
                .enumerate()
                .map(|(j, (&ab, &bb))| (bb - 2.0 * ab, j))
                .collect();
            let k = k_max.min(d.len());
            d.select_nth_unstable_by(k.saturating_sub(1), |a, b| {
                a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
            });
            d.truncate(k);
            d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            d.into_iter().map(|(_, j)| labels[j]).collect()
        })
        .collect()
}

/// Class vote shares of the first `k` neighbours.
pub fn votes(neighbours: &[usize], k: usize, classes: usize) -> Vec<f32> {
    let mut v = vec![0.0; classes];
    let k = k.min(neighbours.len()).max(1);
    for &c in &neighbours[..k.min(neighbours.len())] {
        v[c] += 1.0 / k as f32;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn nearest_first() {
        let train = array![[0.0, 0.0], [10.0, 0.0], [1.0, 0.0]];
        let n = neighbours(&train, &[0, 1, 2], &array![[9.0, 0.0]], 3);
        assert_eq!(n, vec![vec![1, 2, 0]]);
        assert_eq!(votes(&n[0], 2, 3), vec![0.0, 0.5, 0.5]);
    }
}
