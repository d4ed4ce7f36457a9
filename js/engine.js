// Runs the WebAssembly core: loads the module once and answers requests.
// Used inside the worker and, with `worker: false`, on the calling thread.

import init, * as core from '../pkg/genre_classifier.js';
import { GenreError, asGenreError, cancelled } from './errors.js';

/**
 * @import { Classification, ProgressStage, WindowFeatures } from './index.js'
 * @import { InitOutput } from '../pkg/genre_classifier.js'
 */

/**
 * A model given as bytes (a personal model), named by a key unique to the
 * classifier that holds it: the engine parses it on first use and keeps it.
 * @typedef {{ key: string, bytes: Uint8Array }} ModelRef
 */

/**
 * A request: `{ op: "load" | "features" | "classify" | "windowFeatures", samples, sampleRate, melColumns, model }`
 * (without `model`, the embedded model); a stream of channel pieces: "open",
 * then "push" for each piece, then "end" (the samples of a file the browser
 * decoded, mixed to mono here); in the worker, "file": a File or Blob decoded
 * and classified as a stream (js/stream.js), and "follow": a share of the
 * windows of a file another worker decodes (js/share.js).
 * @typedef {{ op: 'load', model?: ModelRef, decoderUrl?: string }
 *   | { op: 'features', samples: Float32Array, sampleRate: number }
 *   | { op: 'classify', samples: Float32Array, sampleRate: number, melColumns?: number, model?: ModelRef }
 *   | { op: 'windowFeatures', samples: Float32Array, sampleRate: number, model?: ModelRef }
 *   | { op: 'open', sampleRate: number, length: number, melColumns?: number, model?: ModelRef }
 *   | { op: 'push', channels: Float32Array[] }
 *   | { op: 'end' }
 *   | { op: 'file', file: Blob, melColumns?: number, decoderUrl: string, maxSeconds?: number, model?: ModelRef, share?: { ports: MessagePort[], cycle: number[], token: string } }
 *   | { op: 'follow', port: MessagePort, cycle: number[], part: number, melColumns?: number, token: string, model?: ModelRef }} Request
 */

/**
 * The answer to each operation (`load`: the model's labels; "file":
 * `{ fallback: true }` when the decoder module does not read the file, with
 * the bytes when they were read whole: on the calling thread).
 * @typedef {{ load: { genres: string[] }, features: Float32Array, classify: Classification<string>, windowFeatures: WindowFeatures, open: null, push: null, end: Classification<string>, file: Classification<string> | { fallback: true, bytes?: ArrayBuffer }, follow: null }} Replies
 */

/**
 * Called with the progress in [0, 1] of the analysis; returns false to cancel.
 * @typedef {(fraction: number, stage: ProgressStage) => boolean} Progress
 */

/** @type {Promise<InitOutput> | null} */
let loading = null;
/** @type {InitOutput | null} */
let loaded = null;
let broken = false;

/**
 * The module: its URL, or its bytes (Node.js reads the file itself).
 * @typedef {string | URL | BufferSource} WasmSource
 */

/**
 * Loads the WebAssembly module (once); resolves to its exports.
 * @param {WasmSource} [wasmUrl]
 */
export function load(wasmUrl) {
  if (!loading) {
    const arg = wasmUrl === undefined ? undefined : { module_or_path: wasmUrl };
    loading = init(arg).then((exports) => {
      loaded = exports;
      return exports;
    }, (err) => {
      loading = null;
      const detail = err && err.message ? err.message : String(err);
      const where = typeof wasmUrl === 'string' || wasmUrl instanceof URL ? ` from ${wasmUrl}` : '';
      // A 404 (or an HTML page served instead) is a module a bundler did not copy.
      const hint = /fetch|magic word|404/i.test(detail)
        ? '. If a bundler built this page, it did not copy the package\'s genre_classifier_bg.wasm next to the bundle: copy genre-classifier/genre_classifier_bg.wasm there, or pass its URL as wasmUrl'
        : '';
      throw new GenreError('model', `could not load the WebAssembly module${where}: ${detail}${hint}`);
    });
  }
  return loading;
}

/**
 * Bytes of WebAssembly memory in use: the high-water mark, as memory never shrinks.
 * @param {WasmSource} [wasmUrl]
 */
export async function memoryBytes(wasmUrl) {
  const exports = await load(wasmUrl);
  return exports.memory.buffer.byteLength;
}

/** Bytes of WebAssembly memory the classifier module holds now (0 before it loads). */
export function classifierMemory() {
  return loaded ? loaded.memory.buffer.byteLength : 0;
}

/**
 * Answers one request.
 * `request`: { op: "load" | "features" | "classify" | "windowFeatures", samples: Float32Array, sampleRate, melColumns, model }.
 * `progress(fraction, stage)` returns false to cancel.
 * @template {Request} R
 * @param {R} request
 * @param {Progress} [progress]
 * @param {WasmSource} [wasmUrl]
 * @returns {Promise<Replies[R['op']]>}
 */
export async function run(request, progress = () => true, wasmUrl) {
  if (broken) {
    throw new GenreError('internal', 'the WebAssembly module failed earlier and must be reloaded');
  }
  await load(wasmUrl);
  try {
    return /** @type {Replies[R['op']]} */ (compute(request, progress));
  } catch (err) {
    // A trap (a bug, never bad input) leaves the module in an unknown state.
    if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) broken = true;
    throw asGenreError(err);
  }
}

/** Whether a trap has made this module instance unusable. */
export function isBroken() {
  return broken;
}

