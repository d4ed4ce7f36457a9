//! Constant-Q transform magnitudes (librosa.cqt through librosa 0.11's
//! multirate `vqt` path), with the parameters chroma_cqt uses by default:
//! fmin C1, 252 bins at 36 per octave, Hann wavelets, filter_scale 1, L1
//! norm, sparsity 0.01, scale=True, zero padding, soxr_hq decimation.
//!
//! For these parameters librosa does no early downsampling (the top filter
//! ends far below Nyquist), so octave `i` (0 = highest) is analysed at
//! 22050 / 2^i Hz with hop 512 / 2^i: a centred, unwindowed STFT of the
//! decimated signal projected onto a sparse frequency-domain filter basis.

use std::f64::consts::PI;
use std::sync::Arc;

use rustfft::num_complex::Complex;

use super::decimate::{halve, REACH};
use super::fft::{FftFloat, RealFft};
use super::recent::Recent;
use super::target_features::with_avx2;
use super::{copy_padded, unit_phasors};
use super::{HOP, SAMPLE_RATE};

/// Bins per octave of the CQT behind chroma_cqt.
pub const BINS_PER_OCTAVE: usize = 36;
/// Octaves analysed.
pub const N_OCTAVES: usize = 7;
/// Total number of CQT bins.
pub const N_CQT_BINS: usize = BINS_PER_OCTAVE * N_OCTAVES;
/// Largest tuning deviation accepted, in bins (librosa.estimate_tuning
/// returns values in [-0.5, 0.5)).
pub const MAX_TUNING: f32 = 0.5;
/// Fraction of each filter's spectral L1 mass dropped by sparsification.
const SPARSITY: f64 = 0.01;
/// Frames analysed per chunk of decimated signal (about 47 s of input).
const CHUNK_FRAMES: usize = 2048;
/// Plans kept by [`CqtPlan::cached`] (about 42 KiB each): one for every
/// tuning librosa's estimate can give (steps of 0.01 bin over [-0.5, 0.5)),
/// so the windows of one track never rebuild a plan they used before
/// (4.2 MiB at most). With 8, real music, whose windows' tunings vary,
/// took 1.3-1.5x as long as a steady synthetic signal; 1.05-1.1x now.
const PLAN_CACHE_SIZE: usize = 100;
/// Frames transformed and projected together (one vector lane each).
const BATCH: usize = 8;

/// Frequency of C1 in Hz, as librosa.note_to_hz('C1').
pub fn c1_hz() -> f64 {
    440.0 * 2f64.powf((24.0 - 69.0) / 12.0)
}

/// Frequency-domain filters of one octave. Each filter's nonzero
/// coefficients (with the zeros between them) are stored densely over its
/// bin span, real and imaginary parts apart, so that the projection runs as
/// short vectorised dot products.
#[derive(Debug)]
struct OctaveBasis {
    n_fft: usize,
    hop: usize,
    /// Bins used by any filter of the octave: `band.start..band.end`.
    band: std::ops::Range<usize>,
    /// Per filter: first bin (relative to `band.start`) and the offset of
    /// its coefficients in `re` / `im`; one extra entry ends the last row.
    rows: Vec<(usize, usize)>,
    re: Vec<f32>,
    im: Vec<f32>,
}

/// The filter bases of all octaves for one tuning, built once and reused.
#[derive(Debug)]
pub struct CqtPlan {
    tuning: f32,
    octaves: Vec<OctaveBasis>,
}

/// Centre frequencies of the 252 bins for `tuning` (in bins), ascending.
pub fn frequencies(tuning: f32) -> Vec<f64> {
    let fmin = c1_hz() * 2f64.powf(sanitize(tuning) as f64 / BINS_PER_OCTAVE as f64);
    (0..N_CQT_BINS)
        .map(|b| {
            let (o, k) = (b / BINS_PER_OCTAVE, b % BINS_PER_OCTAVE);
            fmin * (2f64.powi(o as i32) * 2f64.powf(k as f64 / BINS_PER_OCTAVE as f64))
        })
        .collect()
}

/// Tuning actually used: finite values clamped to [-0.5, 0.5], else 0.
fn sanitize(tuning: f32) -> f32 {
    if tuning.is_finite() {
        tuning.clamp(-MAX_TUNING, MAX_TUNING)
    } else {
        0.0
    }
}

