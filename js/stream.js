// Streamed classification of a File or Blob, inside the worker: the decoder
// module (pkg/decoder/, the `genre` CLI's decoder, loaded on the first file)
// decodes it piece by piece as it reads it, and each piece of mono samples
// goes straight into the classifier's ClassifierStream, which resamples and
// classifies window by window and computes the mel image as the samples
// pass. Memory stays bounded whatever the file's length: a piece of the
// file, a piece of samples and the analysis' own context.
//
// Reading: the decoder pulls its bytes synchronously (and seeks: MP3 tags,
// FLAC metadata), so the worker reads them with FileReaderSync, slice by
// slice (1 MB at a time, see crates/decoder/src/stream.rs). FileReaderSync
// exists only in workers, reads just the slice asked for, and is in every
// browser with module workers; an asynchronous File.stream() would have to
// run ahead of a decoder that cannot wait for it.

import * as core from '../pkg/genre_classifier.js';
import { GenreError, readError } from './errors.js';
import { Followers } from './share.js';
import { openStream } from './engine.js';

/**
 * @import { Classification } from './index.js'
 * @import { Progress } from './engine.js'
 */

/** Mono samples handed from the decoder to the classifier at a time. */
const PIECE = 1 << 16;

/**
 * The decoder module, once loaded.
 * @typedef {{ StreamDecoder: new (read: (start: number, end: number) => Uint8Array, size: number, extension?: string) => StreamDecoderApi, memory: WebAssembly.Memory }} DecoderModule
 * @typedef {{ next(minSamples: number): Float32Array | undefined, finish(): boolean, free(): void, readonly sampleRate: number | undefined, readonly expectedLength: number | undefined, readonly progress: number }} StreamDecoderApi
 */

/** @type {Promise<DecoderModule> | null} */
let decoder = null;
/** Whether a module trapped (a bug) during a streamed file: the worker must be replaced. */
let decoderBroken = false;

/**
 * Where the last streamed file's time went, in ms (for benchmarks: the
 * worker sends it beside the result): opening (loading the decoder module on
 * the first file, reading the header), decoding, analysing (resampling,
 * features, network, mel frames), waiting for the workers sharing the file
 * (js/share.js), finishing (last windows, mel image); and the start and end
 * as absolute times (`performance.timeOrigin + now()`).
 * @type {{ start: number, open: number, decode: number, analyse: number, wait: number, finish: number, end: number } | null}
 */
export let lastTimings = null;

/** The answer when the decoder does not read this file: the caller decodes it otherwise. */
export const FALLBACK = Object.freeze({ fallback: true });

/**
 * Loads the decoder module from `url` (its glue; the .wasm lies beside it,
 * or is given as `wasm`, a response already fetched).
 * @param {string} url
 * @param {Response} [wasm]
 * @returns {Promise<DecoderModule>}
 */
function loadDecoder(url, wasm) {
  if (!decoder) {
    decoder = (async () => {
      // A URL known at run time: bundlers must leave it alone.
      const glue = await import(/* @vite-ignore */ /* webpackIgnore: true */ url);
      const exports = await glue.default({ module_or_path: wasm ?? new URL('genre_decoder_bg.wasm', url) });
      return { StreamDecoder: glue.StreamDecoder, memory: exports.memory };
    })();
    decoder.catch(() => {
      decoder = null;
    });
  }
  return decoder;
}

/**
 * Loads the decoder module from `url` ahead of the first file, but only when
 * the browser holds it already (a visitor who has classified files before:
 * the HTTP cache, or the page's offline cache), so that a first visit
 * downloads nothing more than it needs; then decodes a second of MP3 with
 * it, so that the browser optimises the decoder's code before the first
 * file (as warmUp does for the analysis).
 * @param {string | undefined} url
 */
export async function preloadDecoder(url) {
  if (decoder || !url) return;
  try {
    const wasm = await fetch(new URL('genre_decoder_bg.wasm', url), { cache: 'only-if-cached', mode: 'same-origin' });
    if (!wasm.ok) return;
    const mod = await loadDecoder(url, wasm);
    // One second of a synthetic tune as MP3, beside the module (scripts/decoder_warm_up.mjs).
    const bytes = new Uint8Array(await (await fetch(new URL('warm-up.mp3', url))).arrayBuffer());
    const dec = new mod.StreamDecoder((start, end) => bytes.subarray(start, end), bytes.length, 'mp3');
    try {
      while (dec.next(PIECE));
      dec.finish();
    } finally {
      dec.free();
    }
  } catch {
    // Not held (or another origin), or no warm-up file: the first file loads it.
  }
}

