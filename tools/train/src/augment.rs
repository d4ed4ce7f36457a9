//! Training-time augmentation: copies of a clip that differ the way real
//! recordings of the same music differ (level, equalisation, bandwidth,
//! noise, lossy coding, tuning, where the windows fall). Never used at run
//! time; held-out clips are always evaluated as they are.

use std::io::Write;
use std::process::{Command, Stdio};

use genre_classifier::SAMPLE_RATE;

use genre_trainer::rng::Rng;

/// One kind of augmented copy. Every copy also starts at a random offset
/// (up to 1.5 s), so its windows fall elsewhere in the music.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Gain of -30 to +6 dB.
    Gain,
    /// Low and high shelves of +/- 6 dB and one peak of +/- 9 dB between
    /// 150 Hz and 5 kHz.
    Eq,
    /// Steep low-pass (8th order) at 3 to 9 kHz, as band-limited sources.
    LowPass,
    /// White or pink noise at 15 to 35 dB below the signal.
    Noise,
    /// MP3 round trip through `lame` at 64 to 160 kbps.
    Mp3,
    /// Pitch (and tempo) shifted by up to half a semitone.
    Pitch,
}

impl Kind {
    /// Every kind, in the order of the feature cache.
    pub const ALL: [Kind; 6] = [
        Kind::Gain,
        Kind::Eq,
        Kind::LowPass,
        Kind::Noise,
        Kind::Mp3,
        Kind::Pitch,
    ];

    /// Position in [`Kind::ALL`].
    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }

    /// Short name for reports and cache files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gain => "gain",
            Kind::Eq => "eq",
            Kind::LowPass => "low-pass",
            Kind::Noise => "noise",
            Kind::Mp3 => "mp3",
            Kind::Pitch => "pitch",
        }
    }
}

/// An augmented copy of `y` (mono, at [`SAMPLE_RATE`]), drawn from `rng`.
pub fn augment(y: &[f32], kind: Kind, rng: &mut Rng) -> Result<Vec<f32>, String> {
    let offset = rng.below(SAMPLE_RATE as usize * 3 / 2);
    let y = &y[offset.min(y.len() / 2)..];
    let sr = SAMPLE_RATE as f32;
    Ok(match kind {
        Kind::Gain => {
            let g = db_to_amplitude(uniform(rng, -30.0, 6.0));
            y.iter().map(|v| v * g).collect()
        }
        Kind::Eq => {
            let mut out = y.to_vec();
            Biquad::low_shelf(200.0, uniform(rng, -6.0, 6.0), sr).run(&mut out);
            Biquad::high_shelf(3000.0, uniform(rng, -6.0, 6.0), sr).run(&mut out);
            let f = 150.0 * (5000.0f32 / 150.0).powf(rng.uniform());
            Biquad::peak(f, uniform(rng, -9.0, 9.0), 1.0, sr).run(&mut out);
            out
        }
        Kind::LowPass => {
            let mut out = y.to_vec();
            let cutoff = uniform(rng, 3000.0, 9000.0);
            // Four Butterworth sections: the Q values of an 8th-order filter.
            for q in [0.5098, 0.6013, 0.9000, 2.5629] {
                Biquad::low_pass(cutoff, q, sr).run(&mut out);
            }
            out
        }
        Kind::Noise => {
            let snr_db = uniform(rng, 15.0, 35.0);
            let rms = (y.iter().map(|v| (v * v) as f64).sum::<f64>() / y.len().max(1) as f64).sqrt()
                as f32;
            let noise = if rng.below(2) == 0 {
                white(y.len(), rng)
            } else {
                pink(y.len(), rng)
            };
            let n_rms = (noise.iter().map(|v| (v * v) as f64).sum::<f64>()
                / noise.len().max(1) as f64)
                .sqrt() as f32;
            let scale = if n_rms > 0.0 {
                rms / n_rms * db_to_amplitude(-snr_db)
            } else {
                0.0
            };
            y.iter().zip(&noise).map(|(a, b)| a + b * scale).collect()
        }
        Kind::Mp3 => {
            let kbps = [64, 96, 128, 160][rng.below(4)];
            mp3_round_trip(y, kbps)?
        }
        Kind::Pitch => {
            let factor = 2f32.powf(uniform(rng, -0.5, 0.5) / 12.0);
            // Played back `factor` times faster: read as if recorded at a
            // higher rate, then resampled to the analysis rate.
            let rate = (sr * factor).round() as u32;
            genre_classifier::dsp::resample::to_analysis_rate(y, rate).into_owned()
        }
    })
}

