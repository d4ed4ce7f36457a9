// Module worker of trainModel: runs the teach module off the main thread.
// The source of js/teach-worker.js, which scripts/build.mjs bundles from
// this file (with the teach engine and the glue) into one file without imports.
// Message in:   { wasmUrl, request }   (one per worker: a worker trains once)
// Messages out: { type: "progress", progress } | { type: "result", value }
//               | { type: "error", error: { code, message } }

import { runTraining } from './teach-engine.js';
import { serializeError } from './errors.js';

self.onmessage = async (event) => {
  const { wasmUrl, request } = event.data;
  try {
    const value = await runTraining(request, (progress) => {
      self.postMessage({ type: 'progress', progress });
      return true;
    }, wasmUrl);
    self.postMessage({ type: 'result', value }, [value.bytes.buffer, value.lossCurve.buffer]);
  } catch (err) {
    self.postMessage({ type: 'error', error: serializeError(err) });
  }
};
