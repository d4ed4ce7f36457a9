//! Decoding of audio files (WAV, FLAC, MP3, Ogg Vorbis) into mono samples.
//!
//! Native builds only: in the browser the page decodes with Web Audio.

use std::io::Cursor;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::error::Error;

/// Mono audio: the mean of the channels, and its sample rate in Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
}

impl Decoded {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// Frames a stream may fall short of its announced length before it counts
/// as truncated (MP3 and Vorbis lengths are estimates up to a packet or two).
const LENGTH_SLACK: u64 = 4 * 1152;

/// Decodes the file at `path`; its extension is a hint, the content decides.
pub fn decode_file(path: &Path) -> Result<Decoded, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        message: format!("{}: {e}", path.display()),
    })?;
    let ext = path.extension().and_then(|e| e.to_str());
    decode_with_hint(bytes, ext)
}

/// Decodes an in-memory audio file.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, Error> {
    decode_with_hint(bytes.to_vec(), None)
}

/// [`decode_unguarded`], with a panic inside the decoding library (it has
/// some on malformed headers, e.g. a WAV declaring 0 Hz) turned into
/// [`Error::Corrupt`], so one bad file never brings down a batch.
fn decode_with_hint(bytes: Vec<u8>, extension: Option<&str>) -> Result<Decoded, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_unguarded(bytes, extension)
    }))
    .unwrap_or_else(|panic| {
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

fn decode_unguarded(bytes: Vec<u8>, extension: Option<&str>) -> Result<Decoded, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    let mut hint = Hint::new();
    if let Some(ext) = extension {
        hint.with_extension(ext);
    }
    let source = MediaSourceStream::new(
        Box::new(Cursor::new(bytes)),
        MediaSourceStreamOptions::default(),
    );
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(probe_error)?;
    let mut reader = probed.format;

    let track = reader
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or(Error::NoAudioTrack)?;
    let track_id = track.id;
    let expected_frames = track.codec_params.n_frames;
    let mut sample_rate = track.codec_params.sample_rate;
    let codec = track.codec_params.codec;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymError::Unsupported(_) => Error::UnsupportedCodec {
                codec: codec_name(codec),
            },
            other => corrupt(other),
        })?;

    let mut samples = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    let mut good_packets = 0usize;
    let mut bad_packets = 0usize;
    let mut last_error = None;
    loop {
        let packet = match reader.next_packet() {
            Ok(p) => p,
            // The readers signal the end of the stream with an EOF error.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(SymError::DecodeError(msg)) => {
                bad_packets += 1;
                last_error = Some(msg.to_string());
                if bad_packets > 16 && good_packets == 0 {
                    break;
                }
                continue;
            }
            Err(e) => return Err(corrupt(e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            // A damaged packet is skipped, as players do; too many fail below.
            Err(SymError::DecodeError(msg)) => {
                bad_packets += 1;
                last_error = Some(msg.to_string());
                continue;
            }
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::Unsupported(_)) => {
                return Err(Error::UnsupportedCodec {
                    codec: codec_name(codec),
                })
            }
            Err(e) => return Err(corrupt(e)),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count();
        if channels == 0 {
            return Err(Error::Corrupt {
                message: "a packet has no channels".into(),
            });
        }
        sample_rate.get_or_insert(spec.rate);
        let frames = decoded.frames();
        if frames == 0 {
            good_packets += 1;
            continue;
        }
        let needed = decoded.capacity() as u64;
        if buffer
            .as_ref()
            .is_none_or(|b| (b.capacity() as u64) < needed * channels as u64)
        {
            buffer = Some(SampleBuffer::new(needed, spec));
        }
        let Some(buf) = buffer.as_mut() else {
            continue;
        };
        buf.copy_interleaved_ref(decoded);
        let interleaved = &buf.samples()[..frames * channels];
        let scale = 1.0 / channels as f32;
        samples.extend(
            interleaved
                .chunks_exact(channels)
                .map(|frame| frame.iter().sum::<f32>() * scale),
        );
        good_packets += 1;
    }

    if good_packets == 0 && bad_packets > 0 {
        return Err(Error::Corrupt {
            message: last_error.unwrap_or_else(|| "no packet could be decoded".into()),
        });
    }
    let frames = samples.len() as u64;
    if let Some(expected) = expected_frames {
        if frames + LENGTH_SLACK < expected {
            return Err(Error::Truncated {
                frames,
                expected_frames: expected,
            });
        }
    }
    if bad_packets > good_packets {
        return Err(Error::Corrupt {
            message: last_error.unwrap_or_default(),
        });
    }
    if samples.is_empty() {
        return Err(Error::Empty);
    }
    let sample_rate = sample_rate.filter(|&r| r > 0).ok_or(Error::Corrupt {
        message: "the stream has no sample rate".into(),
    })?;
    Ok(Decoded {
        samples,
        sample_rate,
    })
}

fn probe_error(e: SymError) -> Error {
    match e {
        // The probe found no reader for these bytes.
        SymError::Unsupported(msg) if msg.contains("probe") => Error::UnrecognizedFormat,
        SymError::Unsupported(msg) => Error::UnsupportedCodec {
            codec: msg.to_string(),
        },
        SymError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::UnrecognizedFormat
        }
        other => corrupt(other),
    }
}

fn corrupt(e: SymError) -> Error {
    Error::Corrupt {
        message: e.to_string(),
    }
}

fn codec_name(codec: symphonia::core::codecs::CodecType) -> String {
    symphonia::default::get_codecs()
        .get_codec(codec)
        .map(|d| d.short_name.to_string())
        .unwrap_or_else(|| format!("codec id {codec}"))
}
