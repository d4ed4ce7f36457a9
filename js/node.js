// genre-classifier in Node.js (>= 20): the `node` condition of package.json's
// exports. The same API as js/index.js, on the calling thread (Node.js has no
// Web Workers), with the WebAssembly module read from disk (Node's fetch does
// not read file: URLs) and WAV files decoded in JavaScript (js/wav.js): Node.js
// has no decodeAudioData. Browsers and bundlers for them never load this file.

import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { cwd } from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClassifier as createWith, GENRES, GenreError } from './index.js';
import { decodeWav } from './wav.js';

export { GENRES, GenreError };

/**
 * @import { Classifier, ClassifierOptions } from './index.js'
 * @import { Platform } from './decode.js'
 */

/** The options key under which index.js takes a platform. */
const PLATFORM = Symbol.for('genre-classifier.platform');

/** @type {Platform} */
const NODE = {
  name: 'Node.js',
  decode: async (input) => decodeWav(await encodedBytes(input)),
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
 * @type {typeof import('./index.js').createClassifier}
 */
export function createClassifier(options = {}) {
  /** @type {(url: string | URL | undefined) => string | URL | undefined} */
  const path = (url) => (typeof url === 'string' && isAbsolute(url) ? pathToFileURL(url) : url);
  /** @type {ClassifierOptions} */
  const withPaths = { ...options, wasmUrl: path(options.wasmUrl), workerUrl: path(options.workerUrl) };
  return createWith(/** @type {ClassifierOptions} */ ({ ...withPaths, [PLATFORM]: NODE }));
}

/** @type {Promise<Classifier> | null} */
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
  return (await shared).classifyFile(input, options);
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
  throw new GenreError('decode', `expected a file path, a Buffer, Uint8Array or ArrayBuffer of a WAV file, or a Blob, got ${input === null ? 'null' : typeof input}`);
}