/// librosa.filters._relative_bandwidth of ascending frequencies.
fn relative_bandwidth(freqs: &[f64]) -> Vec<f64> {
    let n = freqs.len();
    let logf: Vec<f64> = freqs.iter().map(|f| f.log2()).collect();
    (0..n)
        .map(|i| {
            let bpo = if i == 0 {
                1.0 / (logf[1] - logf[0])
            } else if i == n - 1 {
                1.0 / (logf[n - 1] - logf[n - 2])
            } else {
                2.0 / (logf[i + 1] - logf[i - 1])
            };
            let r = 2f64.powf(2.0 / bpo);
            (r - 1.0) / (r + 1.0)
        })
        .collect()
}

impl CqtPlan {
    /// Builds the filter bases for `tuning` (in fractions of a bin at 36
    /// per octave; clamped to [-0.5, 0.5], non-finite treated as 0).
    pub fn new(tuning: f32) -> Self {
        let tuning = sanitize(tuning);
        let freqs = frequencies(tuning);
        let alpha = relative_bandwidth(&freqs);
        let sr = SAMPLE_RATE as f64;
        // scale=True: divide by sqrt of the filter lengths at the input rate.
        let scale: Vec<f64> = freqs
            .iter()
            .zip(&alpha)
            .map(|(f, a)| 1.0 / (sr / a / f).sqrt())
            .collect();
        // Octave i sees frequencies and a sample rate both halved i times,
        // so its filters are (to rounding) those of the top octave: their
        // spectra are computed once and only rescaled per octave.
        let mut shapes: Vec<OctaveShape> = Vec::new();
        let mut octaves = Vec::with_capacity(N_OCTAVES);
        for i in 0..N_OCTAVES {
            let hi = N_CQT_BINS - BINS_PER_OCTAVE * i;
            let lo = hi - BINS_PER_OCTAVE;
            let sr_i = sr / (1u32 << i) as f64;
            let resample_gain = ((1u32 << i) as f64).sqrt();
            let gains: Vec<f64> = scale[lo..hi].iter().map(|s| s * resample_gain).collect();
            let (n_fft, keys) = octave_keys(&freqs[lo..hi], &alpha[lo..hi], sr_i);
            let found = shapes.iter().position(|s| {
                s.n_fft == n_fft
                    && s.keys.len() == keys.len()
                    && s.keys.iter().zip(&keys).all(|(a, b)| a.same_shape(b))
            });
            let at = match found {
                Some(at) => at,
                None => {
                    shapes.push(octave_shape(n_fft, keys));
                    shapes.len() - 1
                }
            };
            octaves.push(octave_basis(&shapes[at], &gains, HOP >> i));
        }
        Self { tuning, octaves }
    }

    /// Shared plan for `tuning`, reused from a small cache of the most
    /// recently used tunings (estimates come from a 0.01-resolution
    /// histogram, so values repeat across tracks and windows).
    pub fn cached(tuning: f32) -> Arc<Self> {
        static RECENT: Recent<CqtPlan> = Recent::new(PLAN_CACHE_SIZE);
        let tuning = sanitize(tuning);
        RECENT.get_or_insert_with(tuning.to_bits() as u64, || Self::new(tuning))
    }

    /// The tuning these bases were built for.
    pub fn tuning(&self) -> f32 {
        self.tuning
    }

    /// Streams the CQT magnitudes of `y` (22050 Hz) frame by frame: `f`
    /// receives the 252 bin magnitudes (lowest frequency first) of each of
    /// the `1 + len / 512` frames (fewer when a decimated octave runs out
    /// first, as in librosa's `__trim_stack`). Returns the frame count.
    pub fn for_each_frame(&self, y: &[f32], f: impl FnMut(&[f32])) -> usize {
        self.for_each_frame_in_chunks(y, CHUNK_FRAMES, f)
    }

