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
import { GenreError } from './errors.js';

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

/** The answer when the decoder does not read this file: the caller decodes it otherwise. */
export const FALLBACK = Object.freeze({ fallback: true });

/**
 * Loads the decoder module from `url` (its glue; the .wasm lies beside it).
 * @param {string} url
 * @returns {Promise<DecoderModule>}
 */
function loadDecoder(url) {
  if (!decoder) {
    decoder = (async () => {
      const glue = await import(url);
      const exports = await glue.default({ module_or_path: new URL('genre_decoder_bg.wasm', url) });
      return { StreamDecoder: glue.StreamDecoder, memory: exports.memory };
    })();
    decoder.catch(() => {
      decoder = null;
    });
  }
  return decoder;
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
 * A GenreError for what reading a picked file threw: a file moved, deleted
 * or changed after it was picked is named as such.
 * @param {any} err
 */
export function readError(err) {
  const name = err && err.name;
  if (name === 'NotReadableError' || name === 'NotFoundError' || name === 'SecurityError') {
    return new GenreError(
      'decode',
      `the file could not be read (${name}): it was moved, deleted or changed after it was picked. Pick it again`,
      'unreadable',
    );
  }
  return err;
}

/** @param {string} name */
function extension(name) {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(name || '');
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * Classifies `file` as it decodes it; resolves to FALLBACK when the decoder
 * module does not read it (another format or codec: AAC, Opus, ...) or
 * cannot be loaded.
 * @param {{ file: Blob, melColumns?: number, decoderUrl: string, maxSeconds?: number }} request
 * @param {Progress} progress
 * @returns {Promise<Classification | typeof FALLBACK>}
 */
export async function classifyStream({ file, melColumns = 0, decoderUrl, maxSeconds }, progress) {
  /** @type {DecoderModule} */
  let mod;
  try {
    mod = await loadDecoder(decoderUrl);
  } catch {
    return FALLBACK;
  }
  const reader = new FileReaderSync();
  /** @type {(start: number, end: number) => Uint8Array} */
  const read = (start, end) => new Uint8Array(reader.readAsArrayBuffer(file.slice(start, end)));
  const name = /** @type {any} */ (file).name;
  /** @type {StreamDecoderApi | null} */
  let dec = null;
  /** @type {core.ClassifierStream | null} */
  let stream = null;
  try {
    try {
      dec = new mod.StreamDecoder(read, file.size, extension(name));
    } catch (/** @type {any} */ err) {
      if (err && err.unsupported) return FALLBACK;
      throw err;
    }
    const columns = Number.isFinite(melColumns) ? Math.max(0, Math.floor(melColumns)) : 0;
    const share = columns > 0 ? 0.95 : 1;
    let reported = -1;
    if (progress(0, 'analyse') === false) throw new GenreError('cancelled', 'the request was cancelled');
    for (let piece = dec.next(PIECE); piece; piece = dec.next(PIECE)) {
      if (!stream) {
        stream = new core.ClassifierStream(/** @type {number} */ (dec.sampleRate), dec.expectedLength, columns, maxSeconds);
      }
      stream.push(piece, undefined);
      const fraction = Math.floor(share * dec.progress * 100) / 100;
      if (fraction > reported) {
        reported = fraction;
        if (progress(fraction, 'analyse') === false) throw new GenreError('cancelled', 'the request was cancelled');
      }
    }
    const truncated = dec.finish();
    if (!stream) throw new GenreError('empty', 'the file holds no audio');
    if (columns > 0) progress(share, 'mel');
    /** @type {Classification} */
    const result = stream.finish(truncated, undefined);
    const mel = stream.melImage();
    if (mel) result.mel = mel;
    return result;
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      // A trap (a bug, in either module) leaves the modules in an unknown state.
      decoderBroken = true;
      throw new GenreError('decode', `the decoder failed on this file (${err.message}); it may be damaged`);
    }
    throw readError(err);
  } finally {
    if (!decoderBroken) {
      if (dec) dec.free();
      if (stream) stream.free();
    }
  }
}