/** Models given as bytes, by key; the oldest are dropped past MAX_MODELS. */
/** @type {Map<string, core.Model>} */
const models = new Map();
const MAX_MODELS = 8;

/**
 * The loaded model of `ref`, parsed on first use; null: the embedded model.
 * @param {ModelRef | undefined} ref
 * @returns {core.Model | null}
 */
export function modelOf(ref) {
  if (!ref) return null;
  let model = models.get(ref.key);
  if (!model) {
    model = new core.Model(ref.bytes);
    models.set(ref.key, model);
    const oldest = models.size > MAX_MODELS ? models.keys().next().value : undefined;
    if (oldest !== undefined) {
      const old = models.get(oldest);
      models.delete(oldest);
      if (old) old.free();
    }
  }
  return model;
}

/**
 * @param {Request} request
 * @param {Progress} progress
 * @returns {Replies[Request['op']]}
 */
function compute(request, progress) {
  if (request.op === 'load') {
    const model = modelOf(request.model);
    if (model) return { genres: model.genres };
    const embedded = core.Model.embedded();
    try {
      return { genres: embedded.genres };
    } finally {
      embedded.free();
    }
  }
  if (request.op === 'open' || request.op === 'push' || request.op === 'end') return piece(request, progress);
  if (request.op === 'file' || request.op === 'follow') throw new GenreError('internal', 'files are streamed in the worker only');
  const { op, samples, sampleRate } = request;
  if (op === 'features') return core.features(samples, sampleRate);
  if (op === 'windowFeatures') {
    const model = modelOf(request.model);
    if (progress(0, 'analyse') === false) throw cancelled();
    const onWindow = (/** @type {number} */ done, /** @type {number} */ total) => progress(total > 0 ? done / total : 0, 'analyse') !== false;
    /** @type {WindowFeatures} */
    const out = model ? model.windowFeatures(samples, sampleRate, onWindow) : core.windowFeatures(samples, sampleRate, onWindow);
    out.duration = samples.length / sampleRate;
    out.sampleRate = sampleRate;
    return out;
  }
  if (op !== 'classify') throw new GenreError('internal', `unknown operation ${op}`);
  const model = modelOf(request.model);
  const columns = columnCount(request.melColumns);
  const share = columns > 0 ? 0.9 : 1;
  if (progress(0, 'analyse') === false) throw cancelled();
  // One call: the samples are checked and resampled once for both the
  // classification and the mel image (`result.mel`). The result is the
  // serde form of the core's Classification, untyped (any) in the bindings:
  // tests/npm/types.test.mjs checks its fields against index.d.ts.
  const onWindow = (/** @type {number} */ done, /** @type {number} */ total) => {
    const fraction = total > 0 ? (share * done) / total : 0;
    if (progress(fraction, 'analyse') === false) return false;
    return !(columns > 0 && done === total && progress(share, 'mel') === false);
  };
  /** @type {Classification<string>} */
  const result = model ? model.classify(samples, sampleRate, onWindow, columns) : core.classify(samples, sampleRate, onWindow, columns);
  return result;
}

/** @param {number | undefined} melColumns */
function columnCount(melColumns = 0) {
  return Number.isFinite(melColumns) ? Math.max(0, Math.floor(melColumns)) : 0;
}

/**
 * A ClassifierStream (see its constructor) with `model`, or the embedded model when null.
 * @param {core.Model | null | undefined} model
 * @param {number} sampleRate
 * @param {number | undefined} expectedLength
 * @param {number} melColumns
 * @param {number | undefined} maxSeconds
 */
export function openStream(model, sampleRate, expectedLength, melColumns, maxSeconds) {
  return model
    ? core.ClassifierStream.withModel(model, sampleRate, expectedLength, melColumns, maxSeconds)
    : new core.ClassifierStream(sampleRate, expectedLength, melColumns, maxSeconds);
}

/**
 * The stream of channel pieces being classified ("open" ... "end").
 * @type {{ stream: core.ClassifierStream, length: number, done: number, share: number } | null}
 */
let open = null;

/**
 * One step of a stream of channel pieces: the pieces are mixed to mono
 * (the mean of the channels, as librosa does) and classified as they come.
 * @param {Extract<Request, { op: 'open' | 'push' | 'end' }>} request
 * @param {Progress} progress
 * @returns {Classification | null}
 */
function piece(request, progress) {
  if (request.op === 'open') {
    if (open) open.stream.free();
    open = null;
    const columns = columnCount(request.melColumns);
    const model = modelOf(request.model);
    const stream = openStream(model, request.sampleRate, request.length, columns, undefined);
    open = { stream, length: request.length, done: 0, share: columns > 0 ? 0.95 : 1 };
    return null;
  }
  const current = open;
  if (!current) throw new GenreError('internal', 'no stream is open');
  if (request.op === 'push') {
    const mono = mix(request.channels);
    try {
      current.stream.push(mono, undefined);
    } catch (err) {
      current.stream.free();
      open = null;
      throw err;
    }
    current.done += mono.length;
    if (progress((current.share * current.done) / Math.max(1, current.length), 'analyse') === false) throw cancelled();
    return null;
  }
  open = null;
  try {
    /** @type {Classification} */
    const result = current.stream.finish(false, undefined);
    const mel = current.stream.melImage();
    if (mel) result.mel = mel;
    return result;
  } finally {
    current.stream.free();
  }
}

/**
 * The mean of the channels (one channel: as it is).
 * @param {Float32Array[]} channels
 */
function mix(channels) {
  if (channels.length === 1) return channels[0];
  const n = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i] += c[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}