    /// [`CqtPlan::for_each_frame`], decimating `chunk_frames` frames' worth
    /// of signal at a time so that the octave signals never hold more than
    /// one chunk (plus margins), whatever the input length.
    ///
    /// A chunk's segment reaches [`CqtPlan::margin`] samples beyond its
    /// frames on both sides: enough for the widest frame of the lowest
    /// octave and for the decimation filters' edge effects, so the frames
    /// are those of the whole signal (to rounding). Segments start on a
    /// multiple of 2^6 samples, keeping every octave on the global grid.
    fn for_each_frame_in_chunks(
        &self,
        y: &[f32],
        chunk_frames: usize,
        mut f: impl FnMut(&[f32]),
    ) -> usize {
        if y.is_empty() {
            return 0;
        }
        // Octave i has ceil(len / 2^i) samples and hop HOP / 2^i.
        let n_frames = self
            .octaves
            .iter()
            .enumerate()
            .map(|(i, o)| 1 + y.len().div_ceil(1 << i) / o.hop)
            .min()
            .unwrap_or(0);
        let align = 1usize << (N_OCTAVES - 1);
        let margin = self.margin();
        let mut ffts: Vec<RealFft<f32>> =
            self.octaves.iter().map(|o| RealFft::new(o.n_fft)).collect();
        let max_band = self.octaves.iter().map(|o| o.band.len()).max().unwrap_or(0);
        let (mut spec_re, mut spec_im) = (vec![0.0f32; max_band], vec![0.0f32; max_band]);
        // Band spectra and magnitudes of a batch of frames, bin-major with
        // one lane per frame, so that the projection vectorises across frames.
        let (mut band_re, mut band_im) = (
            vec![[0.0f32; BATCH]; max_band],
            vec![[0.0f32; BATCH]; max_band],
        );
        let mut mags = [[0.0f32; BATCH]; N_CQT_BINS];
        let mut frame = [0.0f32; N_CQT_BINS];

        let chunk_frames = chunk_frames.max(1);
        let mut t0 = 0;
        while t0 < n_frames {
            let t1 = (t0 + chunk_frames).min(n_frames);
            let start = (t0 * HOP).saturating_sub(margin) / align * align;
            let end = if t1 == n_frames {
                y.len()
            } else {
                (t1 * HOP + margin).min(y.len())
            };
            let segment = &y[start.min(y.len())..end.max(start).min(y.len())];
            // Octave signals of the segment: it, then halved once per octave
            // (the last octave's decimation in librosa is never used).
            let mut signals: Vec<Vec<f32>> = Vec::with_capacity(N_OCTAVES - 1);
            for _ in 1..N_OCTAVES {
                let next = halve(signals.last().map_or(segment, |s| s.as_slice()));
                signals.push(next);
            }
            let signal = |i: usize| -> &[f32] {
                if i == 0 {
                    segment
                } else {
                    &signals[i - 1]
                }
            };
            with_avx2(
                #[inline(always)]
                || {
                    for b0 in (t0..t1).step_by(BATCH) {
                        let batch = (t1 - b0).min(BATCH);
                        for (i, (oct, fft)) in self.octaves.iter().zip(ffts.iter_mut()).enumerate()
                        {
                            let x = signal(i);
                            let width = oct.band.len();
                            let (spec_re, spec_im) = (&mut spec_re[..width], &mut spec_im[..width]);
                            for lane in 0..batch {
                                // Centred frame with zero padding: x[t * hop - n / 2 + k],
                                // in the segment's own indices.
                                let first = ((b0 + lane) * oct.hop) as isize
                                    - (oct.n_fft / 2) as isize
                                    - (start >> i) as isize;
                                let out = (&mut spec_re[..], &mut spec_im[..]);
                                // Frames inside the signal are read where they lie.
                                let inside = usize::try_from(first)
                                    .ok()
                                    .and_then(|a| x.get(a..a.checked_add(oct.n_fft)?));
                                match inside {
                                    Some(frame) => fft.process_frame(frame, oct.band.clone(), out),
                                    None => fft.process(
                                        |buf| copy_padded(x, first, buf),
                                        oct.band.clone(),
                                        out,
                                    ),
                                }
                                for ((r, &v), (m, &w)) in band_re
                                    .iter_mut()
                                    .zip(spec_re.iter())
                                    .zip(band_im.iter_mut().zip(spec_im.iter()))
                                {
                                    (r[lane], m[lane]) = (v, w);
                                }
                            }
                            let hi = N_CQT_BINS - BINS_PER_OCTAVE * i;
                            project(oct, &band_re, &band_im, &mut mags[hi - BINS_PER_OCTAVE..hi]);
                        }
                        for lane in 0..batch {
                            for (v, m) in frame.iter_mut().zip(&mags) {
                                *v = m[lane];
                            }
                            f(&frame);
                        }
                    }
                },
            );
            t0 = t1;
        }
        n_frames
    }

