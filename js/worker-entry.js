// Module worker: runs the WebAssembly core off the main thread. The source of
// js/worker.js, which scripts/build.mjs bundles from this file (with the
// engine and the glue) into one file without imports.
// Messages in:  { id, op, wasmUrl, ...request } (see engine.js's Request; "file"
//               is answered here, by js/stream.js, and "follow" by js/share.js;
//               `model`: a personal model's bytes)
//               { op: "abandon" | "unfollow", token, error? }: no answer (js/share.js)
// Messages out: { id, type: "progress", fraction, stage }
//               { id, type: "result", value, memory, timings } (timings: js/stream.js's lastTimings, for "file")
//               { id, type: "error", error: { code, message, reason? }, broken, memory }
// `memory`: bytes of WebAssembly memory this worker holds (both modules), which
// never shrinks: the main thread replaces a worker that holds too much.

import { run, isBroken, classifierMemory, modelOf } from './engine.js';
import { serializeError } from './errors.js';
import { classifyStream, decoderMemory, fileSource, isDecoderBroken, lastTimings, preloadDecoder, warmUp } from './stream.js';
import { abandonShared, follow, isFollowerBroken, unfollow } from './share.js';

/** @import { Replies, Progress } from './engine.js' */

self.onmessage = async (event) => {
  const { id, wasmUrl, ...request } = event.data;
  // Notices about a shared file (js/share.js), not requests: no answer.
  if (request.op === 'abandon') return abandonShared(request.token, request.error);
  if (request.op === 'unfollow') return unfollow(request.token);
  /** @type {Progress} */
  const progress = (fraction, stage) => {
    self.postMessage({ id, type: 'progress', fraction, stage });
    return true;
  };
  busy += 1;
  try {
    /** @type {any} */
    let value;
    if (request.op === 'file') {
      // (Throws when a trap has made the module unusable.)
      await run({ op: 'load', model: request.model }, progress, wasmUrl);
      value = await classifyStream({ ...request, model: modelOf(request.model), source: fileSource(request.file) }, progress);
    } else if (request.op === 'follow') {
      await run({ op: 'load', model: request.model }, progress, wasmUrl);
      value = await follow({ ...request, model: modelOf(request.model) });
    } else {
      value = await run(request, progress, wasmUrl);
    }
    const timings = request.op === 'file' ? lastTimings : null;
    self.postMessage({ id, type: 'result', value, memory: await memory(), timings }, transferables(value));
    if (request.op === 'load') setTimeout(() => warmUpOnce(request.decoderUrl));
  } catch (err) {
    const broken = isBroken() || isDecoderBroken() || isFollowerBroken();
    self.postMessage({ id, type: 'error', error: serializeError(err), broken, memory: await memory() });
  } finally {
    busy -= 1;
  }
};

let warm = false;
/** Requests being answered (the warm-up gives way to them). */
let busy = 0;

/**
 * Once, after the module is loaded and the main thread answered: the warm-up
 * (js/stream.js), while the page waits for a file, then the decoder module
 * if the browser holds it already (preloadDecoder).
 * @param {string | undefined} decoderUrl
 */
async function warmUpOnce(decoderUrl) {
  if (warm) return;
  warm = true;
  try {
    await warmUp(() => busy > 0);
    await preloadDecoder(decoderUrl);
  } catch {
    // Only a head start: never an error.
  }
}

/** Bytes of WebAssembly memory of both modules. */
async function memory() {
  return classifierMemory() + (await decoderMemory());
}

/**
 * @param {Replies[keyof Replies]} value
 * @returns {Transferable[]}
 */
function transferables(value) {
  if (value instanceof Float32Array) return [value.buffer];
  if (value && 'features' in value && value.features instanceof Float32Array) return [value.features.buffer];
  if (value && 'mel' in value && value.mel && value.mel.db instanceof Float32Array) return [value.mel.db.buffer];
  return [];
}
