//! Tuning estimation: librosa's `piptrack`, `pitch_tuning` and
//! `estimate_tuning` with their defaults (fmin 150 Hz, fmax 4000 Hz,
//! threshold 0.1 of each frame's maximum, resolution 0.01 of a bin, median
//! magnitude threshold).
//!
//! Frames are fed one by one; only the (pitch, magnitude) pairs that
//! piptrack finds are kept. The arithmetic follows numpy's single precision
//! step by step so that candidates near a threshold or histogram edge fall
//! on the same side as in librosa.

use super::N_FFT;

/// Lowest frequency piptrack considers, in Hz.
pub const FMIN: f64 = 150.0;
/// Frequencies from this one up are ignored by piptrack, in Hz.
pub const FMAX: f64 = 4000.0;
/// Fraction of each frame's maximum a peak must exceed.
pub const THRESHOLD: f32 = 0.1;
/// Resolution of the estimate, in fractions of a bin.
pub const RESOLUTION: f64 = 0.01;

/// Pitch candidates gathered by piptrack over the frames of a spectrogram.
#[derive(Debug, Clone, Default)]
pub struct PitchTracker {
    sr: f64,
    lo: usize,
    hi: usize,
    pitches: Vec<f32>,
    mags: Vec<f32>,
    /// Scratch: which bins of the current frame are peaks.
    flags: Vec<u8>,
}

impl PitchTracker {
    /// A tracker for spectra of [`N_FFT`] points at `sr` Hz.
    pub fn new(sr: f64) -> Self {
        let fmax = FMAX.min(sr / 2.0);
        let freqs = super::mel::fft_frequencies(sr, N_FFT);
        let lo = freqs.iter().position(|&f| FMIN <= f).unwrap_or(freqs.len());
        let hi = freqs.iter().position(|&f| f >= fmax).unwrap_or(freqs.len());
        Self {
            sr,
            lo,
            hi: hi.max(lo),
            pitches: Vec::new(),
            mags: Vec::new(),
            flags: Vec::new(),
        }
    }

    /// Adds the peaks of one spectrum frame `s` (magnitude or power, as
    /// librosa was given), following librosa.piptrack.
    #[inline(always)]
    pub fn push_frame(&mut self, s: &[f32]) {
        let n = s.len();
        if n < 3 {
            return;
        }
        let max = super::reduce::max(s);
        let ref_value = THRESHOLD * max;
        let t = |v: f32| if v > ref_value { v } else { 0.0 };
        let (first, hi) = (self.lo.max(1), self.hi.min(n));
        let lo = first.min(n - 1);
        // Bins with both neighbours: local maxima of the thresholded
        // spectrum flagged in one branch-free (vectorised) pass, then
        // visited; the last bin, if in range, on its own.
        let end = hi.min(n - 1).max(lo);
        self.flags.clear();
        self.flags.extend(
            s[lo - 1..end - 1]
                .iter()
                .zip(&s[lo..end])
                .zip(&s[lo + 1..end + 1])
                .map(|((&l, &c), &r)| (t(c) > t(l) && t(c) >= t(r)) as u8),
        );
        let flags = std::mem::take(&mut self.flags);
        for (k, _) in (lo..end).zip(&flags).filter(|(_, &f)| f != 0) {
            let shift = parabolic_shift(s[k - 1], s[k], s[k + 1]);
            let avg = (s[k + 1] - s[k - 1]) / 2.0;
            self.push(k, shift, s[k] + 0.5 * avg * shift);
        }
        self.flags = flags;
        if hi == n && first < n && t(s[n - 1]) > t(s[n - 2]) {
            // No right neighbour: no interpolation, one-sided slope.
            let k = n - 1;
            self.push(k, 0.0, s[k] + 0.5 * (s[k] - s[k - 1]) * 0.0);
        }
    }

    /// Adds a candidate at bin `k` shifted by `shift`, of magnitude `mag`.
    #[inline(always)]
    fn push(&mut self, k: usize, shift: f32, mag: f32) {
        let pitch = ((k as f64 + shift as f64) * self.sr / N_FFT as f64) as f32;
        self.pitches.push(pitch);
        self.mags.push(mag);
    }

    /// Number of candidates found so far.
    pub fn len(&self) -> usize {
        self.pitches.len()
    }

    /// Whether no candidate was found.
    pub fn is_empty(&self) -> bool {
        self.pitches.is_empty()
    }

    /// librosa.estimate_tuning over the frames seen: the tuning deviation
    /// in fractions of a bin at `bins_per_octave`, in `[-0.5, 0.5)`.
    pub fn estimate(&self, bins_per_octave: u32) -> f64 {
        let kept: Vec<usize> = (0..self.pitches.len())
            .filter(|&i| self.pitches[i] > 0.0)
            .collect();
        let threshold = median(kept.iter().map(|&i| self.mags[i]).collect()).unwrap_or(0.0);
        pitch_tuning(
            kept.into_iter()
                .filter(|&i| self.mags[i] >= threshold)
                .map(|i| self.pitches[i]),
            bins_per_octave,
        )
    }
}

/// Offset of a parabola's vertex through three points (librosa's
/// `_parabolic_interpolation` stencil, in double precision like numba).
fn parabolic_shift(left: f32, centre: f32, right: f32) -> f32 {
    let a = (right + left) as f64 - 2.0 * centre as f64;
    let b = (right - left) as f64 / 2.0;
    if b.abs() >= a.abs() {
        0.0
    } else {
        (-b / a) as f32
    }
}

/// np.median of single-precision values (mean of the middle two for an even count).
fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    let n = v.len();
    let (below, &mut upper, _) = v.select_nth_unstable_by(n / 2, f32::total_cmp);
    Some(if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
        (lower + upper) / 2.0
    })
}