    /// Input samples a chunk's segment extends beyond its frames: half the
    /// widest frame of any octave and the decimation filters' reach
    /// accumulated over the octaves, both in input samples.
    fn margin(&self) -> usize {
        let frame = self
            .octaves
            .iter()
            .enumerate()
            .map(|(i, o)| (o.n_fft / 2) << i)
            .max()
            .unwrap_or(0);
        // Each halving spreads an edge by REACH inputs: at octave i the
        // damaged span stays under REACH + 2 of its samples.
        let decimation = (REACH + 2) << (N_OCTAVES - 1);
        let align = 1usize << (N_OCTAVES - 1);
        (frame + decimation).div_ceil(align) * align
    }
}

/// Magnitudes of one octave's bins for a batch of frames: `re` and `im`
/// hold the frames' band spectra (one lane per frame, from the octave's
/// first band bin), `out` receives one row of lanes per bin.
#[inline(always)]
fn project(oct: &OctaveBasis, re: &[[f32; BATCH]], im: &[[f32; BATCH]], out: &mut [[f32; BATCH]]) {
    for (o, w) in out.iter_mut().zip(oct.rows.windows(2)) {
        let ((lo, a), (_, b)) = (w[0], w[1]);
        let len = b - a;
        let (xr, xi) = (
            re.get(lo..lo + len).unwrap_or(&[]),
            im.get(lo..lo + len).unwrap_or(&[]),
        );
        let (mut zr, mut zi) = ([0.0f32; BATCH], [0.0f32; BATCH]);
        for (((&cr, &ci), xr), xi) in oct.re[a..b].iter().zip(&oct.im[a..b]).zip(xr).zip(xi) {
            for l in 0..BATCH {
                zr[l] += cr * xr[l] - ci * xi[l];
                zi[l] += cr * xi[l] + ci * xr[l];
            }
        }
        // |z| in double precision: correctly rounded like numpy's abs of
        // complex64, and vectorised.
        for ((m, &r), &i) in o.iter_mut().zip(&zr).zip(&zi) {
            let (r, i) = (r as f64, i as f64);
            *m = (r * r + i * i).sqrt() as f32;
        }
    }
}

/// Time-domain layout of one filter: what its spectrum depends on.
#[derive(Debug, Clone, Copy)]
struct FilterKey {
    /// Window length (samples).
    m: usize,
    /// Index of the first sample relative to the centre.
    start: f64,
    /// Filter length before rounding, `Q * sr / f`.
    ilen: f64,
    /// Angular frequency in radians per sample.
    omega: f64,
}

impl FilterKey {
    /// True when both filters have the same window and, up to rounding in
    /// the last few bits, the same length and frequency.
    fn same_shape(&self, other: &Self) -> bool {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
        self.m == other.m
            && self.start == other.start
            && close(self.ilen, other.ilen)
            && close(self.omega, other.omega)
    }
}

/// Unscaled sparse spectra of one octave's filters (CSR rows, f64).
#[derive(Debug)]
struct OctaveShape {
    n_fft: usize,
    keys: Vec<FilterKey>,
    row_start: Vec<usize>,
    index: Vec<usize>,
    coef: Vec<Complex<f64>>,
}

/// Filter layouts of one octave and the FFT size that holds them.
fn octave_keys(freqs: &[f64], alpha: &[f64], sr: f64) -> (usize, Vec<FilterKey>) {
    // filter_scale 1, gamma 0: Q = 1 / alpha, length = Q * sr / f.
    let lengths: Vec<f64> = freqs.iter().zip(alpha).map(|(f, a)| sr / a / f).collect();
    let max_len = lengths.iter().cloned().fold(0.0, f64::max);
    let n_fft = 1usize << (max_len.log2().ceil().max(1.0) as u32);
    let keys = freqs
        .iter()
        .zip(&lengths)
        .map(|(&freq, &ilen)| {
            // np.arange(-ilen // 2, ilen // 2): floor(-ilen/2) .. floor(ilen/2).
            let start = (-ilen / 2.0).floor();
            let m = ((ilen / 2.0).floor() - start) as usize;
            FilterKey {
                m,
                start,
                ilen,
                omega: 2.0 * PI * freq / sr,
            }
        })
        .collect();
    (n_fft, keys)
}

