//! The 498-float feature vector: validation, resampling and the four
//! feature groups of [`crate::layout`].

use crate::dsp::chroma_stft::ChromaStft;
use crate::dsp::mel::MelFilterBank;
use crate::dsp::mfcc::Mfcc;
use crate::dsp::stft::{n_frames, Stft};
use crate::dsp::tuning::PitchTracker;
use crate::dsp::{db, tonnetz, N_BINS, N_FFT};
use crate::error::Error;
use crate::layout::{CHROMA, MEL, MFCC, N_CHROMA, N_FEATURES, N_MELS, N_MFCC, TONNETZ};
use crate::stats::RowStats;
use crate::SAMPLE_RATE;

/// Lowest accepted input sample rate, in Hz.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// Highest accepted input sample rate, in Hz.
pub const MAX_SAMPLE_RATE: u32 = 192_000;
/// Shortest accepted input, in samples at [`SAMPLE_RATE`]: one full STFT
/// frame (2048 samples, about 93 ms).
pub const MIN_SAMPLES: usize = N_FFT;
/// Largest accepted sample magnitude. Audio is normally within [-1, 1]
/// (integer PCM passed unscaled stays far below this); beyond it the power
/// spectra of the analysis could overflow single precision.
pub const MAX_AMPLITUDE: f32 = 1e12;

/// Feature vector of mono `samples` at `sample_rate` Hz.
///
/// The input is checked, resampled to [`SAMPLE_RATE`] when needed, and
/// passed to [`extract`].
pub fn features(samples: &[f32], sample_rate: u32) -> Result<[f32; N_FEATURES], Error> {
    check(samples, sample_rate)?;
    let y = crate::dsp::resample::to_analysis_rate(samples, sample_rate);
    extract(&y)
}

/// Feature vector of mono samples already at [`SAMPLE_RATE`].
pub fn extract(y: &[f32]) -> Result<[f32; N_FEATURES], Error> {
    check(y, SAMPLE_RATE)?;
    let spectral = run(y, Groups::ALL, None);
    let mut out = [0.0f32; N_FEATURES];
    spectral.chroma.write_to(&mut out[CHROMA.all()]);
    spectral.mel.write_to(&mut out[MEL.all()]);
    spectral.mfcc.write_to(&mut out[MFCC.all()]);
    tonnetz::tonnetz_stats(y, spectral.tuning_cqt as f32).write_to(&mut out[TONNETZ.all()]);
    // Checked inputs give finite features; a stage that breaks this is a
    // bug, reported as one rather than passed on as NaN.
    if out.iter().any(|v| !v.is_finite()) {
        return Err(Error::Internal {
            what: "feature extraction (non-finite feature)",
        });
    }
    Ok(out)
}

/// The STFT-based feature groups of a signal and librosa's two tuning
/// estimates for it.
#[derive(Debug, Clone)]
pub struct Spectral {
    /// chroma_stft statistics (12 rows).
    pub chroma: RowStats,
    /// Mel power spectrogram statistics (128 rows).
    pub mel: RowStats,
    /// MFCC statistics (20 rows).
    pub mfcc: RowStats,
    /// Tuning used by chroma_stft: estimate_tuning on the power
    /// spectrogram at 12 bins per octave (fraction of a bin).
    pub tuning_chroma: f64,
    /// Tuning used by chroma_cqt: estimate_tuning on the magnitude
    /// spectrogram at 36 bins per octave (fraction of a bin).
    pub tuning_cqt: f64,
}

/// Which parts of [`Spectral`] to compute; the others stay empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    pub chroma: bool,
    pub mel: bool,
    pub mfcc: bool,
    pub tuning: bool,
}

impl Groups {
    /// Everything [`extract`] needs.
    pub const ALL: Groups = Groups {
        chroma: true,
        mel: true,
        mfcc: true,
        tuning: true,
    };
    /// Nothing; combine with struct update syntax.
    pub const NONE: Groups = Groups {
        chroma: false,
        mel: false,
        mfcc: false,
        tuning: false,
    };
}

/// The STFT-based groups of mono samples at [`SAMPLE_RATE`], streaming
/// frame by frame in two passes: the first gathers the mel statistics, the
/// global mel maximum (for the dB floor of the MFCC) and the pitch
/// candidates of both tuning estimates; the second computes chroma_stft
/// (with its tuning) and the MFCC (with the floor) from the frames pass 1
/// kept, transforming again only those beyond the first 2048.
pub fn spectral(y: &[f32], groups: Groups) -> Result<Spectral, Error> {
    check(y, SAMPLE_RATE)?;
    Ok(run(y, groups, None))
}

