// Module worker: runs the WebAssembly core off the main thread. The source of
// js/worker.js, which scripts/build.mjs bundles from this file (with the
// engine and the glue) into one file without imports.
// Messages in:  { id, op, samples, sampleRate, melColumns, model, wasmUrl }
// Messages out: { id, type: "progress", fraction, stage }
//               { id, type: "result", value } | { id, type: "error", error: { code, message } }

import { run, isBroken } from './engine.js';
import { serializeError } from './errors.js';

/** @import { Replies } from './engine.js' */

self.onmessage = async (event) => {
  const { id, wasmUrl, ...request } = event.data;
  try {
    const value = await run(
      request,
      (fraction, stage) => {
        self.postMessage({ id, type: 'progress', fraction, stage });
        return true;
      },
      wasmUrl,
    );
    self.postMessage({ id, type: 'result', value }, transferables(value));
  } catch (err) {
    self.postMessage({ id, type: 'error', error: serializeError(err), broken: isBroken() });
  }
};

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