/** Seconds of the warm-up's signal, and of each of its pieces. */
const WARM_UP_SECONDS = 4;
const WARM_UP_PIECE = 0.5;

/**
 * The warm-up of a worker: a synthetic signal through the streamed analysis
 * (ClassifierStream, with a mel image), so that the browser compiles the hot
 * code with its optimising tier while the page waits for a file, rather than
 * during the first file (WebAssembly starts in a baseline tier; the
 * functions that run often are optimised). It runs piece by piece, between
 * tasks, and stops as soon as `busy()`: a request waits for one piece at most.
 * @param {() => boolean} busy
 */
export async function warmUp(busy) {
  const rate = 44100;
  const piece = Math.round(rate * WARM_UP_PIECE);
  const stream = openStream(null, rate, WARM_UP_SECONDS * rate, 64, undefined);
  try {
    for (let at = 0; at < WARM_UP_SECONDS * rate; at += piece) {
      await new Promise((resolve) => setTimeout(resolve));
      if (busy()) return;
      const x = new Float32Array(piece);
      for (let i = 0; i < piece; i++) {
        const t = (at + i) / rate;
        x[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 331 * t) * Math.exp(-(t % 0.5) * 6);
      }
      stream.push(x, undefined);
    }
    stream.finish(false, undefined);
    stream.melImage();
  } finally {
    stream.free();
  }
}

/** Bytes of WebAssembly memory the decoder module holds (0 before it loads). */
export async function decoderMemory() {
  if (!decoder) return 0;
  try {
    return (await decoder).memory.buffer.byteLength;
  } catch {
    return 0;
  }
}

/** Whether a module trapped during a streamed file: the worker must be replaced. */
export function isDecoderBroken() {
  return decoderBroken;
}

/**
 * Whether the file starts as a format the decoder module owns: ID3 (MP3),
 * RIFF (WAV), fLaC or OggS.
 * @param {(start: number, end: number) => Uint8Array} read
 * @param {number} size
 */
function ownedFormat(read, size) {
  const head = String.fromCharCode(...read(0, Math.min(4, size)));
  return ['ID3', 'RIFF', 'fLaC', 'OggS'].some((magic) => head.startsWith(magic));
}