/// chroma_stft statistics of mono samples at [`SAMPLE_RATE`] with a given
/// tuning (fraction of a chroma bin) instead of the estimated one.
pub fn chroma_stft_stats(y: &[f32], tuning: f64) -> Result<RowStats, Error> {
    check(y, SAMPLE_RATE)?;
    let groups = Groups {
        chroma: true,
        ..Groups::NONE
    };
    Ok(run(y, groups, Some(tuning)).chroma)
}

/// Runs [`run_body`] compiled for AVX2 where the processor has it.
fn run(y: &[f32], groups: Groups, chroma_tuning: Option<f64>) -> Spectral {
    crate::dsp::target_features::with_avx2(
        #[inline(always)]
        || run_body(y, groups, chroma_tuning),
    )
}

#[inline(always)]
fn run_body(y: &[f32], groups: Groups, chroma_tuning: Option<f64>) -> Spectral {
    let sr = SAMPLE_RATE as f64;
    let frames = n_frames(y.len());
    let mut stft = Stft::new();
    let mut mag = vec![0.0f32; N_BINS];
    let mut power = vec![0.0f32; N_BINS];
    let mut mel_frame = [0.0f32; N_MELS];
    let bank = MelFilterBank::analysis();

    let mut out = Spectral {
        chroma: RowStats::new(N_CHROMA),
        mel: RowStats::new(N_MELS),
        mfcc: RowStats::new(N_MFCC),
        tuning_chroma: 0.0,
        tuning_cqt: 0.0,
    };
    let want_tuning = groups.tuning || (groups.chroma && chroma_tuning.is_none());
    let mut track_power = PitchTracker::new(sr);
    let mut track_mag = PitchTracker::new(sr);
    let mut mel_max = f32::NEG_INFINITY;
    let pass2 = groups.chroma || groups.mfcc;
    let mut cache = FrameCache::default();

    // Pass 1: mel statistics, mel maximum, pitch candidates; the first
    // frames are kept for pass 2.
    if groups.mel || groups.mfcc || want_tuning {
        let keep = if pass2 { frames.min(CACHED_FRAMES) } else { 0 };
        cache.power.reserve_exact(keep * N_BINS);
        cache.mel.reserve_exact(keep * N_MELS);
        for t in 0..frames {
            stft.compute(y, t);
            stft.magnitude(&mut mag);
            for (p, &m) in power.iter_mut().zip(&mag) {
                *p = m * m;
            }
            if groups.mel || groups.mfcc {
                bank.apply(&power, &mut mel_frame);
                mel_max = mel_max.max(crate::dsp::reduce::max(&mel_frame));
                if groups.mel {
                    out.mel.push(&mel_frame);
                }
            }
            if want_tuning {
                track_power.push_frame(&power);
                if groups.tuning {
                    track_mag.push_frame(&mag);
                }
            }
            if t < keep {
                cache.power.extend_from_slice(&power);
                cache.mel.extend_from_slice(&mel_frame);
            }
        }
    }
    if let Some(t) = chroma_tuning {
        out.tuning_chroma = t;
    } else if want_tuning {
        out.tuning_chroma = track_power.estimate(N_CHROMA as u32);
    }
    if groups.tuning {
        out.tuning_cqt = track_mag.estimate(36);
    }
    drop((track_power, track_mag));

    // Pass 2: chroma with its tuning, MFCC with the global dB floor.
    if pass2 {
        let chroma = ChromaStft::cached(out.tuning_chroma);
        let dct = Mfcc::analysis();
        let floor = db::floor(db::power_to_db(mel_max));
        let mut chroma_frame = [0.0f32; N_CHROMA];
        let mut mfcc_frame = [0.0f32; N_MFCC];
        let mut cached = cache
            .power
            .chunks_exact(N_BINS)
            .zip(cache.mel.chunks_exact(N_MELS));
        for t in 0..frames {
            let (power, mel) = match cached.next() {
                Some(frame) => frame,
                None => {
                    stft.compute(y, t);
                    stft.power(&mut power);
                    bank.apply(&power, &mut mel_frame);
                    (&power[..], &mel_frame[..])
                }
            };
            if groups.chroma {
                chroma.apply(power, &mut chroma_frame);
                out.chroma.push(&chroma_frame);
            }
            if groups.mfcc {
                let mut db_frame = [0.0f32; N_MELS];
                for (d, &m) in db_frame.iter_mut().zip(mel) {
                    let v = db::power_to_db(m);
                    *d = if v > floor { v } else { floor };
                }
                dct.apply(&db_frame, &mut mfcc_frame);
                out.mfcc.push(&mfcc_frame);
            }
        }
    }
    out
}