/// librosa.pitch_tuning: the most common deviation of `frequencies` from
/// the A440 grid at `bins_per_octave`, on a histogram of [`RESOLUTION`] steps.
pub fn pitch_tuning(frequencies: impl Iterator<Item = f32>, bins_per_octave: u32) -> f64 {
    let n_bins = (1.0 / RESOLUTION).ceil() as usize;
    let edges = super::mel::linspace(-0.5, 0.5, n_bins + 1);
    let mut counts = vec![0usize; n_bins];
    let mut any = false;
    let bpo = bins_per_octave as f32;
    for f in frequencies.filter(|&f| f > 0.0) {
        any = true;
        let octs = (f / (440.0f32 / 16.0)).log2();
        let mut residual = (bpo * octs).rem_euclid(1.0);
        if residual >= 0.5 {
            residual -= 1.0;
        }
        let r = residual as f64;
        // np.histogram: bins are [e_i, e_{i+1}), the last one closed.
        let last = edges[n_bins];
        if !(edges[0]..=last).contains(&r) {
            continue;
        }
        let i = if r == last {
            n_bins - 1
        } else {
            edges.partition_point(|&e| e <= r) - 1
        };
        counts[i] += 1;
    }
    if !any {
        return 0.0;
    }
    // np.argmax: the first of equal maxima.
    let best = counts
        .iter()
        .enumerate()
        .fold(
            (0, 0),
            |(bi, bc), (i, &c)| if c > bc { (i, c) } else { (bi, bc) },
        )
        .0;
    edges[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// librosa.piptrack's peak test bin by bin, as a reference for the
    /// flagged pass of [`PitchTracker::push_frame`].
    fn peaks_bin_by_bin(tracker: &PitchTracker, s: &[f32]) -> Vec<(f32, f32)> {
        let n = s.len();
        let ref_value = THRESHOLD * s.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let t = |k: usize| if s[k] > ref_value { s[k] } else { 0.0 };
        let mut out = Vec::new();
        for k in tracker.lo.max(1)..tracker.hi.min(n) {
            let inner = k + 1 < n;
            let is_max = t(k) > t(k - 1) && (!inner || t(k) >= t(k + 1));
            if is_max {
                let shift = if inner {
                    parabolic_shift(s[k - 1], s[k], s[k + 1])
                } else {
                    0.0
                };
                let avg = if inner {
                    (s[k + 1] - s[k - 1]) / 2.0
                } else {
                    s[k] - s[k - 1]
                };
                let pitch = ((k as f64 + shift as f64) * tracker.sr / N_FFT as f64) as f32;
                out.push((pitch, s[k] + 0.5 * avg * shift));
            }
        }
        out
    }

    #[test]
    fn flagged_peaks_match_the_bin_by_bin_test() {
        let mut rng = crate::rng::Rng::new(3);
        let mut next = || rng.uniform() as f32;
        // Full frames, and frames that end inside the pitch range (the last
        // bin then has no right neighbour); plateaus from quantised values.
        for n in [1025usize, 300, 40, 3, 2] {
            for sr in [22050.0, 8000.0] {
                for quantise in [false, true] {
                    let s: Vec<f32> = (0..n)
                        .map(|_| {
                            let v = next();
                            if quantise {
                                (v * 4.0).floor()
                            } else {
                                v * v
                            }
                        })
                        .collect();
                    let mut tracker = PitchTracker::new(sr);
                    tracker.push_frame(&s);
                    let got: Vec<(f32, f32)> = tracker
                        .pitches
                        .iter()
                        .copied()
                        .zip(tracker.mags.iter().copied())
                        .collect();
                    let want = if n < 3 {
                        Vec::new()
                    } else {
                        peaks_bin_by_bin(&tracker, &s)
                    };
                    assert_eq!(got, want, "n {n}, sr {sr}, quantised {quantise}");
                }
            }
        }
    }

    #[test]
    fn pitch_tuning_finds_offsets() {
        // Notes tuned +25.5 cents: the histogram bin [0.25, 0.26).
        let freqs: Vec<f32> = (0..24)
            .map(|i| (55.0 * 2f64.powf((i as f64 + 0.255) / 12.0)) as f32)
            .collect();
        let t = pitch_tuning(freqs.iter().copied(), 12);
        assert!((t - 0.25).abs() < 1e-9, "{t}");
        // At 36 bins per octave that is 0.765 of a bin, i.e. -0.235.
        let t = pitch_tuning(freqs.iter().copied(), 36);
        assert!((t + 0.24).abs() < 1e-9, "{t}");
        assert_eq!(pitch_tuning(std::iter::empty(), 12), 0.0);
        assert_eq!(pitch_tuning([440.0f32].into_iter(), 12), 0.0);
    }

    #[test]
    fn median_like_numpy() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn tracks_a_peak_between_bins() {
        let sr = 22050.0;
        let mut tracker = PitchTracker::new(sr);
        let mut s = vec![0.0f32; N_FFT / 2 + 1];
        // A symmetric parabola peaking at bin 40.25.
        for (k, v) in s.iter_mut().enumerate().take(44).skip(37) {
            let d = k as f32 - 40.25;
            *v = 10.0 - d * d;
        }
        tracker.push_frame(&s);
        assert_eq!(tracker.len(), 1);
        let want = (40.25 * sr / N_FFT as f64) as f32;
        assert!((tracker.pitches[0] - want).abs() < 1e-3);
        // Peaks below fmin are ignored.
        let mut low = vec![0.0f32; N_FFT / 2 + 1];
        low[5] = 1.0;
        tracker.push_frame(&low);
        assert_eq!(tracker.len(), 1);
    }
}
