//! The 498-float feature vector: the statistics over time of the four
//! feature groups of [`crate::layout`], built here from the DSP stages'
//! frames.

use crate::dsp::chroma_stft::ChromaStft;
use crate::dsp::mel::MelFilterBank;
use crate::dsp::mfcc::Mfcc;
use crate::dsp::stft::{n_frames, Stft};
use crate::dsp::tuning::PitchTracker;
use crate::dsp::{db, tonnetz, N_BINS, SAMPLE_RATE};
use crate::error::Error;
use crate::input::{check, Signal};
use crate::layout::{CHROMA, MEL, MFCC, N_CHROMA, N_FEATURES, N_MELS, N_MFCC, N_TONNETZ, TONNETZ};
use crate::stats::RowStats;

/// Feature vector of mono `samples` at `sample_rate` Hz.
///
/// The input is checked and resampled to [`SAMPLE_RATE`] ([`Signal`]) and
/// passed to [`extract`].
pub fn features(samples: &[f32], sample_rate: u32) -> Result<[f32; N_FEATURES], Error> {
    extract(Signal::new(samples, sample_rate)?.samples())
}

/// Feature vector of mono samples already at [`SAMPLE_RATE`].
pub fn extract(y: &[f32]) -> Result<[f32; N_FEATURES], Error> {
    check(y, SAMPLE_RATE)?;
    let spectral = run(y, Groups::ALL, None);
    let mut out = [0.0f32; N_FEATURES];
    spectral.chroma.write_to(&mut out[CHROMA.all()]);
    spectral.mel.write_to(&mut out[MEL.all()]);
    spectral.mfcc.write_to(&mut out[MFCC.all()]);
    tonnetz_stats(y, spectral.tuning_cqt as f32).write_to(&mut out[TONNETZ.all()]);
    // Checked inputs give finite features; a stage that breaks this is a
    // bug, reported as one rather than passed on as NaN.
    if out.iter().any(|v| !v.is_finite()) {
        return Err(Error::Internal {
            what: "feature extraction (non-finite feature)",
        });
    }
    Ok(out)
}

/// Per-row statistics of the tonnetz of `y` (at [`SAMPLE_RATE`]), given
/// the tuning estimate (in fractions of a 36-per-octave bin) that
/// chroma_cqt uses.
pub fn tonnetz_stats(y: &[f32], tuning: f32) -> RowStats {
    let mut stats = RowStats::new(N_TONNETZ);
    tonnetz::for_each_frame(y, tuning, |frame| stats.push(frame));
    stats
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