/// STFT frames kept from pass 1 for pass 2 (power spectrum and mel
/// frame, 4.6 KiB each): inputs up to this many frames (about 47 s) are
/// transformed once, later frames are transformed again in pass 2, so the
/// memory stays bounded for any input length.
const CACHED_FRAMES: usize = 2048;

/// The frames pass 1 keeps for pass 2, consecutive from frame 0.
#[derive(Default)]
struct FrameCache {
    power: Vec<f32>,
    mel: Vec<f32>,
}

/// Shortest input accepted at `sample_rate`, in samples.
pub fn min_samples(sample_rate: u32) -> usize {
    (MIN_SAMPLES as u64 * sample_rate as u64).div_ceil(SAMPLE_RATE as u64) as usize
}

/// Rejects inputs the analysis cannot take, with the reason.
pub fn check(samples: &[f32], sample_rate: u32) -> Result<(), Error> {
    if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        return Err(Error::UnsupportedSampleRate { sample_rate });
    }
    if samples.is_empty() {
        return Err(Error::Empty);
    }
    // One pass over the samples for both checks, a block at a time without
    // early exit, so that it vectorises.
    const BLOCK: usize = 256;
    let bad = |s: &f32| s.is_nan() | (s.abs() > MAX_AMPLITUDE);
    let first_bad = samples
        .chunks(BLOCK)
        .enumerate()
        .find(|(_, block)| block.iter().fold(false, |any, s| any | bad(s)))
        .and_then(|(b, block)| Some(b * BLOCK + block.iter().position(bad)?));
    if let Some(index) = first_bad {
        let value = samples[index];
        return Err(if value.is_finite() {
            Error::TooLoud { index, value }
        } else {
            Error::NonFinite { index }
        });
    }
    let min = min_samples(sample_rate);
    if samples.len() < min {
        return Err(Error::TooShort {
            samples: samples.len(),
            min_samples: min,
        });
    }
    Ok(())
}

/// Mono mix of interleaved samples: the mean of the channels, frame by frame.
pub fn downmix(interleaved: &[f32], channels: usize) -> Result<Vec<f32>, Error> {
    if channels == 0 || !interleaved.len().is_multiple_of(channels) {
        return Err(Error::BadChannels {
            channels,
            len: interleaved.len(),
        });
    }
    let scale = 1.0 / channels as f32;
    Ok(interleaved
        .chunks_exact(channels)
        .map(|frame| frame.iter().sum::<f32>() * scale)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input_with_typed_errors() {
        assert_eq!(check(&[], 22050), Err(Error::Empty));
        assert_eq!(
            check(&[0.0; 4096], 7999),
            Err(Error::UnsupportedSampleRate { sample_rate: 7999 })
        );
        let mut y = vec![0.0; 4096];
        y[7] = f32::NAN;
        assert_eq!(check(&y, 22050), Err(Error::NonFinite { index: 7 }));
        assert_eq!(
            check(&[0.0; 100], 44100),
            Err(Error::TooShort {
                samples: 100,
                min_samples: 4096
            })
        );
        assert!(check(&[0.0; 2048], 22050).is_ok());
        y[7] = -1e13;
        assert_eq!(
            check(&y, 22050),
            Err(Error::TooLoud {
                index: 7,
                value: -1e13
            })
        );
        y[7] = MAX_AMPLITUDE;
        assert!(check(&y, 22050).is_ok());
    }

    #[test]
    fn downmix_averages_channels() {
        assert_eq!(downmix(&[1.0, 3.0, -1.0, 1.0], 2).unwrap(), vec![2.0, 0.0]);
        assert!(matches!(
            downmix(&[1.0, 2.0, 3.0], 2),
            Err(Error::BadChannels { .. })
        ));
        assert!(matches!(downmix(&[1.0], 0), Err(Error::BadChannels { .. })));
    }
}
