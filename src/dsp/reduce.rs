//! Reductions (dot products, maximum) over independent lanes, so that they
//! vectorise in the caller's target features and are not bound by the
//! latency of one running value. Portable code, for any target.

const LANES: usize = 8;

/// `sum a[i] * b[i]` over the shorter length, accumulated in `f64`.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    dot_wide(a, b)
}

/// `sum a[i] * b[i]` for double-precision `a` and single-precision `b`.
#[inline(always)]
pub fn dot64(a: &[f64], b: &[f32]) -> f64 {
    dot_wide(a, b)
}

/// `sum a[i] * b[i]` over the shorter length, each product and the sum in
/// `f64` (widening `f32` is exact, so both callers get the same arithmetic).
#[inline(always)]
fn dot_wide<A: Copy + Into<f64>>(a: &[A], b: &[f32]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| x.into() * y as f64)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] += x[l].into() * y[l] as f64;
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// `sum a[i] * b[i]` over the shorter length, accumulated in `f32` lanes
/// (faster; relative error about `sqrt(n)` units in the last place).
#[inline(always)]
pub fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    const L: usize = 16;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; L];
    let (ca, cb) = (a.chunks_exact(L), b.chunks_exact(L));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..L {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Largest value of `v` (negative infinity when empty; NaN-free input).
#[inline(always)]
pub fn max(v: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let c = v.chunks_exact(LANES);
    let tail = c
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    for x in c {
        for l in 0..LANES {
            acc[l] = if x[l] > acc[l] { x[l] } else { acc[l] };
        }
    }
    acc.iter().fold(tail, |m, &x| m.max(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_and_max_match_plain_loops() {
        let a: Vec<f32> = (0..1025).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..1025).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-12);
        let a64: Vec<f64> = a.iter().map(|&x| x as f64).collect();
        assert!((dot64(&a64, &b) - plain).abs() < 1e-12);
        assert!((dot_f32(&a, &b) as f64 - plain).abs() < 1e-4);
        assert_eq!(dot(&a[..3], &b), dot(&a[..3], &b[..3]));
        let m = a.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
        assert_eq!(max(&a), m);
        assert_eq!(max(&[]), f32::NEG_INFINITY);
    }
}