/// `y` encoded as MP3 by `lame` at `kbps` and decoded again.
pub fn mp3_round_trip(y: &[f32], kbps: u32) -> Result<Vec<f32>, String> {
    let wav = wav16(y, SAMPLE_RATE);
    let mut child = Command::new("lame")
        .args(["--silent", "-b", &kbps.to_string(), "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run lame (apt-get install lame): {e}"))?;
    let mut stdin = child.stdin.take().ok_or("lame: no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(&wav));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "lame: writer panicked")?
        .map_err(|e| format!("lame: {e}"))?;
    if !out.status.success() {
        return Err(format!("lame failed: {}", out.status));
    }
    let d = genre_classifier::decode::decode_bytes(&out.stdout).map_err(|e| e.to_string())?;
    Ok(genre_classifier::dsp::resample::to_analysis_rate(&d.samples, d.sample_rate).into_owned())
}

/// A mono 16-bit PCM WAV file of `y` (clipped to [-1, 1]).
pub fn wav16(y: &[f32], sample_rate: u32) -> Vec<u8> {
    let data = (y.len() * 2) as u32;
    let mut b = Vec::with_capacity(44 + data as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&sample_rate.to_le_bytes());
    b.extend_from_slice(&(sample_rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    for v in y {
        b.extend_from_slice(&((v.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
    }
    b
}

fn uniform(rng: &mut Rng, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * rng.uniform()
}

fn db_to_amplitude(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

fn white(n: usize, rng: &mut Rng) -> Vec<f32> {
    (0..n).map(|_| rng.uniform() * 2.0 - 1.0).collect()
}

/// Pink (1/f) noise by Paul Kellet's economy filter over white noise.
fn pink(n: usize, rng: &mut Rng) -> Vec<f32> {
    let (mut b0, mut b1, mut b2) = (0.0f32, 0.0f32, 0.0f32);
    white(n, rng)
        .into_iter()
        .map(|w| {
            b0 = 0.99765 * b0 + w * 0.0990460;
            b1 = 0.96300 * b1 + w * 0.2965164;
            b2 = 0.57000 * b2 + w * 1.0526913;
            b0 + b1 + b2 + w * 0.1848
        })
        .collect()
}

/// A second-order IIR section (RBJ audio EQ cookbook), direct form I.
#[derive(Debug, Clone, Copy)]
pub struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
}

impl Biquad {
    fn normalised(b: [f32; 3], a: [f32; 3]) -> Self {
        Biquad {
            b: [b[0] / a[0], b[1] / a[0], b[2] / a[0]],
            a: [a[1] / a[0], a[2] / a[0]],
        }
    }

    /// Low-pass at `f` Hz with quality `q`.
    pub fn low_pass(f: f32, q: f32, sr: f32) -> Self {
        let w = 2.0 * std::f32::consts::PI * f / sr;
        let (c, alpha) = (w.cos(), w.sin() / (2.0 * q));
        Self::normalised(
            [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0],
            [1.0 + alpha, -2.0 * c, 1.0 - alpha],
        )
    }

    /// Peaking filter of `gain_db` at `f` Hz.
    pub fn peak(f: f32, gain_db: f32, q: f32, sr: f32) -> Self {
        let a = 10f32.powf(gain_db / 40.0);
        let w = 2.0 * std::f32::consts::PI * f / sr;
        let (c, alpha) = (w.cos(), w.sin() / (2.0 * q));
        Self::normalised(
            [1.0 + alpha * a, -2.0 * c, 1.0 - alpha * a],
            [1.0 + alpha / a, -2.0 * c, 1.0 - alpha / a],
        )
    }

    /// Low shelf of `gain_db` below `f` Hz (slope 1).
    pub fn low_shelf(f: f32, gain_db: f32, sr: f32) -> Self {
        Self::shelf(f, gain_db, sr, false)
    }

    /// High shelf of `gain_db` above `f` Hz (slope 1).
    pub fn high_shelf(f: f32, gain_db: f32, sr: f32) -> Self {
        Self::shelf(f, gain_db, sr, true)
    }

    fn shelf(f: f32, gain_db: f32, sr: f32, high: bool) -> Self {
        let a = 10f32.powf(gain_db / 40.0);
        let w = 2.0 * std::f32::consts::PI * f / sr;
        let (c, alpha) = (w.cos(), w.sin() / 2.0 * 2f32.sqrt());
        let s = 2.0 * a.sqrt() * alpha;
        let sign = if high { -1.0 } else { 1.0 };
        let (ap, am) = (a + 1.0, a - 1.0);
        let b = [
            a * (ap - sign * am * c + s),
            sign * 2.0 * a * (am - sign * ap * c),
            a * (ap - sign * am * c - s),
        ];
        let den = [
            ap + sign * am * c + s,
            -sign * 2.0 * (am + sign * ap * c),
            ap + sign * am * c - s,
        ];
        Self::normalised(b, den)
    }

    /// Filters `x` in place from rest.
    pub fn run(&self, x: &mut [f32]) {
        let (mut x1, mut x2, mut y1, mut y2) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for v in x.iter_mut() {
            let y =
                self.b[0] * *v + self.b[1] * x1 + self.b[2] * x2 - self.a[0] * y1 - self.a[1] * y2;
            x2 = x1;
            x1 = *v;
            y2 = y1;
            y1 = y;
            *v = y;
        }
    }

    /// Magnitude response at `f` Hz.
    #[cfg(test)]
    pub fn gain_at(&self, f: f32, sr: f32) -> f32 {
        let w = 2.0 * std::f64::consts::PI * f as f64 / sr as f64;
        let z1 = num(-w);
        let z2 = num(-2.0 * w);
        let n = add3(self.b[0] as f64, z1, self.b[1] as f64, z2, self.b[2] as f64);
        let d = add3(1.0, z1, self.a[0] as f64, z2, self.a[1] as f64);
        ((n.0 * n.0 + n.1 * n.1) / (d.0 * d.0 + d.1 * d.1)).sqrt() as f32
    }
}

#[cfg(test)]
fn num(w: f64) -> (f64, f64) {
    (w.cos(), w.sin())
}

#[cfg(test)]
fn add3(c0: f64, z1: (f64, f64), c1: f64, z2: (f64, f64), c2: f64) -> (f64, f64) {
    (c0 + c1 * z1.0 + c2 * z2.0, c1 * z1.1 + c2 * z2.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_have_the_intended_responses() {
        let sr = 22050.0;
        let lp = Biquad::low_pass(4000.0, std::f32::consts::FRAC_1_SQRT_2, sr);
        assert!((lp.gain_at(100.0, sr) - 1.0).abs() < 0.01);
        assert!((lp.gain_at(4000.0, sr) - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01);
        assert!(lp.gain_at(10000.0, sr) < 0.1);
        let pk = Biquad::peak(1000.0, 6.0, 1.0, sr);
        assert!((20.0 * pk.gain_at(1000.0, sr).log10() - 6.0).abs() < 0.05);
        assert!((pk.gain_at(50.0, sr) - 1.0).abs() < 0.02);
        let ls = Biquad::low_shelf(200.0, -6.0, sr);
        assert!((20.0 * ls.gain_at(20.0, sr).log10() + 6.0).abs() < 0.3);
        assert!((ls.gain_at(8000.0, sr) - 1.0).abs() < 0.02);
        let hs = Biquad::high_shelf(3000.0, 6.0, sr);
        assert!((20.0 * hs.gain_at(10000.0, sr).log10() - 6.0).abs() < 0.5);
        assert!((hs.gain_at(50.0, sr) - 1.0).abs() < 0.02);
    }

    #[test]
    fn low_pass_copy_removes_the_top_band() {
        let sr = SAMPLE_RATE as f32;
        let y: Vec<f32> = (0..22050)
            .map(|i| (2.0 * std::f32::consts::PI * 10000.0 * i as f32 / sr).sin())
            .collect();
        let out = augment(&y, Kind::LowPass, &mut Rng::new(3)).unwrap();
        let rms = |v: &[f32]| (v.iter().map(|x| x * x).sum::<f32>() / v.len() as f32).sqrt();
        assert!(rms(&out[2000..]) < 0.01 * rms(&y), "{}", rms(&out[2000..]));
    }

    #[test]
    fn copies_are_reproducible_and_differ() {
        let y: Vec<f32> = (0..3 * 22050)
            .map(|i| ((i * 7919) % 200) as f32 / 400.0 - 0.25)
            .collect();
        for kind in [Kind::Gain, Kind::Eq, Kind::Noise, Kind::Pitch] {
            let a = augment(&y, kind, &mut Rng::new(9)).unwrap();
            let b = augment(&y, kind, &mut Rng::new(9)).unwrap();
            assert_eq!(a, b, "{}", kind.name());
            assert!(a.len() > y.len() / 2 && a.iter().all(|v| v.is_finite()));
            assert_ne!(&a[..100], &y[..100], "{}", kind.name());
        }
        let noisy = augment(&y, Kind::Noise, &mut Rng::new(1)).unwrap();
        let (s, n): (f64, f64) = noisy
            .iter()
            .zip(&y[y.len() - noisy.len()..])
            .fold((0.0, 0.0), |(s, n), (a, b)| {
                (s + (b * b) as f64, n + ((a - b) * (a - b)) as f64)
            });
        let snr = 10.0 * (s / n).log10();
        assert!((14.0..=36.0).contains(&snr), "{snr}");
    }
}
