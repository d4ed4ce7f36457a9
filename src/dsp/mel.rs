//! Mel filter bank and mel spectrogram (librosa.filters.mel with
//! `htk=False, norm="slaney"`, and librosa.feature.melspectrogram).

use super::{N_FFT, SAMPLE_RATE};

/// Mel bands of the analysis (librosa `n_mels`).
pub const N_MELS: usize = 128;

/// Hz to mel on the Slaney scale (librosa.hz_to_mel, `htk=False`).
pub fn hz_to_mel(hz: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if hz >= min_log_hz {
        min_log_mel + (hz / min_log_hz).ln() / logstep
    } else {
        hz / f_sp
    }
}

/// Mel to Hz on the Slaney scale (librosa.mel_to_hz, `htk=False`).
pub fn mel_to_hz(mel: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        min_log_hz * (logstep * (mel - min_log_mel)).exp()
    } else {
        f_sp * mel
    }
}

/// `n` points from `start` to `stop` inclusive, as numpy.linspace computes them.
pub(crate) fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![start];
    }
    let step = (stop - start) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + start).collect();
    v[n - 1] = stop;
    v
}

/// Centre frequency of each FFT bin (librosa.fft_frequencies).
pub fn fft_frequencies(sr: f64, n_fft: usize) -> Vec<f64> {
    let val = 1.0 / (n_fft as f64 * (1.0 / sr));
    (0..n_fft / 2 + 1).map(|k| k as f64 * val).collect()
}

/// One triangular filter: its weights over the bins `start..start + weights.len()`.
#[derive(Debug, Clone)]
struct Filter {
    start: usize,
    weights: Vec<f32>,
}

/// A mel filter bank stored sparsely (each filter's nonzero bin range).
#[derive(Debug, Clone)]
pub struct MelFilterBank {
    filters: Vec<Filter>,
}

impl MelFilterBank {
    /// librosa.filters.mel(sr, n_fft=[`N_FFT`], n_mels, fmin=0, fmax=sr/2,
    /// htk=False, norm="slaney"), in single precision like librosa's.
    pub fn new(sr: f64, n_mels: usize) -> Self {
        let fftfreqs = fft_frequencies(sr, N_FFT);
        let mel_f: Vec<f64> = linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2)
            .into_iter()
            .map(mel_to_hz)
            .collect();
        let filters = (0..n_mels)
            .map(|i| {
                let fdiff_lo = mel_f[i + 1] - mel_f[i];
                let fdiff_hi = mel_f[i + 2] - mel_f[i + 1];
                let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
                let row: Vec<f32> = fftfreqs
                    .iter()
                    .map(|&f| {
                        let lower = -(mel_f[i] - f) / fdiff_lo;
                        let upper = (mel_f[i + 2] - f) / fdiff_hi;
                        let w = 0.0f64.max(lower.min(upper)) as f32;
                        // librosa scales the float32 weights in place.
                        (w as f64 * enorm) as f32
                    })
                    .collect();
                let start = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let end = row.iter().rposition(|&w| w != 0.0).map_or(start, |e| e + 1);
                Filter {
                    start,
                    weights: row[start..end].to_vec(),
                }
            })
            .collect();
        Self { filters }
    }

    /// The bank of the analysis ([`N_MELS`] bands at [`SAMPLE_RATE`]),
    /// built once.
    pub fn analysis() -> &'static Self {
        static BANK: std::sync::OnceLock<MelFilterBank> = std::sync::OnceLock::new();
        BANK.get_or_init(|| Self::new(SAMPLE_RATE as f64, N_MELS))
    }

    /// Number of mel bands.
    pub fn n_mels(&self) -> usize {
        self.filters.len()
    }

    /// Mel power of one frame: `out[m] = sum_k basis[m, k] * power[k]`.
    #[inline(always)]
    pub fn apply(&self, power: &[f32], out: &mut [f32]) {
        for (o, f) in out.iter_mut().zip(&self.filters) {
            let bins = power.get(f.start..f.start + f.weights.len()).unwrap_or(&[]);
            *o = super::reduce::dot(&f.weights, bins) as f32;
        }
    }

    /// Dense weight of band `m` at bin `k` (zero outside its support).
    pub fn weight(&self, m: usize, k: usize) -> f32 {
        self.filters
            .get(m)
            .and_then(|f| f.weights.get(k.checked_sub(f.start)?).copied())
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slaney_scale_round_trips() {
        for hz in [0.0, 100.0, 999.0, 1000.0, 5000.0, 11025.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9 * (1.0 + hz));
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
    }

    #[test]
    fn filters_are_sparse_triangles_with_slaney_area() {
        let bank = MelFilterBank::new(22050.0, 128);
        assert_eq!(bank.n_mels(), 128);
        let df = 22050.0 / N_FFT as f64;
        for f in &bank.filters {
            assert!(!f.weights.is_empty());
            assert!(f.weights.iter().all(|&w| w > 0.0));
        }
        // Slaney norm: each triangle's area in Hz is about 1 (exactly 1 for a
        // continuous triangle); wide high bands are sampled finely enough.
        let high = &bank.filters[100];
        let area: f64 = high.weights.iter().map(|&w| w as f64 * df).sum();
        assert!((area - 1.0).abs() < 0.02, "{area}");
        // A flat spectrum gives each band its weight sum.
        let ones = vec![1.0f32; N_FFT / 2 + 1];
        let mut out = vec![0.0; 128];
        bank.apply(&ones, &mut out);
        let sum: f32 = high.weights.iter().sum();
        assert!((out[100] - sum).abs() < 1e-6 * sum);
        assert_eq!(bank.weight(100, high.start), high.weights[0]);
        assert_eq!(bank.weight(100, 0), 0.0);
    }
}
