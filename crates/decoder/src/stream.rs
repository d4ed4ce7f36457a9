//! `StreamDecoder`: a file decoded piece by piece as JavaScript hands it its
//! bytes, in bounded memory (the page's worker reads a `File` this way).
//!
//! The bytes come from a JavaScript function `read(start, end)` called
//! synchronously whenever the decoder needs more (symphonia pulls its input
//! and seeks in it, e.g. to read an MP3's tags, so an asynchronous
//! `File.stream()` would need the whole file or a second thread). In a
//! worker, `new FileReaderSync().readAsArrayBuffer(file.slice(start, end))`
//! answers it in Chromium, Firefox and Safari, reading only that slice.
//! Reads are made in blocks of [`BLOCK`] bytes, so that the cost of each
//! call is paid once per block.

use std::cell::{Cell, RefCell};
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;

use genre_classifier::decode::stream::{MediaSource, HEAD};
use genre_classifier::decode::wav_size::{patches, Patched};
use genre_classifier::decode::MonoPackets;
use genre_classifier::Error;
use wasm_bindgen::prelude::*;

use crate::js_error;

/// Bytes asked of JavaScript at a time.
const BLOCK: usize = 1 << 20;

/// What the reader shares with its decoder: what the JavaScript read threw
/// (rethrown as it is, e.g. a `NotReadableError` for a file changed after
/// it was picked), and the bytes read so far (for progress).
#[derive(Default)]
struct Shared {
    thrown: RefCell<Option<JsValue>>,
    read: Cell<u64>,
}

/// The file as symphonia reads it: through `read(start, end)`.
struct JsSource {
    read: js_sys::Function,
    len: u64,
    pos: u64,
    block: Vec<u8>,
    block_start: u64,
    shared: Rc<Shared>,
}

// SAFETY: symphonia asks for `Send + Sync` sources. This module is built for
// wasm32-unknown-unknown without threads (no `atomics` target feature): a
// JsSource is created, used and dropped on the one thread of its worker, so
// its JavaScript handles never cross threads.
unsafe impl Send for JsSource {}
// SAFETY: as above; no shared reference to it is used on another thread.
unsafe impl Sync for JsSource {}

impl JsSource {
    fn fill(&mut self) -> std::io::Result<()> {
        let end = (self.pos + BLOCK as u64).min(self.len);
        let got = self
            .read
            .call2(
                &JsValue::NULL,
                &(self.pos as f64).into(),
                &(end as f64).into(),
            )
            .map_err(|e| {
                *self.shared.thrown.borrow_mut() = Some(e);
                std::io::Error::other("the file could not be read")
            })?;
        let bytes = js_sys::Uint8Array::new(&got);
        self.block = bytes.to_vec();
        self.block_start = self.pos;
        self.shared.read.set(self.shared.read.get().max(end));
        Ok(())
    }
}

impl Read for JsSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let in_block =
            self.pos >= self.block_start && self.pos < self.block_start + self.block.len() as u64;
        if !in_block {
            self.fill()?;
        }
        let at = (self.pos - self.block_start) as usize;
        let n = buf.len().min(self.block.len().saturating_sub(at));
        if n == 0 {
            // The file got shorter than it was when picked.
            return Ok(0);
        }
        buf[..n].copy_from_slice(&self.block[at..at + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for JsSource {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

impl MediaSource for JsSource {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}

/// An audio file (WAV, FLAC, MP3 or Ogg Vorbis; the content decides)
/// decoded to mono as JavaScript reads it: `next(minSamples)` until it
/// returns `undefined`, then `finish()`.
#[wasm_bindgen]
pub struct StreamDecoder {
    packets: MonoPackets,
    shared: Rc<Shared>,
    len: u64,
    rate: Option<u32>,
    out: Vec<f32>,
}

#[wasm_bindgen]
impl StreamDecoder {
    /// Opens a file of `size` bytes whose bytes `read(start, end)` returns
    /// (a `Uint8Array` or `ArrayBuffer`, synchronously); `extension` is a
    /// hint. Throws a `GenreError` (`decode`, `empty`; `unsupported: true`
    /// when the format or codec is not one this decoder reads), or what
    /// `read` threw.
    #[wasm_bindgen(constructor)]
    pub fn new(
        read: js_sys::Function,
        size: f64,
        extension: Option<String>,
    ) -> Result<StreamDecoder, JsValue> {
        if !(size.is_finite() && size >= 0.0) {
            return Err(js_error(&Error::InvalidParameter {
                name: "size",
                reason: "must be a byte count",
            }));
        }
        let len = size as u64;
        if len == 0 {
            return Err(js_error(&Error::Empty));
        }
        let shared = Rc::new(Shared::default());
        let mut source = JsSource {
            read,
            len,
            pos: 0,
            block: Vec::new(),
            block_start: 0,
            shared: shared.clone(),
        };
        let rethrow = |e: Error| -> JsValue {
            shared
                .thrown
                .borrow_mut()
                .take()
                .unwrap_or_else(|| js_error(&e))
        };
        // The head, for the sizes of a WAV written as a stream.
        let mut head = vec![0u8; HEAD.min(len as usize)];
        let mut got = 0;
        while got < head.len() {
            let n = source.read(&mut head[got..]).map_err(|e| {
                rethrow(Error::Io {
                    message: e.to_string(),
                })
            })?;
            if n == 0 {
                break;
            }
            got += n;
        }
        head.truncate(got);
        source.pos = 0;
        let patched = Patched::new(source, patches(&head, len), true, Some(len));
        let packets = MonoPackets::new(Box::new(patched), extension.as_deref()).map_err(rethrow)?;
        Ok(StreamDecoder {
            rate: packets.sample_rate(),
            packets,
            shared,
            len,
            out: Vec::new(),
        })
    }

    /// The next mono samples, at least `minSamples` of them (whole packets)
    /// unless the stream ends first; `undefined` at the end. A damaged
    /// packet is skipped, as players do.
    pub fn next(
        &mut self,
        #[wasm_bindgen(js_name = minSamples)] min_samples: usize,
    ) -> Result<Option<js_sys::Float32Array>, JsValue> {
        self.out.clear();
        while self.out.len() < min_samples.max(1) {
            match self.packets.next_packet() {
                Ok(Some((samples, rate))) => {
                    self.rate = Some(rate);
                    self.out.extend_from_slice(samples);
                }
                Ok(None) => break,
                Err(e) => return Err(self.error(e)),
            }
        }
        if self.out.is_empty() {
            return Ok(None);
        }
        Ok(Some(js_sys::Float32Array::from(&self.out[..])))
    }

    /// Sample rate in Hz: from the header, else once `next` has returned
    /// samples.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<u32> {
        self.rate.or(self.packets.sample_rate())
    }

    /// The length in samples the header announces, if it does.
    #[wasm_bindgen(getter, js_name = expectedLength)]
    pub fn expected_length(&self) -> Option<f64> {
        self.packets.expected_frames().map(|n| n as f64)
    }

    /// The fraction of the file read so far, in [0, 1].
    #[wasm_bindgen(getter)]
    pub fn progress(&self) -> f64 {
        (self.shared.read.get() as f64 / self.len.max(1) as f64).min(1.0)
    }

    /// After the last samples: whether the file ended before the length its
    /// header announces (truncated); throws when it was mostly damaged or
    /// held no audio.
    pub fn finish(&self) -> Result<bool, JsValue> {
        self.packets.finish().map_err(|e| self.error(e))
    }

    fn error(&self, e: Error) -> JsValue {
        self.shared
            .thrown
            .borrow_mut()
            .take()
            .unwrap_or_else(|| js_error(&e))
    }
}
