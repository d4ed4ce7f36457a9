// WAV decoding in JavaScript, for Node.js (js/node.js), which has no
// decodeAudioData: PCM 8/16/24/32-bit integer and 32/64-bit float
// (WAVE_FORMAT_EXTENSIBLE included), any number of channels, mixed to mono
// by the mean of the channels as the browser path does, at the file's rate.

import { GenreError } from './errors.js';

/** What Node.js decodes, for messages. */
export const NODE_FORMATS = 'WAV (PCM 8/16/24/32-bit integer or 32/64-bit float, any channel count), FLAC, MP3 and Ogg Vorbis';

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Decodes a WAV file to mono samples: the mean of the channels, at the
 * file's own rate, scaled as browsers scale them (an n-bit integer by
 * 2^(n-1), 8-bit samples unsigned).
 * @param {Uint8Array} bytes
 * @returns {{ samples: Float32Array, sampleRate: number }}
 */
export function decodeWav(bytes) {
  if (bytes.length === 0) throw new GenreError('empty', 'the file is empty');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** @type {(at: number, s: string) => boolean} */
  const ascii = (at, s) => at + s.length <= bytes.length && [...s].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));
  if (!(ascii(0, 'RIFF') && ascii(8, 'WAVE'))) {
    const format = formatName(bytes);
    const what = format ? `this is ${format}` : 'this is not a WAV file';
    throw new GenreError('decode', `Node.js decodes only ${NODE_FORMATS}, and ${what}: decode it to samples with another tool and call classifySamples, or classify it in a browser`);
  }
  /** @type {{ format: number, channels: number, sampleRate: number, bits: number } | null} */
  let fmt = null;
  /** @type {{ start: number, size: number } | null} */
  let data = null;
  for (let at = 12; at + 8 <= bytes.length && !(fmt && data); ) {
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (ascii(at, 'fmt ')) {
      if (size < 16 || body + 16 > bytes.length) throw new GenreError('decode', 'the WAV file is damaged: its fmt chunk is cut short');
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the format is the start of the sub-format GUID.
      if (format === EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (ascii(at, 'data')) {
      // A file cut short (or written while streaming, size 0 or ~0): what is there.
      const available = bytes.length - body;
      data = { start: body, size: size === 0 || size > available ? available : size };
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw new GenreError('decode', 'the WAV file is damaged: it has no fmt chunk');
  if (!data) throw new GenreError('decode', 'the WAV file is damaged: it has no data chunk');
  const { format, channels, sampleRate, bits } = fmt;
  const read = sampleReader(view, format, bits);
  if (!read) {
    const kind = format === PCM ? 'integer PCM' : format === FLOAT ? 'float' : `format 0x${format.toString(16)}`;
    throw new GenreError('decode', `this WAV file holds ${bits}-bit ${kind} samples; Node.js decodes only ${NODE_FORMATS}`);
  }
  if (channels === 0) throw new GenreError('decode', 'the WAV file is damaged: it states 0 channels');
  const width = bits / 8;
  const frames = Math.floor(data.size / (width * channels));
  if (frames === 0) throw new GenreError('empty', 'the WAV file holds no samples');
  const samples = new Float32Array(frames);
  const scale = 1 / channels;
  for (let i = 0, at = data.start; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += width) sum += read(at);
    samples[i] = channels === 1 ? sum : sum * scale;
  }
  return { samples, sampleRate };
}

/**
 * A reader of one sample at a byte offset, or null for an encoding not read.
 * @param {DataView} view
 * @param {number} format
 * @param {number} bits
 * @returns {((at: number) => number) | null}
 */
function sampleReader(view, format, bits) {
  if (format === PCM) {
    if (bits === 8) return (at) => (view.getUint8(at) - 128) / 128;
    if (bits === 16) return (at) => view.getInt16(at, true) / 32768;
    if (bits === 24) {
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16))) / 8388608;
    }
    if (bits === 32) return (at) => view.getInt32(at, true) / 2147483648;
  }
  if (format === FLOAT) {
    if (bits === 32) return (at) => view.getFloat32(at, true);
    if (bits === 64) return (at) => view.getFloat64(at, true);
  }
  return null;
}

/**
 * The name of a common audio format that is not WAV, from its first bytes.
 * @param {Uint8Array} b
 * @returns {string | null}
 */
export function formatName(b) {
  /** @type {(at: number, s: string) => boolean} */
  const ascii = (at, s) => at + s.length <= b.length && [...s].every((ch, i) => b[at + i] === ch.charCodeAt(0));
  let start = 0;
  if (ascii(0, 'ID3') && b.length >= 10) {
    start = 10 + (((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f));
  }
  if (ascii(start, 'fLaC')) return 'FLAC';
  if (ascii(0, 'OggS')) return 'Ogg (Vorbis, Opus or FLAC)';
  if (ascii(4, 'ftyp')) return 'MP4/M4A (AAC or ALAC)';
  if (ascii(0, 'FORM') && (ascii(8, 'AIFF') || ascii(8, 'AIFC'))) return 'AIFF';
  if (ascii(0, 'RF64') || ascii(0, 'RIFX')) return 'a WAV variant (RF64 or big-endian RIFX)';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'WebM/Matroska';
  if (start > 0 || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return 'MP3';
  return null;
}
