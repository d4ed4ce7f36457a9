// genre-classifier in Node.js (>= 20): the `node` condition of package.json's
// exports. The same API as js/index.js, on the calling thread (Node.js has no
// Web Workers), with the WebAssembly module read from disk (Node's fetch does
// not read file: URLs). Node.js has no decodeAudioData: WAV files are decoded
// in JavaScript (js/wav.js: no second module to load for them), and FLAC, MP3
// and Ogg Vorbis by the decoder module (pkg/decoder/: the CLI's decoder,
// symphonia, compiled to WebAssembly), loaded on the first such file.
// Browsers and bundlers for them never load this file.

import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { cwd } from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClassifier as createWith, GENRES, GenreError } from './index.js';
import { asGenreError } from './errors.js';
import { trainWith } from './teach.js';
import { decodeWav } from './wav.js';

export { GENRES, GenreError };

/**
 * @import { Classifier, ClassifierOptions } from './index.js'
 * @import { Platform } from './decode.js'
 * @import { TeachRuntime } from './teach.js'
 */

/** The options key under which index.js takes a platform. */
const PLATFORM = Symbol.for('genre-classifier.platform');

/** @type {Platform} */
const NODE = {
  name: 'Node.js',
  decode: async (input) => decodeBytes(await encodedBytes(input)),
  async wasmSource(url) {
    if (!url.startsWith('file:')) return url;
    try {
      return await readFile(new URL(url));
    } catch (/** @type {any} */ err) {
      throw new GenreError('model', `could not read the WebAssembly module ${fileURLToPath(url)}: ${err && err.message}`);
    }
  },
  baseUrl: () => `${pathToFileURL(cwd()).href}/`,
  hasWorkers: () => false,
};

/**
 * Creates a classifier on the calling thread; resolves once the module is loaded.
 * @type {(options?: ClassifierOptions) => Promise<Classifier<string>>}
 */
export function createClassifier(options = {}) {
  /** @type {(url: string | URL | undefined) => string | URL | undefined} */
  const path = (url) => (typeof url === 'string' && isAbsolute(url) ? pathToFileURL(url) : url);
  /** @type {ClassifierOptions} */
  const withPaths = { ...options, wasmUrl: path(options.wasmUrl), workerUrl: path(options.workerUrl) };
  return createWith(/** @type {ClassifierOptions} */ ({ ...withPaths, [PLATFORM]: NODE }));
}

/** @type {TeachRuntime} */
const NODE_TEACH = {
  createClassifier: (options) => createClassifier(options),
  localEngine: () => import('./teach-engine.js'),
  hasWorkers: () => false,
  teachWorker: () => {
    throw new GenreError('internal', 'Node.js trains on the calling thread');
  },
  teachWasmUrl: () => new URL('../pkg/teach/genre_teach_bg.wasm', import.meta.url),
  async teachWasm(url) {
    if (!url.startsWith('file:')) return url;
    try {
      return await readFile(new URL(url));
    } catch (/** @type {any} */ err) {
      throw new GenreError('model', `could not read the teach module ${fileURLToPath(url)}: ${err && err.message}`);
    }
  },
};

/**
 * Trains a personal model on labelled songs, on the calling thread (abort
 * from within onProgress, or before the call, to stop it).
 * @type {typeof import('./index.js').trainModel}
 */
export function trainModel(examples, options) {
  return trainWith(NODE_TEACH, examples, options);
}

/** @type {Promise<Classifier<string>> | null} */
let shared = null;

/**
 * Classifies an audio file with a shared classifier created on first use.
 * @type {typeof import('./index.js').classifyFile}
 */
export async function classifyFile(input, options) {
  if (!shared) {
    shared = createClassifier();
    shared.catch(() => {
      shared = null;
    });
  }
  // The shared classifier has the embedded model: its labels are GENRES.
  return /** @type {Promise<import('./index.js').Classification>} */ ((await shared).classifyFile(input, options));
}

/**
 * Mono samples of an encoded file: WAV (RIFF/WAVE, and empty input, for its
 * message) by js/wav.js, anything else by the decoder module.
 * @param {Uint8Array} bytes
 * @returns {Promise<{ samples: Float32Array, sampleRate: number, truncated?: boolean }>}
 */
async function decodeBytes(bytes) {
  /** @type {(at: number, s: string) => boolean} */
  const ascii = (at, s) => at + s.length <= bytes.length && [...s].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));
  if (bytes.length === 0 || (ascii(0, 'RIFF') && ascii(8, 'WAVE'))) return decodeWav(bytes);
  const glue = await decoder();
  try {
    return glue.decode(bytes);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      // A trap (a panic in the decoding library aborts on wasm32): the
      // instance may be left inconsistent, so the next file gets a new one.
      loading = null;
      throw new GenreError('decode', `the audio is damaged: the decoder rejected the file (${err.message})`);
    }
    throw asGenreError(err);
  }
}

/** @typedef {typeof import('../pkg/decoder/genre_decoder.js')} DecoderGlue */

/** @type {Promise<DecoderGlue> | null} */
let loading = null;
/** How many instances of the decoder module were made (each import of the glue is one instance). */
let instances = 0;

/**
 * The decoder module, loaded (and instantiated) on first use.
 * @returns {Promise<DecoderGlue>}
 */
function decoder() {
  if (!loading) {
    const dir = new URL('../pkg/decoder/', import.meta.url);
    const wasm = new URL('genre_decoder_bg.wasm', dir);
    loading = (async () => {
      // A query string per instance: a fresh glue module (and state) after a trap.
      /** @type {DecoderGlue} */
      const glue = await import(new URL(`genre_decoder.js${instances++ ? `?${instances}` : ''}`, dir).href);
      try {
        glue.initSync({ module: await readFile(wasm) });
      } catch (/** @type {any} */ err) {
        throw new GenreError('model', `could not load the decoder module ${fileURLToPath(wasm)}: ${err && err.message}`);
      }
      return glue;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * The bytes of a file path, file: URL, Buffer or other typed array, ArrayBuffer or Blob.
 * @param {unknown} input
 * @returns {Promise<Uint8Array>}
 */
async function encodedBytes(input) {
  if (typeof input === 'string' || input instanceof URL) {
    try {
      return await readFile(input);
    } catch (/** @type {any} */ err) {
      throw new GenreError('decode', `could not read ${input}: ${err && err.message}`);
    }
  }
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new GenreError('decode', `expected a file path, a Buffer, Uint8Array or ArrayBuffer of an audio file, or a Blob, got ${input === null ? 'null' : typeof input}`);
}