/// librosa's `__vqt_filter_fft` for one octave, before the per-octave
/// rescaling: windowed, L1-normalised complex64 wavelets, rescaled by
/// length / n_fft, transformed and sparsified.
fn octave_shape(n_fft: usize, keys: Vec<FilterKey>) -> OctaveShape {
    let fft = f64::forward(n_fft);
    let mut row_start = vec![0];
    let mut index = Vec::new();
    let mut coef = Vec::new();
    let mut buf = vec![Complex::new(0.0f64, 0.0); n_fft];
    let mut mags = Vec::with_capacity(n_fft / 2 + 1);
    for key in &keys {
        let m = key.m.min(n_fft);
        let window: Vec<f64> = unit_phasors(0.0, 2.0 * PI / m as f64)
            .take(m)
            .map(|z| 0.5 - 0.5 * z.re)
            .collect();
        let l1: f64 = window.iter().sum();
        let left = (n_fft - m) / 2;
        buf.iter_mut().for_each(|c| *c = Complex::new(0.0, 0.0));
        let phasors = unit_phasors(key.start * key.omega, key.omega);
        for (n, (w, z)) in window.iter().zip(phasors).enumerate() {
            // Normalised (L1), stored as complex64, rescaled by length / n_fft.
            let v = z * (w / l1);
            let v32 = Complex::new(v.re as f32 as f64, v.im as f32 as f64);
            buf[left + n] = v32 * (key.ilen / n_fft as f64);
        }
        fft.process(&mut buf);
        let kept = &buf[..n_fft / 2 + 1];
        mags.clear();
        mags.extend(kept.iter().map(|c| (c.re * c.re + c.im * c.im).sqrt()));
        let threshold = sparsify_threshold(&mags);
        for (k, (c, &mag)) in kept.iter().zip(&mags).enumerate() {
            if mag >= threshold {
                index.push(k);
                coef.push(*c);
            }
        }
        row_start.push(index.len());
    }
    OctaveShape {
        n_fft,
        keys,
        row_start,
        index,
        coef,
    }
}

/// One octave's sparse basis: the filter spectra of `shape` times `gains`
/// (one per filter), stored as complex64 like librosa's basis.
fn octave_basis(shape: &OctaveShape, gains: &[f64], hop: usize) -> OctaveBasis {
    let n_rows = gains.len().min(shape.row_start.len() - 1);
    let span = |r: usize| &shape.index[shape.row_start[r]..shape.row_start[r + 1]];
    let first = (0..n_rows).filter_map(|r| span(r).first()).min().copied();
    let last = (0..n_rows).filter_map(|r| span(r).last()).max().copied();
    let band = match (first, last) {
        (Some(a), Some(b)) => a..b + 1,
        _ => 0..0,
    };
    let (mut rows, mut re, mut im) = (Vec::with_capacity(n_rows + 1), Vec::new(), Vec::new());
    for (r, &gain) in gains.iter().enumerate().take(n_rows) {
        let lo = span(r).first().map_or(band.start, |&k| k);
        rows.push((lo - band.start, re.len()));
        let base = re.len();
        let len = span(r).last().map_or(0, |&k| k + 1 - lo);
        re.resize(base + len, 0.0);
        im.resize(base + len, 0.0);
        let coefs = &shape.coef[shape.row_start[r]..shape.row_start[r + 1]];
        for (&k, c) in span(r).iter().zip(coefs) {
            re[base + k - lo] = (c.re * gain) as f32;
            im[base + k - lo] = (c.im * gain) as f32;
        }
    }
    rows.push((0, re.len()));
    OctaveBasis {
        n_fft: shape.n_fft,
        hop,
        band,
        rows,
        re,
        im,
    }
}

