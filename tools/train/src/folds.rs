//! k-fold splits of clips: stratified by genre, and grouped by artist
//! (no artist on both sides of a split).

use genre_trainer::rng::Rng;

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

/// Fold index (0..k) of each clip such that all clips of a group (an
/// artist) share a fold, with genres spread over the folds as evenly as
/// the groups allow. Groups are taken largest first (ties in a seeded
/// random order) and each goes to the fold that holds the fewest clips of
/// its main genre, then the fewest clips, then the lowest index.
pub fn grouped(labels: &[usize], groups: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let n_groups = groups.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in groups.iter().enumerate() {
        members[g].push(i);
    }
    let mut order: Vec<usize> = (0..n_groups).filter(|&g| !members[g].is_empty()).collect();
    Rng::new(seed).shuffle(&mut order);
    order.sort_by_key(|&g| std::cmp::Reverse(members[g].len()));
    let mut per_class = vec![vec![0usize; classes]; k];
    let mut size = vec![0usize; k];
    let mut fold = vec![0; labels.len()];
    for g in order {
        let mut counts = vec![0usize; classes];
        for &i in &members[g] {
            counts[labels[i]] += 1;
        }
        let main = (0..classes).fold(0, |b, c| if counts[c] > counts[b] { c } else { b });
        let f = (0..k)
            .min_by_key(|&f| (per_class[f][main], size[f], f))
            .unwrap_or(0);
        for &i in &members[g] {
            fold[i] = f;
            per_class[f][labels[i]] += 1;
        }
        size[f] += members[g].len();
    }
    fold
}

/// Group index of each key, in order of first appearance.
pub fn group_indices(keys: &[String]) -> Vec<usize> {
    let mut seen = std::collections::HashMap::new();
    keys.iter()
        .map(|k| {
            let n = seen.len();
            *seen.entry(k.as_str()).or_insert(n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_folds_never_split_a_group_and_spread_genres() {
        // 3 genres; genre 0 has 6 artists of 4 clips, genre 1 has 10
        // artists of 1 clip, genre 2 one artist of 5 clips.
        let mut labels = Vec::new();
        let mut keys = Vec::new();
        for a in 0..6 {
            for _ in 0..4 {
                labels.push(0);
                keys.push(format!("a{a}"));
            }
        }
        for a in 0..10 {
            labels.push(1);
            keys.push(format!("b{a}"));
        }
        for _ in 0..5 {
            labels.push(2);
            keys.push("c".to_string());
        }
        let groups = group_indices(&keys);
        let f = grouped(&labels, &groups, 5, 3);
        assert_eq!(f, grouped(&labels, &groups, 5, 3));
        for i in 0..labels.len() {
            for j in 0..labels.len() {
                if groups[i] == groups[j] {
                    assert_eq!(f[i], f[j], "clips {i} and {j}");
                }
            }
        }
        for c in 0..2 {
            let counts: Vec<usize> = (0..5)
                .map(|k| {
                    (0..labels.len())
                        .filter(|&i| labels[i] == c && f[i] == k)
                        .count()
                })
                .collect();
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(hi - lo <= 4, "genre {c}: {counts:?}");
        }
        assert!(f.iter().all(|&x| x < 5));
        // Every fold is used.
        assert!((0..5).all(|k| f.contains(&k)));
    }

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
