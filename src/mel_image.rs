//! A time-pooled mel spectrogram in dB, for drawing.

use serde::Serialize;

use crate::dsp::mel::MelFilterBank;
use crate::dsp::mel::N_MELS;
use crate::dsp::stft::{n_frames, Stft};
use crate::dsp::{db, reduce, HOP, N_BINS, SAMPLE_RATE};
use crate::error::Error;
use crate::input::Signal;

pub mod stream;

/// Mel spectrogram picture: `n_mels` rows by `n_columns` columns of dB
/// values relative to the loudest cell (0 dB down to -80 dB).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MelImage {
    /// Number of rows (mel bands).
    pub n_mels: usize,
    /// Number of columns (time steps).
    pub n_columns: usize,
    /// Duration each column covers, in seconds.
    pub seconds_per_column: f64,
    /// Row-major dB values; row 0 is the lowest band.
    pub db: Vec<f32>,
}

impl MelImage {
    /// An image of `n_columns` columns (`db` row-major, [`N_MELS`] rows)
    /// that pool `frames` STFT frames between them.
    fn from_columns(db: Vec<f32>, n_columns: usize, frames: usize) -> Self {
        MelImage {
            n_mels: N_MELS,
            n_columns,
            seconds_per_column: frames as f64 / n_columns as f64 * HOP as f64 / SAMPLE_RATE as f64,
            db,
        }
    }
}

/// The 128-band mel power spectrogram of `samples` in dB (librosa
/// power_to_db with `ref` = the global maximum and `top_db=80`), averaged
/// over runs of consecutive frames to at most `max_columns` columns.
///
/// Two streaming passes: the first finds the maximum, the second pools.
pub fn mel_image(samples: &[f32], sample_rate: u32, max_columns: usize) -> Result<MelImage, Error> {
    mel_image_of(&Signal::new(samples, sample_rate)?, max_columns)
}

/// [`mel_image`] of a checked, resampled [`Signal`].
pub fn mel_image_of(signal: &Signal, max_columns: usize) -> Result<MelImage, Error> {
    if max_columns == 0 {
        return Err(Error::InvalidParameter {
            name: "max_columns",
            reason: "must be at least 1",
        });
    }
    let y = signal.samples();
    let frames = n_frames(y.len());
    let bank = MelFilterBank::analysis();
    let mut stft = Stft::new();
    let mut power = vec![0.0f32; N_BINS];
    let mut mel = [0.0f32; N_MELS];

    let mut max = f32::NEG_INFINITY;
    for t in 0..frames {
        stft.compute(y, t);
        stft.power(&mut power);
        bank.apply(&power, &mut mel);
        max = max.max(reduce::max(&mel));
    }
    Ok(pool_frames(frames, max, max_columns, |t, out| {
        stft.compute(y, t);
        stft.power(&mut power);
        bank.apply(&power, &mut mel);
        for (o, &m) in out.iter_mut().zip(&mel) {
            *o = db::power_to_db(m);
        }
    }))
}

/// The image of `frames` mel frames whose largest mel power is `max`:
/// `frame_db(t, out)` writes frame `t`'s mel bands in dB (unreferenced),
/// and is called once per frame, in order. Shared by [`mel_image_of`] and
/// the stream's exact path ([`stream::MelStream`]), so both pool alike.
fn pool_frames(
    frames: usize,
    max: f32,
    max_columns: usize,
    mut frame_db: impl FnMut(usize, &mut [f32; N_MELS]),
) -> MelImage {
    let n_columns = frames.min(max_columns).max(1);
    let ref_db = db::power_to_db(max);
    let floor = -db::TOP_DB;
    let mut image = vec![0.0f32; N_MELS * n_columns];
    let mut column = vec![0.0f64; N_MELS];
    let mut mel_db = [0.0f32; N_MELS];
    let mut t = 0;
    for c in 0..n_columns {
        let end = (c + 1) * frames / n_columns;
        let count = end - t;
        column.fill(0.0);
        while t < end {
            frame_db(t, &mut mel_db);
            for (acc, &m) in column.iter_mut().zip(&mel_db) {
                *acc += (m - ref_db).max(floor) as f64;
            }
            t += 1;
        }
        for (m, &acc) in column.iter().enumerate() {
            image[m * n_columns + c] = (acc / count.max(1) as f64) as f32;
        }
    }
    MelImage::from_columns(image, n_columns, frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f64, seconds: f64) -> Vec<f32> {
        let n = (seconds * SAMPLE_RATE as f64) as usize;
        (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * hz * i as f64 / SAMPLE_RATE as f64).sin() as f32)
            .collect()
    }

    #[test]
    fn pools_to_the_column_limit_with_db_range() {
        let y = tone(1000.0, 3.0);
        let img = mel_image(&y, SAMPLE_RATE, 50).unwrap();
        assert_eq!(img.n_mels, 128);
        assert_eq!(img.n_columns, 50);
        assert_eq!(img.db.len(), 128 * 50);
        let frames = n_frames(y.len());
        let want = frames as f64 * HOP as f64 / SAMPLE_RATE as f64 / 50.0;
        assert!((img.seconds_per_column - want).abs() < 1e-12);
        assert!(img.db.iter().all(|&v| (-80.0..=0.0).contains(&v)));
        // The loudest row is the band holding 1 kHz (mel band 15 at 1 kHz).
        let row_mean = |m: usize| img.db[m * 50..(m + 1) * 50].iter().sum::<f32>() / 50.0;
        let loudest = (0..128)
            .max_by(|&a, &b| row_mean(a).total_cmp(&row_mean(b)))
            .unwrap();
        let band = (crate::dsp::mel::hz_to_mel(1000.0) / crate::dsp::mel::hz_to_mel(11025.0)
            * 129.0) as usize;
        assert!(loudest.abs_diff(band) <= 1, "{loudest} vs {band}");
    }

    #[test]
    fn short_input_keeps_every_frame_and_bad_arguments_fail() {
        let y = tone(440.0, 0.5);
        let img = mel_image(&y, SAMPLE_RATE, 10_000).unwrap();
        assert_eq!(img.n_columns, n_frames(y.len()));
        assert!(matches!(
            mel_image(&y, SAMPLE_RATE, 0),
            Err(Error::InvalidParameter { .. })
        ));
        assert_eq!(mel_image(&[], SAMPLE_RATE, 10), Err(Error::Empty));
    }
}
