// genre-classifier: music genre classification in the browser.
// Decoding uses Web Audio on the calling thread; analysis runs in the
// WebAssembly core, in a module Web Worker unless `worker: false`.

import { GenreError, asGenreError, cancelled } from './errors.js';
import { decodeToMono } from './decode.js';

export { GenreError } from './errors.js';

// The exports are typed by index.d.ts (`@type` and `@implements` below), so
// that `npm run types` fails when the declarations and the code disagree.
/**
 * @import { Classifier as ClassifierApi, ClassifyOptions, ProgressStage } from './index.js'
 * @import { Progress, Replies, Request } from './engine.js'
 */

/**
 * Runs requests, one at a time: in a worker or on the calling thread.
 * @typedef {object} Backend
 * @property {<R extends Request>(req: R, transfer: Transferable[], options: RequestOptions) => Promise<Replies[R['op']]>} request
 * @property {() => void} terminate
 */

/** @typedef {Pick<ClassifyOptions, 'onProgress' | 'signal'>} RequestOptions */

/**
 * The genres of the model, in model order.
 * @type {typeof import('./index.js').GENRES}
 */
export const GENRES = Object.freeze([
  'blues', 'classical', 'country', 'disco', 'hiphop',
  'jazz', 'metal', 'pop', 'reggae', 'rock',
]);

/** Share of the progress bar given to decoding in classifyFile. */
const DECODE_SHARE = 0.1;

/**
 * Creates a classifier; resolves once the WebAssembly module is loaded.
 * @type {typeof import('./index.js').createClassifier}
 */
export async function createClassifier({ worker = true, wasmUrl } = {}) {
  const url = resolveUrl(wasmUrl);
  /** @type {Backend} */
  const backend = worker ? new WorkerBackend(url) : new LocalBackend(url);
  try {
    await backend.request({ op: 'load' }, [], {});
  } catch (err) {
    backend.terminate();
    throw asGenreError(err);
  }
  return new Classifier(backend);
}

/** @type {Promise<ClassifierApi> | null} */
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
 * A loaded classifier. Requests run one at a time, in call order.
 * @implements {ClassifierApi}
 */
class Classifier {
  /** @type {Backend} */
  #backend;

  /** @param {Backend} backend */
  constructor(backend) {
    this.#backend = backend;
  }

  /**
   * Decodes and classifies a File, Blob or ArrayBuffer of encoded audio.
   * @type {ClassifierApi['classifyFile']}
   */
  async classifyFile(input, options = {}) {
    const { onProgress, signal } = options;
    try {
      if (signal && signal.aborted) throw cancelled();
      report(onProgress, 0, 'decode');
      const { samples, sampleRate } = await decodeToMono(await encodedBytes(input));
      if (signal && signal.aborted) throw cancelled();
      /** @type {(f: number, stage: ProgressStage) => void} */
      const scaled = (f, stage) => report(onProgress, DECODE_SHARE + (1 - DECODE_SHARE) * f, stage);
      return await this.#classify(samples, sampleRate, { ...options, onProgress: scaled });
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /**
   * Classifies mono samples at `sampleRate` Hz (the array is copied, not detached).
   * @type {ClassifierApi['classifySamples']}
   */
  async classifySamples(samples, sampleRate, options = {}) {
    try {
      const copy = checkedSamples(samples, sampleRate).slice();
      return await this.#classify(copy, sampleRate, options);
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /**
   * The 498-float feature vector of mono samples at `sampleRate` Hz.
   * @type {ClassifierApi['features']}
   */
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

  /**
   * @param {Float32Array} samples
   * @param {number} sampleRate
   * @param {ClassifyOptions} options
   */
  async #classify(samples, sampleRate, { onProgress, signal, melColumns = 0 }) {
    /** @satisfies {Request} */
    const request = { op: 'classify', samples, sampleRate, melColumns };
    const result = await this.#backend.request(request, [samples.buffer], { onProgress, signal });
    report(onProgress, 1, 'done');
    return result;
  }
}

/**
 * @param {ClassifyOptions['onProgress']} onProgress
 * @param {number} fraction
 * @param {ProgressStage} stage
 */
function report(onProgress, fraction, stage) {
  if (typeof onProgress === 'function') onProgress(fraction, stage);
}

/**
 * The samples as a Float32Array (JavaScript callers may pass any array).
 * @param {unknown} samples
 * @param {unknown} sampleRate
 * @returns {Float32Array}
 */
function checkedSamples(samples, sampleRate) {
  if (typeof sampleRate !== 'number') {
    throw new GenreError('sample-rate', `the sample rate must be a number of Hz, got ${typeof sampleRate}`);
  }
  if (samples instanceof Float32Array) return samples;
  if (Array.isArray(samples) || ArrayBuffer.isView(samples)) {
    return Float32Array.from(/** @type {ArrayLike<number>} */ (samples));
  }
  throw new GenreError('empty', 'no samples were given: expected a Float32Array of mono samples');
}

/**
 * @param {unknown} input
 * @returns {Promise<ArrayBuffer>}
 */
async function encodedBytes(input) {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return input.arrayBuffer();
  // The decoder detaches what it is given: work on a copy.
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) {
    // (Copied through a Uint8Array: a view may be of a SharedArrayBuffer.)
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice().buffer;
  }
  throw new GenreError('decode', 'expected a File, Blob or ArrayBuffer of encoded audio');
}

/**
 * @param {string | URL | null | undefined} url
 * @returns {string | undefined}
 */
function resolveUrl(url) {
  if (url === undefined || url === null) return undefined;
  const base = globalThis.location ? globalThis.location.href : undefined;
  return String(new URL(String(url), base));
}

/**
 * Runs requests in a module Web Worker; cancelling restarts the worker.
 * @implements {Backend}
 */
class WorkerBackend {
  /** @param {string | undefined} wasmUrl */
  constructor(wasmUrl) {
    this.wasmUrl = wasmUrl;
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    this.nextId = 1;
    this.closed = false;
  }

  /**
   * @template {Request} R
   * @param {R} req
   * @param {Transferable[]} transfer
   * @param {RequestOptions} options
   * @returns {Promise<Replies[R['op']]>}
   */
  request(req, transfer, options) {
    const job = this.queue.then(() => this.#exec(req, transfer, options));
    this.queue = job.catch(() => {});
    return job;
  }

  /**
   * @template {Request} R
   * @param {R} req
   * @param {Transferable[]} transfer
   * @param {RequestOptions} options
   * @returns {Promise<Replies[R['op']]>}
   */
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
      /** @param {MessageEvent} event */
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
      /** @param {ErrorEvent} event */
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

/**
 * Runs requests on the calling thread; cancellation is checked between windows.
 * @implements {Backend}
 */
class LocalBackend {
  /** @param {string | undefined} wasmUrl */
  constructor(wasmUrl) {
    this.wasmUrl = wasmUrl;
    /** @type {Promise<typeof import('./engine.js')> | null} */
    this.engine = null;
    this.closed = false;
  }

  /**
   * @template {Request} R
   * @param {R} req
   * @param {Transferable[]} _transfer
   * @param {RequestOptions} options
   * @returns {Promise<Replies[R['op']]>}
   */
  async request(req, _transfer, { onProgress, signal }) {
    if (this.closed) throw new GenreError('internal', 'the classifier was terminated');
    if (signal && signal.aborted) throw cancelled();
    if (!this.engine) this.engine = import('./engine.js');
    const engine = await this.engine;
    /** @type {Progress} */
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