/** @param {string} name */
function extension(name) {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(name || '');
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * The workers sharing a file's analysis (js/share.js): ports to them, the
 * deal of windows (part 0 is this worker), and the name of the shared file.
 * @typedef {{ ports: MessagePort[], cycle: number[], token: string }} Share
 */

/**
 * The bytes of a file as the decoder reads them: `read(start, end)`, synchronously.
 * @typedef {{ read: (start: number, end: number) => Uint8Array, size: number, name: string }} Source
 */

/**
 * `file` read slice by slice (FileReaderSync: workers only).
 * @param {Blob} file
 * @returns {Source}
 */
export function fileSource(file) {
  /** @type {{ readAsArrayBuffer(blob: Blob): ArrayBuffer }} (workers only: not in the DOM's types) */
  const reader = new (/** @type {any} */ (globalThis).FileReaderSync)();
  return {
    read: (start, end) => new Uint8Array(reader.readAsArrayBuffer(file.slice(start, end))),
    size: file.size,
    name: /** @type {any} */ (file).name || '',
  };
}

/**
 * A file's bytes already in memory (the calling thread, which has no
 * FileReaderSync: `worker: false`).
 * @param {Uint8Array} bytes
 * @param {string} name
 * @returns {Source}
 */
export function memorySource(bytes, name) {
  return { read: (start, end) => bytes.subarray(start, end), size: bytes.length, name };
}

/**
 * Classifies a file as it decodes it; resolves to FALLBACK when the decoder
 * module does not read it (another format or codec: AAC, Opus, ...) or
 * cannot be loaded. With `share`, other workers share the analysis
 * (js/share.js): this one decodes, sends them the samples and computes its
 * windows; the first of them draws the mel image.
 * @param {{ source: Source, melColumns?: number, decoderUrl: string, maxSeconds?: number, model?: core.Model | null, share?: Share }} request
 * @param {Progress} progress
 * @returns {Promise<Classification | typeof FALLBACK>}
 */
export async function classifyStream({ source, melColumns = 0, decoderUrl, maxSeconds, model, share }, progress) {
  const clock = () => performance.timeOrigin + performance.now();
  const start = clock();
  const t = { start, open: 0, decode: 0, analyse: 0, wait: 0, finish: 0, end: 0 };
  lastTimings = null;
  /** @type {DecoderModule} */
  let mod;
  try {
    mod = await loadDecoder(decoderUrl);
  } catch {
    return FALLBACK;
  }
  const { read, size, name } = source;
  /** @type {StreamDecoderApi | null} */
  let dec = null;
  /** @type {core.ClassifierStream | null} */
  let stream = null;
  const followers = share ? new Followers(share.ports, share.token) : null;
  try {
    try {
      dec = new mod.StreamDecoder(read, size, extension(name));
    } catch (/** @type {any} */ err) {
      // Another codec, or another format than the four this decoder owns: the
      // browser's decoder may read it. A damaged file of an owned format
      // (an MP3 whose ID3 tag claims more than the file) is refused, as the
      // `genre` command refuses it.
      if (err && (err.unsupported === 'codec' || (err.unsupported === 'format' && !ownedFormat(read, size)))) return FALLBACK;
      throw err;
    }
    const wanted = Number.isFinite(melColumns) ? Math.max(0, Math.floor(melColumns)) : 0;
    // Shared: the first follower draws the mel image.
    const columns = followers ? 0 : wanted;
    const scale = wanted > 0 ? 0.95 : 1;
    let reported = -1;
    if (progress(0, 'analyse') === false) throw new GenreError('cancelled', 'the request was cancelled');
    let now = clock();
    t.open = now - start;
    for (;;) {
      const piece = dec.next(PIECE);
      const decoded = clock();
      t.decode += decoded - now;
      now = decoded;
      if (!piece) break;
      if (!stream) {
        const rate = /** @type {number} */ (dec.sampleRate);
        stream = openStream(model, rate, dec.expectedLength, columns, maxSeconds);
        if (followers && share) {
          stream.share(Uint8Array.from(share.cycle), 0);
          followers.open({ sampleRate: rate, expectedLength: dec.expectedLength, maxSeconds });
        }
      }
      if (followers) {
        await followers.send(piece);
        const sent = clock();
        t.wait += sent - decoded;
        now = sent;
      }
      stream.push(piece, undefined);
      const analysed = clock();
      t.analyse += analysed - now;
      now = analysed;
      // (progress below counts as analysis)
      const fraction = Math.floor(scale * dec.progress * 100) / 100;
      if (fraction > reported) {
        reported = fraction;
        if (progress(fraction, 'analyse') === false) throw new GenreError('cancelled', 'the request was cancelled');
      }
    }
    const truncated = dec.finish();
    if (!stream) throw new GenreError('empty', 'the file holds no audio');
    if (wanted > 0) progress(scale, 'mel');
    /** @type {Classification} */
    let result;
    if (followers) {
      const parts = await followers.end();
      const waited = clock();
      t.wait += waited - now;
      now = waited;
      result = stream.finish(truncated, undefined, Followers.rows(parts));
      const mel = parts[0].mel;
      if (mel) result.mel = mel;
    } else {
      result = stream.finish(truncated, undefined);
      const mel = stream.melImage();
      if (mel) result.mel = mel;
    }
    t.end = clock();
    t.finish = t.end - now;
    lastTimings = t;
    return result;
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      // A trap (a bug, in either module) leaves the modules in an unknown state.
      decoderBroken = true;
      throw new GenreError('decode', `the decoder failed on this file (${err.message}); it may be damaged`);
    }
    throw readError(err);
  } finally {
    if (followers) followers.close();
    if (!decoderBroken) {
      if (dec) dec.free();
      if (stream) stream.free();
    }
  }
}
