//! Packet-by-packet decoding to mono: [`MonoPackets`] reads the file
//! through a small buffer (symphonia's `MediaSourceStream` over the `File`)
//! and hands out one packet's samples at a time, so that memory does not
//! depend on the file's length.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::wav_size::{patches, Patched};
use crate::error::Error;

/// The byte source [`MonoPackets::new`] reads (symphonia's), for sources
/// defined elsewhere (the decoder module's JavaScript reads).
pub use symphonia::core::io::MediaSource;

/// Frames a stream may fall short of its announced length before it counts
/// as truncated (MP3 and Vorbis lengths are estimates up to a packet or two).
const LENGTH_SLACK: u64 = 4 * 1152;
/// Bytes of a file's start searched for the sizes of a streamed WAV.
pub const HEAD: usize = 1 << 16;

/// A file's audio track, decoded and mixed to mono one packet at a time.
pub struct MonoPackets {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    codec: symphonia::core::codecs::CodecType,
    sample_rate: Option<u32>,
    expected_frames: Option<u64>,
    buffer: Option<SampleBuffer<f32>>,
    mono: Vec<f32>,
    frames: u64,
    good_packets: usize,
    bad_packets: usize,
    last_error: Option<String>,
}

impl MonoPackets {
    /// Opens the file at `path` (a regular file, or anything readable: a
    /// pipe, a device); its extension is a hint, the content decides.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let io = |e: std::io::Error| Error::Io {
            message: format!("{}: {e}", path.display()),
        };
        let mut file = File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        let ext = path.extension().and_then(|e| e.to_str());
        if !meta.is_file() {
            let source = Patched::new(file, Vec::new(), false, None);
            return Self::new(Box::new(source), ext);
        }
        let len = meta.len();
        if len == 0 {
            return Err(Error::Empty);
        }
        let mut head = Vec::with_capacity(HEAD);
        (&mut file)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let source = Patched::new(file, patches(&head, len), true, Some(len));
        Self::new(Box::new(source), ext)
    }

    /// Decodes `source`, with `extension` as a hint.
    pub fn new(source: Box<dyn MediaSource>, extension: Option<&str>) -> Result<Self, Error> {
        let mut hint = Hint::new();
        if let Some(ext) = extension {
            hint.with_extension(ext);
        }
        let source = MediaSourceStream::new(source, MediaSourceStreamOptions::default());
        let probed = symphonia::default::get_probe()
            .format(
                &hint,
                source,
                &FormatOptions::default(),
                &MetadataOptions::default(),
            )
            .map_err(probe_error)?;
        let reader = probed.format;
        let track = reader
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or(Error::NoAudioTrack)?;
        let codec = track.codec_params.codec;
        let decoder = symphonia::default::get_codecs()
            .make(&track.codec_params, &DecoderOptions::default())
            .map_err(|e| match e {
                SymError::Unsupported(_) => Error::UnsupportedCodec {
                    codec: codec_name(codec),
                },
                other => corrupt(other),
            })?;
        Ok(Self {
            track_id: track.id,
            codec,
            sample_rate: track.codec_params.sample_rate,
            expected_frames: track.codec_params.n_frames,
            reader,
            decoder,
            buffer: None,
            mono: Vec::new(),
            frames: 0,
            good_packets: 0,
            bad_packets: 0,
            last_error: None,
        })
    }

    /// Sample rate in Hz: from the header, else from the first packet
    /// (known once [`MonoPackets::next_packet`] has returned samples).
    pub fn sample_rate(&self) -> Option<u32> {
        self.sample_rate.filter(|&r| r > 0)
    }

    /// Length in frames the header announces, if it does.
    pub fn expected_frames(&self) -> Option<u64> {
        self.expected_frames
    }

    /// Frames decoded so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The mono samples of the next packet that holds any, and the
    /// stream's sample rate; `None` at the end of the stream. A damaged
    /// packet is skipped, as players do.
    pub fn next_packet(&mut self) -> Result<Option<(&[f32], u32)>, Error> {
        loop {
            let packet = match self.reader.next_packet() {
                Ok(p) => p,
                // The readers signal the end of the stream with an EOF error.
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None)
                }
                Err(SymError::ResetRequired) => return Ok(None),
                Err(SymError::DecodeError(msg)) => {
                    self.bad_packets += 1;
                    self.last_error = Some(msg.to_string());
                    if self.bad_packets > 16 && self.good_packets == 0 {
                        return Ok(None);
                    }
                    continue;
                }
                Err(e) => return Err(corrupt(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(SymError::DecodeError(msg)) => {
                    self.bad_packets += 1;
                    self.last_error = Some(msg.to_string());
                    continue;
                }
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None)
                }
                Err(SymError::Unsupported(_)) => {
                    return Err(Error::UnsupportedCodec {
                        codec: codec_name(self.codec),
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
            self.sample_rate.get_or_insert(spec.rate);
            self.good_packets += 1;
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let needed = decoded.capacity() as u64;
            if self
                .buffer
                .as_ref()
                .is_none_or(|b| (b.capacity() as u64) < needed * channels as u64)
            {
                self.buffer = Some(SampleBuffer::new(needed, spec));
            }
            let Some(buf) = self.buffer.as_mut() else {
                continue;
            };
            buf.copy_interleaved_ref(decoded);
            let interleaved = &buf.samples()[..frames * channels];
            let scale = 1.0 / channels as f32;
            self.mono.clear();
            self.mono.extend(
                interleaved
                    .chunks_exact(channels)
                    .map(|frame| frame.iter().sum::<f32>() * scale),
            );
            self.frames += frames as u64;
            return Ok(Some((&self.mono, self.sample_rate.unwrap_or(spec.rate))));
        }
    }

    /// After the last packet: whether the stream ended before its announced
    /// length (truncated), or an error when it was mostly damaged or empty.
    pub fn finish(&self) -> Result<bool, Error> {
        if self.good_packets == 0 && self.bad_packets > 0 || self.bad_packets > self.good_packets {
            return Err(Error::Corrupt {
                message: self
                    .last_error
                    .clone()
                    .unwrap_or_else(|| "no packet could be decoded".into()),
            });
        }
        if self.frames == 0 {
            return Err(Error::Empty);
        }
        if self.sample_rate().is_none() {
            return Err(Error::Corrupt {
                message: "the stream has no sample rate".into(),
            });
        }
        Ok(self
            .expected_frames
            .is_some_and(|expected| self.frames + LENGTH_SLACK < expected))
    }
}

fn probe_error(e: SymError) -> Error {
    match e {
        // The probe found no reader for these bytes.
        SymError::Unsupported(msg) if msg.contains("probe") => Error::UnrecognizedFormat,
        SymError::Unsupported(msg) if msg.contains("wave format") => Error::UnsupportedCodec {
            codec: "a WAV encoding other than PCM or IEEE float (such as GSM or ADPCM)".into(),
        },
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

/// The codec's name in words: the decoders of this build name their own;
/// the common codecs they lack are named here.
fn codec_name(codec: symphonia::core::codecs::CodecType) -> String {
    use symphonia::core::codecs::*;
    let known = [
        (CODEC_TYPE_AAC, "AAC"),
        (CODEC_TYPE_OPUS, "Opus"),
        (CODEC_TYPE_ALAC, "ALAC (Apple Lossless)"),
        (CODEC_TYPE_MP1, "MPEG Layer 1"),
        (CODEC_TYPE_MP2, "MPEG Layer 2"),
        (CODEC_TYPE_SPEEX, "Speex"),
        (CODEC_TYPE_MUSEPACK, "Musepack"),
        (CODEC_TYPE_EAC3, "Dolby Digital (AC-3)"),
        (CODEC_TYPE_AC4, "Dolby AC-4"),
        (CODEC_TYPE_DCA, "DTS"),
        (CODEC_TYPE_WMA, "Windows Media Audio"),
        (CODEC_TYPE_WAVPACK, "WavPack"),
        (CODEC_TYPE_ADPCM_IMA_WAV, "IMA ADPCM"),
        (CODEC_TYPE_ADPCM_MS, "Microsoft ADPCM"),
    ];
    if let Some((_, name)) = known.iter().find(|(c, _)| *c == codec) {
        return name.to_string();
    }
    symphonia::default::get_codecs()
        .get_codec(codec)
        .map(|d| d.long_name.to_string())
        .unwrap_or_else(|| format!("an unknown codec (id {codec})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use symphonia::core::codecs::{CODEC_TYPE_AAC, CODEC_TYPE_MP3, CODEC_TYPE_OPUS};

    #[test]
    fn codecs_are_named_in_words() {
        assert_eq!(codec_name(CODEC_TYPE_OPUS), "Opus");
        assert_eq!(codec_name(CODEC_TYPE_AAC), "AAC");
        assert!(
            codec_name(CODEC_TYPE_MP3).contains("MPEG"),
            "{}",
            codec_name(CODEC_TYPE_MP3)
        );
        let unknown = symphonia::core::codecs::decl_codec_type(b"zzzz");
        assert!(codec_name(unknown).contains("unknown codec"));
    }
}
