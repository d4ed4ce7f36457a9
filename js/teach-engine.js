// Runs the teach WebAssembly module (pkg/teach/: personal models): loads it
// once and trains. Used inside the teach worker (js/teach-worker.js, bundled
// from js/teach-worker-entry.js) and, where there are no workers (Node.js),
// on the calling thread.

import init, * as teach from '../pkg/teach/genre_teach.js';
import { GenreError, asGenreError } from './errors.js';

/**
 * @import { TrainEstimate, TrainProgress, LabelCount, TrainMode } from './index.js'
 * @import { InitOutput } from '../pkg/teach/genre_teach.js'
 */

/**
 * What the teach module trains on: labels, each song's label index and
 * window count, the windows' features song after song (498 each).
 * @typedef {{ labels: string[], songLabels: Uint32Array, songWindows: Uint32Array, features: Float32Array, seed: number, mode: string }} TeachRequest
 */

/**
 * What it returns.
 * @typedef {{ bytes: Uint8Array, labels: string[], mode: TrainMode, estimate: TrainEstimate, lossCurve: Float32Array, counts: LabelCount[] }} TeachReply
 */

/** @type {Promise<InitOutput> | null} */
let loading = null;
let broken = false;

/**
 * Loads the teach module (once).
 * @param {string | URL | BufferSource} source Its URL or its bytes.
 */
export function load(source) {
  if (!loading) {
    loading = init({ module_or_path: source }).catch((err) => {
      loading = null;
      const where = typeof source === 'string' || source instanceof URL ? ` from ${source}` : '';
      throw new GenreError('model', `could not load the teach module${where}: ${err && err.message ? err.message : String(err)}`);
    });
  }
  return loading;
}

/**
 * Trains a personal model; `progress` returning false cancels.
 * @param {TeachRequest} request
 * @param {(p: TrainProgress) => boolean} progress
 * @param {string | URL | BufferSource} source The teach module: its URL or bytes.
 * @returns {Promise<TeachReply>}
 */
export async function runTraining(request, progress, source) {
  if (broken) throw new GenreError('internal', 'the teach module failed earlier and must be reloaded');
  await load(source);
  try {
    const { labels, songLabels, songWindows, features, seed, mode } = request;
    if (typeof seed !== 'number') throw new GenreError('training', `the seed must be a number, got ${typeof seed}`);
    if (typeof mode !== 'string') throw new GenreError('training', `the mode must be "frozen" or "fine-tune", got ${typeof mode}`);
    return teach.train(labels, songLabels, songWindows, features, seed, mode, (/** @type {TrainProgress} */ p) => progress(p));
  } catch (err) {
    if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) broken = true;
    throw asGenreError(err);
  }
}
