// Module worker: runs the WebAssembly core off the main thread. The source of
// js/worker.js, which scripts/build.mjs bundles from this file (with the
// engine and the glue) into one file without imports.
// Messages in:  { id, op, wasmUrl, ...request } (see engine.js's Request; "file"
//               is answered here, by js/stream.js; `model`: a personal model's bytes)
// Messages out: { id, type: "progress", fraction, stage }
//               { id, type: "result", value, memory, timings } (timings: js/stream.js's lastTimings, for "file")
//               { id, type: "error", error: { code, message, reason? }, broken, memory }
// `memory`: bytes of WebAssembly memory this worker holds (both modules), which
// never shrinks: the main thread replaces a worker that holds too much.

import { run, isBroken, classifierMemory, modelOf } from './engine.js';
import { serializeError } from './errors.js';
import { classifyStream, decoderMemory, fileSource, isDecoderBroken, lastTimings } from './stream.js';

/** @import { Replies, Progress } from './engine.js' */

self.onmessage = async (event) => {
  const { id, wasmUrl, ...request } = event.data;
  /** @type {Progress} */
  const progress = (fraction, stage) => {
    self.postMessage({ id, type: 'progress', fraction, stage });
    return true;
  };
  try {
    /** @type {any} */
    let value;
    if (request.op === 'file') {
      // (Throws when a trap has made the module unusable.)
      await run({ op: 'load', model: request.model }, progress, wasmUrl);
      value = await classifyStream({ ...request, model: modelOf(request.model), source: fileSource(request.file) }, progress);
    } else {
      value = await run(request, progress, wasmUrl);
    }
    const timings = request.op === 'file' ? lastTimings : null;
    self.postMessage({ id, type: 'result', value, memory: await memory(), timings }, transferables(value));
    if (request.op === 'load') setTimeout(warmUp);
  } catch (err) {
    const broken = isBroken() || isDecoderBroken();
    self.postMessage({ id, type: 'error', error: serializeError(err), broken, memory: await memory() });
  }
};

let warm = false;

/**
 * Once, after the module is loaded and the main thread answered: a few
 * seconds of a synthetic signal through the streamed analysis (ClassifierStream,
 * with a mel image), so that the engine compiles the hot code with its
 * optimising tier now, while the page waits for a file, rather than during
 * the first file (browsers start WebAssembly in a baseline tier and optimise
 * what runs often). A request that arrives meanwhile waits for it (tens of ms).
 */
function warmUp() {
  if (warm) return;
  warm = true;
  try {
    const rate = 44100;
    const x = new Float32Array(rate * 4);
    for (let i = 0; i < x.length; i++) {
      const t = i / rate;
      x[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 331 * t) * Math.exp(-(t % 0.5) * 6);
    }
    run({ op: 'open', sampleRate: rate, length: x.length, melColumns: 64 }, () => true)
      .then(() => run({ op: 'push', channels: [x] }, () => true))
      .then(() => run({ op: 'end' }, () => true))
      .catch(() => {});
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
