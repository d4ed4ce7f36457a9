// Runs the WebAssembly core: loads the module once and answers requests.
// Used inside the worker and, with `worker: false`, on the calling thread.

import init, * as core from '../pkg/genre_classifier.js';
import { GenreError, asGenreError, cancelled } from './errors.js';

let loading = null;
let broken = false;

/** Loads the WebAssembly module (once); resolves to its exports. */
export function load(wasmUrl) {
  if (!loading) {
    const arg = wasmUrl === undefined ? undefined : { module_or_path: wasmUrl };
    loading = init(arg).catch((err) => {
      loading = null;
      throw new GenreError('model', `could not load the WebAssembly module: ${err && err.message ? err.message : err}`);
    });
  }
  return loading;
}

/** Bytes of WebAssembly memory in use: the high-water mark, as memory never shrinks. */
export async function memoryBytes(wasmUrl) {
  const exports = await load(wasmUrl);
  return exports.memory.buffer.byteLength;
}

/**
 * Answers one request.
 * `request`: { op: "features" | "classify", samples: Float32Array, sampleRate, melColumns }.
 * `progress(fraction, stage)` returns false to cancel.
 */
export async function run(request, progress = () => true, wasmUrl) {
  if (broken) {
    throw new GenreError('internal', 'the WebAssembly module failed earlier and must be reloaded');
  }
  await load(wasmUrl);
  try {
    return compute(request, progress);
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

function compute({ op, samples, sampleRate, melColumns = 0 }, progress) {
  if (op === 'load') return null;
  if (op === 'features') return core.features(samples, sampleRate);
  if (op !== 'classify') throw new GenreError('internal', `unknown operation ${op}`);
  const columns = Number.isFinite(melColumns) ? Math.max(0, Math.floor(melColumns)) : 0;
  const share = columns > 0 ? 0.9 : 1;
  if (progress(0, 'analyse') === false) throw cancelled();
  // One call: the samples are checked and resampled once for both the
  // classification and the mel image (`result.mel`).
  return core.classify(
    samples,
    sampleRate,
    (done, total) => {
      const fraction = total > 0 ? (share * done) / total : 0;
      if (progress(fraction, 'analyse') === false) return false;
      return !(columns > 0 && done === total && progress(share, 'mel') === false);
    },
    columns,
  );
}
