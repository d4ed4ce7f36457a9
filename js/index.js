// genre-classifier: music genre classification in the browser.
// Decoding uses Web Audio on the calling thread; analysis runs in the
// WebAssembly core, in a module Web Worker unless `worker: false`.

import { GenreError, asGenreError, cancelled } from './errors.js';
import { decodeToMono } from './decode.js';

export { GenreError } from './errors.js';

/** The genres of the model, in model order. */
export const GENRES = Object.freeze([
  'blues', 'classical', 'country', 'disco', 'hiphop',
  'jazz', 'metal', 'pop', 'reggae', 'rock',
]);

/** Share of the progress bar given to decoding in classifyFile. */
const DECODE_SHARE = 0.1;

/** Creates a classifier; resolves once the WebAssembly module is loaded. */
export async function createClassifier({ worker = true, wasmUrl } = {}) {
  const url = resolveUrl(wasmUrl);
  const backend = worker ? new WorkerBackend(url) : new LocalBackend(url);
  try {
    await backend.request({ op: 'load' }, [], {});
  } catch (err) {
    backend.terminate();
    throw asGenreError(err);
  }
  return new Classifier(backend);
}

let shared = null;

/** Classifies an audio file with a shared classifier created on first use. */
export async function classifyFile(input, options) {
  if (!shared) {
    shared = createClassifier();
    shared.catch(() => {
      shared = null;
    });
  }
  return (await shared).classifyFile(input, options);
}

/** A loaded classifier. Requests run one at a time, in call order. */
class Classifier {
  #backend;

  constructor(backend) {
    this.#backend = backend;
  }

  /** Decodes and classifies a File, Blob or ArrayBuffer of encoded audio. */
  async classifyFile(input, options = {}) {
    const { onProgress, signal } = options;
    try {
      if (signal && signal.aborted) throw cancelled();
      report(onProgress, 0, 'decode');
      const { samples, sampleRate } = await decodeToMono(await encodedBytes(input));
      if (signal && signal.aborted) throw cancelled();
      const scaled = (f, stage) => report(onProgress, DECODE_SHARE + (1 - DECODE_SHARE) * f, stage);
      return await this.#classify(samples, sampleRate, { ...options, onProgress: scaled });
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /** Classifies mono samples at `sampleRate` Hz (the array is copied, not detached). */
  async classifySamples(samples, sampleRate, options = {}) {
    try {
      const copy = checkedSamples(samples, sampleRate).slice();
      return await this.#classify(copy, sampleRate, options);
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /** The 498-float feature vector of mono samples at `sampleRate` Hz. */
  async features(samples, sampleRate) {
    try {
      const copy = checkedSamples(samples, sampleRate).slice();
      return await this.#backend.request({ op: 'features', samples: copy, sampleRate }, [copy.buffer], {});
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /** Stops the worker; later requests reject. */
  terminate() {
    this.#backend.terminate();
  }

  async #classify(samples, sampleRate, { onProgress, signal, melColumns = 0 }) {
    const request = { op: 'classify', samples, sampleRate, melColumns };
    const result = await this.#backend.request(request, [samples.buffer], { onProgress, signal });
    report(onProgress, 1, 'done');
    return result;
  }
}

function report(onProgress, fraction, stage) {
  if (typeof onProgress === 'function') onProgress(fraction, stage);
}

function checkedSamples(samples, sampleRate) {
  if (typeof sampleRate !== 'number') {
    throw new GenreError('sample-rate', `the sample rate must be a number of Hz, got ${typeof sampleRate}`);
  }
  if (samples instanceof Float32Array) return samples;
  if (Array.isArray(samples) || ArrayBuffer.isView(samples)) return Float32Array.from(samples);
  throw new GenreError('empty', 'no samples were given: expected a Float32Array of mono samples');
}

async function encodedBytes(input) {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return input.arrayBuffer();
  // The decoder detaches what it is given: work on a copy.
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) {
    return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength);
  }
  throw new GenreError('decode', 'expected a File, Blob or ArrayBuffer of encoded audio');
}

function resolveUrl(url) {
  if (url === undefined || url === null) return undefined;
  const base = globalThis.location ? globalThis.location.href : undefined;
  return String(new URL(String(url), base));
}

/** Runs requests in a module Web Worker; cancelling restarts the worker. */
class WorkerBackend {
  constructor(wasmUrl) {
    this.wasmUrl = wasmUrl;
    this.worker = null;
    this.queue = Promise.resolve();
    this.nextId = 1;
    this.closed = false;
  }

  request(req, transfer, options) {
    const job = this.queue.then(() => this.#exec(req, transfer, options));
    this.queue = job.catch(() => {});
    return job;
  }

  #exec(req, transfer, { onProgress, signal }) {
    return new Promise((resolve, reject) => {
      if (this.closed) throw new GenreError('internal', 'the classifier was terminated');
      if (signal && signal.aborted) throw cancelled();
      if (!this.worker) {
        this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      }
      const worker = this.worker;
      const id = this.nextId++;
      const done = () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        if (signal) signal.removeEventListener('abort', onAbort);
      };
      const onMessage = ({ data }) => {
        if (data.id !== id) return;
        if (data.type === 'progress') {
          report(onProgress, data.fraction, data.stage);
          return;
        }
        done();
        if (data.type === 'result') {
          resolve(data.value);
        } else {
          if (data.broken) this.#restart();
          reject(new GenreError(data.error.code, data.error.message));
        }
      };
      const onError = (event) => {
        done();
        this.#restart();
        if (event.preventDefault) event.preventDefault();
        reject(new GenreError('internal', `the worker failed: ${event.message || 'it could not start'}`));
      };
      const onAbort = () => {
        done();
        this.#restart();
        reject(cancelled());
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, wasmUrl: this.wasmUrl, ...req }, transfer);
    });
  }

  #restart() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
  }

  terminate() {
    this.closed = true;
    this.#restart();
  }
}

/** Runs requests on the calling thread; cancellation is checked between windows. */
class LocalBackend {
  constructor(wasmUrl) {
    this.wasmUrl = wasmUrl;
    this.engine = null;
    this.closed = false;
  }

  async request(req, _transfer, { onProgress, signal }) {
    if (this.closed) throw new GenreError('internal', 'the classifier was terminated');
    if (signal && signal.aborted) throw cancelled();
    if (!this.engine) this.engine = import('./engine.js');
    const engine = await this.engine;
    const progress = (fraction, stage) => {
      report(onProgress, fraction, stage);
      return !(signal && signal.aborted);
    };
    return engine.run(req, progress, this.wasmUrl);
  }

  terminate() {
    this.closed = true;
  }
}
