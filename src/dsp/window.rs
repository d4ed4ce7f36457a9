//! Analysis window (scipy.signal.get_window('hann', n, fftbins=True)).

use std::f64::consts::PI;

/// Periodic Hann window of length `n`, computed as scipy does: the first `n`
/// points of the symmetric window of length `n + 1`.
pub fn hann(n: usize) -> Vec<f64> {
    if n <= 1 {
        return vec![1.0; n];
    }
    // scipy: fac = linspace(-pi, pi, n + 1); w = 0.5 + 0.5 * cos(fac).
    let step = 2.0 * PI / n as f64;
    (0..n)
        .map(|i| 0.5 + 0.5 * (i as f64 * step - PI).cos())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_hann_shape() {
        let w = hann(8);
        assert_eq!(w.len(), 8);
        assert!(w[0].abs() < 1e-15);
        assert!((w[4] - 1.0).abs() < 1e-15);
        // Periodic: symmetric about n/2, not about (n-1)/2.
        for i in 1..8 {
            assert!((w[i] - w[8 - i]).abs() < 1e-15);
        }
        assert_eq!(hann(1), vec![1.0]);
        assert!(hann(0).is_empty());
    }
}
