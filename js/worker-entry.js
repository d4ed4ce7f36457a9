// Module worker: runs the WebAssembly core off the main thread. The source of
// js/worker.js, which scripts/build.mjs bundles from this file (with the
// engine and the glue) into one file without imports.
// Messages in:  { id, op, wasmUrl, ...request } (see engine.js's Request; "file"
//               is answered here, by js/stream.js)
// Messages out: { id, type: "progress", fraction, stage }
//               { id, type: "result", value, memory, timings } (timings: js/stream.js's lastTimings, for "file")
//               { id, type: "error", error: { code, message, reason? }, broken, memory }
// `memory`: bytes of WebAssembly memory this worker holds (both modules), which
// never shrinks: the main thread replaces a worker that holds too much.

import { run, isBroken, classifierMemory } from './engine.js';
import { serializeError } from './errors.js';
import { classifyStream, decoderMemory, isDecoderBroken, lastTimings } from './stream.js';

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
      await run({ op: 'load' }, progress, wasmUrl);
      value = await classifyStream(request, progress);
    } else {
      value = await run(request, progress, wasmUrl);
    }
    const timings = request.op === 'file' ? lastTimings : null;
    self.postMessage({ id, type: 'result', value, memory: await memory(), timings }, transferables(value));
  } catch (err) {
    const broken = isBroken() || isDecoderBroken();
    self.postMessage({ id, type: 'error', error: serializeError(err), broken, memory: await memory() });
  }
};

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
  if (value && 'mel' in value && value.mel && value.mel.db instanceof Float32Array) return [value.mel.db.buffer];
  return [];
}
