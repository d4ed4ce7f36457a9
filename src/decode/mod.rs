//! Decoding of audio files (WAV, FLAC, MP3, Ogg Vorbis) into mono samples,
//! and the streamed classification of a file.
//!
//! Native builds only: in the browser the page decodes with Web Audio.
//!
//! - [`stream`]: packet-by-packet decoding to mono ([`MonoPackets`]);
//! - [`wav_size`]: WAV files written as streams (sizes 0 or 0xFFFFFFFF);
//! - here: [`decode_file`] and [`decode_bytes`] (whole files, for the
//!   feature vector), and [`classify_file`], which decodes, resamples and
//!   classifies window by window in bounded memory.
//!
//! A file that ends before the length its header announces (cut, or a
//! header that over-declares) is decoded as far as it goes and marked
//! `truncated`.

pub mod stream;
pub mod wav_size;

use std::io::Cursor;
use std::path::Path;

use crate::classify::stream::{Progress, StreamClassifier};
use crate::classify::Classification;
use crate::error::Error;
use crate::input::stream::SignalStream;
use crate::limits::MAX_DURATION_S;
use crate::model::Model;

pub use stream::MonoPackets;

/// Mono audio: the mean of the channels, and its sample rate in Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    /// The stream ended before its announced length (see the module).
    pub truncated: bool,
}

impl Decoded {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// Decodes the whole file at `path`; its extension is a hint, the content
/// decides.
pub fn decode_file(path: &Path) -> Result<Decoded, Error> {
    guarded(|| collect(MonoPackets::open(path)?))
}

/// Decodes an in-memory audio file.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    let source = Box::new(Cursor::new(bytes.to_vec()));
    guarded(|| collect(MonoPackets::new(source, None)?))
}

fn collect(mut packets: MonoPackets) -> Result<Decoded, Error> {
    let mut samples = Vec::new();
    while let Some((p, _)) = packets.next_packet()? {
        samples.extend_from_slice(p);
    }
    let truncated = packets.finish()?;
    Ok(Decoded {
        samples,
        // finish() checks that the rate is known.
        sample_rate: packets.sample_rate().unwrap_or_default(),
        truncated,
    })
}

/// Options of [`classify_file_with`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamOptions {
    /// Longest input read, in seconds ([`Error::TooLong`] past it).
    pub max_duration_s: f32,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            max_duration_s: MAX_DURATION_S,
        }
    }
}

/// Classifies the file at `path` with `model`, decoding and analysing it
/// packet by packet: memory stays bounded at any length, and the result
/// equals `model.classify` of the whole decoded file (bit for bit; see
/// [`StreamClassifier`]), with `truncated` set for a file that ends early.
/// `progress` as in [`StreamClassifier::push`].
pub fn classify_file(
    model: &Model,
    path: &Path,
    progress: Progress,
) -> Result<Classification, Error> {
    classify_file_with(model, path, StreamOptions::default(), progress)
}

/// [`classify_file`] with options.
pub fn classify_file_with(
    model: &Model,
    path: &Path,
    options: StreamOptions,
    progress: Progress,
) -> Result<Classification, Error> {
    guarded(|| {
        let mut packets = MonoPackets::open(path)?;
        let expected = packets.expected_frames();
        let mut classifier: Option<StreamClassifier<&Model>> = None;
        while let Some((samples, rate)) = packets.next_packet()? {
            let c = match &mut classifier {
                Some(c) => c,
                None => {
                    if rate == 0 {
                        return Err(Error::Corrupt {
                            message: "the stream has no sample rate".into(),
                        });
                    }
                    let signal = SignalStream::with_max_duration(rate, options.max_duration_s)?;
                    classifier.insert(StreamClassifier::new(model, signal, expected))
                }
            };
            c.push(samples, progress)?;
        }
        let truncated = packets.finish()?;
        classifier.ok_or(Error::Empty)?.finish(truncated, progress)
    })
}

/// Runs `f`, with a panic inside the decoding library (it has some on
/// malformed headers, e.g. a WAV declaring 0 Hz) turned into
/// [`Error::Corrupt`], so one bad file never brings down a batch.
fn guarded<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        Err(Error::Corrupt {
            message: format!("the decoder rejected the file's header ({what})"),
        })
    })
}