/// librosa.util.sparsify_rows: the smallest magnitude kept so that the
/// dropped coefficients hold less than SPARSITY of the row's L1 mass.
fn sparsify_threshold(mags: &[f64]) -> f64 {
    let norm: f64 = mags.iter().sum();
    // Magnitudes are non-negative, so their bit patterns sort like them.
    let mut sorted: Vec<u64> = mags.iter().map(|m| m.to_bits()).collect();
    sorted.sort_unstable();
    let sorted: Vec<f64> = sorted.into_iter().map(f64::from_bits).collect();
    let mut cum = 0.0;
    for &v in &sorted {
        cum += v / norm;
        if cum >= SPARSITY {
            return v;
        }
    }
    // All below the quantile (argmin of an all-true mask is 0).
    sorted.first().copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equivalent noise bandwidth of the Hann window (librosa's table value).
    const HANN_BANDWIDTH: f64 = 1.50018310546875;

    #[test]
    fn bases_are_sparse_and_fit_below_nyquist() {
        let plan = CqtPlan::new(0.0);
        assert_eq!(plan.octaves.len(), N_OCTAVES);
        for o in &plan.octaves {
            assert_eq!(o.rows.len(), BINS_PER_OCTAVE + 1);
            assert!(!o.band.is_empty() && o.band.end <= o.n_fft / 2 + 1);
            assert!(o
                .rows
                .windows(2)
                .all(|w| w[0].0 + w[1].1 - w[0].1 <= o.band.len()));
            assert!(o.re.len() < BINS_PER_OCTAVE * (o.n_fft / 2 + 1) / 4);
        }
        // No early downsampling: the highest filter reaches far below Nyquist.
        let f = frequencies(MAX_TUNING);
        let a = relative_bandwidth(&f);
        let cutoff = f[N_CQT_BINS - 1] * (1.0 + 0.5 * HANN_BANDWIDTH * a[N_CQT_BINS - 1]);
        let nyquist = SAMPLE_RATE as f64 / 2.0;
        assert!((nyquist / cutoff).log2().ceil() - 2.0 <= 0.0);
    }

    #[test]
    fn chunks_give_the_frames_of_the_whole_signal() {
        let plan = CqtPlan::cached(0.0);
        // About 12 s: several chunks of 100 frames, the last one short.
        let y: Vec<f32> = (0..265_000)
            .map(|n| {
                let t = n as f64 / SAMPLE_RATE as f64;
                ((2.0 * PI * 55.0 * t * (1.0 + t)).sin() * 0.5
                    + ((n * 7919) % 1013) as f64 / 5065.0) as f32
            })
            .collect();
        let collect = |chunk: usize| {
            let mut frames = Vec::new();
            let n = plan.for_each_frame_in_chunks(&y, chunk, |m| frames.push(m.to_vec()));
            assert_eq!(n, frames.len());
            frames
        };
        let whole = collect(usize::MAX);
        assert_eq!(whole.len(), 1 + y.len() / HOP);
        let peak = whole.iter().flatten().fold(0.0f32, |m, &v| m.max(v));
        for chunk in [100, 333] {
            let parts = collect(chunk);
            assert_eq!(parts.len(), whole.len());
            let err = parts
                .iter()
                .flatten()
                .zip(whole.iter().flatten())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(
                err <= 1e-5 * peak,
                "chunk {chunk}: error {err}, peak {peak}"
            );
        }
    }

    #[test]
    fn cached_plans_are_reused_per_tuning() {
        let a = CqtPlan::cached(0.13);
        let b = CqtPlan::cached(-0.21);
        assert!(Arc::ptr_eq(&a, &CqtPlan::cached(0.13)));
        assert!(Arc::ptr_eq(&b, &CqtPlan::cached(-0.21)));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(b.tuning(), -0.21);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let plan = CqtPlan::cached(f32::NAN);
        assert_eq!(plan.tuning(), 0.0);
        assert_eq!(plan.for_each_frame(&[], |_| {}), 0);
        let mut frames = 0;
        assert_eq!(plan.for_each_frame(&[0.5], |_| frames += 1), 1);
        assert_eq!(frames, 1);
        assert_eq!(CqtPlan::new(7.0).tuning(), MAX_TUNING);
    }
}
