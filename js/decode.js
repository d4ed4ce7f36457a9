// Decoding of encoded audio with Web Audio, on the calling (main) thread:
// workers have no decoder in most browsers.

import { GenreError } from './errors.js';

/**
 * What differs between the browser and Node.js: index.js has the browser's;
 * js/node.js passes its own to createClassifier (under a symbol key).
 * @typedef {object} Platform
 * @property {string} name Where this runs, for messages.
 * @property {(input: unknown) => Promise<{ samples: Float32Array, sampleRate: number, truncated?: boolean }>} decode
 *   What classifyFile accepts, decoded to mono samples at the file's own rate.
 * @property {(url: string) => Promise<string | BufferSource>} wasmSource
 *   What the calling thread loads the WebAssembly module from.
 * @property {() => string | undefined} baseUrl Base of relative URLs.
 * @property {() => boolean} hasWorkers Whether module Web Workers exist.
 */

/** Rate the decoder uses when the container does not state one, in Hz. */
export const FALLBACK_RATE = 44100;
const ANALYSIS_RATE = 22050;

/**
 * Decodes `bytes` (an ArrayBuffer the decoder may detach) to mono samples:
 * the mean of the channels, at the file's own rate where the header states
 * it, so that only the core's resampler changes the rate.
 * @param {ArrayBuffer} bytes
 * @returns {Promise<{ samples: Float32Array, sampleRate: number }>}
 */
export async function decodeToMono(bytes) {
  const buffer = await decodeToBuffer(bytes);
  return { samples: downmix(buffer), sampleRate: buffer.sampleRate };
}

/**
 * Decodes `bytes` (an ArrayBuffer the decoder may detach) with Web Audio, at
 * the file's own rate where the header states it.
 * @param {ArrayBuffer} bytes
 * @returns {Promise<AudioBuffer>}
 */
export async function decodeToBuffer(bytes) {
  /** @type {typeof OfflineAudioContext | undefined} */
  const Offline = globalThis.OfflineAudioContext || /** @type {any} */ (globalThis).webkitOfflineAudioContext;
  if (!Offline) {
    throw new GenreError('decode', 'this environment has no Web Audio decoder (OfflineAudioContext); pass decoded samples to classifySamples instead');
  }
  if (bytes.byteLength === 0) throw new GenreError('empty', 'the file is empty');
  // Decoding below the analysis rate would drop content the analysis uses.
  const stated = Math.max(sniffSampleRate(new Uint8Array(bytes)) || FALLBACK_RATE, ANALYSIS_RATE);
  const rates = [...new Set([stated, 48000, FALLBACK_RATE])];
  /** @type {OfflineAudioContext | null} */
  let context = null;
  for (const rate of rates) {
    try {
      context = new Offline(1, 1, rate);
      break;
    } catch {
      // Rate outside this browser's range (Safari's is narrow): try the next.
    }
  }
  if (!context) throw new GenreError('decode', 'the browser could not create an audio decoder');
  /** @type {AudioBuffer} */
  let buffer;
  try {
    buffer = await new Promise((resolve, reject) => {
      const p = context.decodeAudioData(bytes, resolve, reject);
      if (p && typeof p.then === 'function') p.then(resolve, reject);
    });
  } catch (/** @type {any} */ err) {
    const why = err && err.message ? `: ${err.message}` : '';
    throw new GenreError('decode', `the browser could not decode this file (unsupported codec or damaged data)${why}`);
  }
  return buffer;
}

/**
 * Mean of the channels of an AudioBuffer.
 * @param {AudioBuffer} buffer
 */
export function downmix(buffer) {
  const n = buffer.numberOfChannels;
  if (n === 1) return buffer.getChannelData(0).slice();
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < n; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i] += data[i];
  }
  const scale = 1 / n;
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/**
 * Sample rate stated by the header of a WAV, FLAC, Ogg (Vorbis, Opus) or
 * MP3 file, or null when the format is not recognised.
 * @param {Uint8Array} b
 * @returns {number | null}
 */
export function sniffSampleRate(b) {
  /** @type {(at: number, s: string) => boolean} */
  const ascii = (at, s) => s.split('').every((ch, i) => b[at + i] === ch.charCodeAt(0));
  /** @type {(at: number) => number} */
  const u32le = (at) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  if (b.length >= 12 && ascii(0, 'RIFF') && ascii(8, 'WAVE')) {
    for (let at = 12; at + 16 <= b.length; ) {
      const size = u32le(at + 4);
      if (ascii(at, 'fmt ')) return u32le(at + 12) || null;
      at += 8 + size + (size & 1);
    }
    return null;
  }
  let start = 0;
  if (b.length >= 10 && ascii(0, 'ID3')) {
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    start = 10 + size + (b[5] & 0x10 ? 10 : 0);
  }
  if (b.length >= start + 21 && ascii(start, 'fLaC')) {
    const at = start + 18;
    return ((b[at] << 12) | (b[at + 1] << 4) | (b[at + 2] >> 4)) || null;
  }
  if (b.length >= 28 && ascii(0, 'OggS')) {
    const packet = 27 + b[26];
    if (ascii(packet, 'OpusHead')) return 48000;
    if (b[packet] === 1 && ascii(packet + 1, 'vorbis')) return u32le(packet + 12) || null;
    return null;
  }
  if (b.length >= 8 && ascii(4, 'ftyp')) return null; // MP4/M4A: not parsed
  return mp3Rate(b, start);
}

/** @type {Record<number, number[]>} */
const MP3_RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/**
 * @param {Uint8Array} b
 * @param {number} start
 */
function mp3Rate(b, start) {
  const end = Math.min(b.length - 4, start + 65536);
  for (let i = start; i < end; i++) {
    if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1] >> 3) & 3;
    const layer = (b[i + 1] >> 1) & 3;
    const bitrate = b[i + 2] >> 4;
    const rate = (b[i + 2] >> 2) & 3;
    if (version === 1 || layer === 0 || bitrate === 15 || rate === 3) continue;
    return MP3_RATES[version][rate];
  }
  return null;
}
