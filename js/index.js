// genre-classifier: music genre classification in the browser.
// In a worker, a File or Blob of WAV, FLAC, MP3 or Ogg Vorbis is decoded
// and classified there as a stream (js/stream.js: the decoder module, then
// the core, piece by piece, in bounded memory); other files are decoded by
// Web Audio on the calling thread (up to FALLBACK_MAX_SECONDS) and handed to
// the worker in pieces, mixed to mono there. With `worker: false`, all of it
// runs on the calling thread (a streamed file from its bytes in memory).
// Node.js loads js/node.js instead (the `node` condition of package.json's
// exports), which runs this module with its own platform (see Platform).

import { GenreError, asGenreError, cancelled, readError, serializeError } from './errors.js';
import { decodeToBuffer, decodeToMono, downmix } from './decode.js';
import { defaultWasmUrl } from '../pkg/genre_classifier.js';

export { GenreError } from './errors.js';

// The exports are typed by index.d.ts (`@type` and `@implements` below), so
// that `npm run types` fails when the declarations and the code disagree.
/**
 * @import { BatchOptions, Classifier as ClassifierOf, ClassifierOptions, ClassifyOptions, FileOutcome, ProgressStage, WindowFeaturesInput } from './index.js'
 * @import { ModelRef, Progress, Replies, Request } from './engine.js'
 * @import { Platform } from './decode.js'
 * @import { TeachRuntime } from './teach.js'
 */

/**
 * The classifier as implemented: its labels are the embedded model's genres
 * or a personal model's (index.d.ts narrows them to Genre without a model).
 * @typedef {ClassifierOf<string>} ClassifierApi
 */

/**
 * Where requests run, one at a time: a worker or the calling thread.
 * @typedef {object} Slot
 * @property {<R extends Request>(req: R, transfer: Transferable[], options: RequestOptions) => Promise<Replies[R['op']]>} request
 * @property {boolean} warm Whether it is started (a request pays no start-up).
 * @property {() => void} terminate
 */

/** @typedef {Pick<ClassifyOptions, 'onProgress' | 'signal'>} RequestOptions */

/** The options key under which js/node.js passes its Platform. */
const PLATFORM = Symbol.for('genre-classifier.platform');

/** @type {Platform} */
const BROWSER = {
  name: 'this browser',
  decode: async (input) => decodeToMono(await encodedBytes(input)),
  wasmSource: async (url) => url,
  baseUrl: () => (globalThis.location ? globalThis.location.href : undefined),
  hasWorkers: () => typeof Worker !== 'undefined',
};

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
 * Longest file decoded by the browser's own decoder (formats the decoder
 * module does not read: AAC/M4A, Opus, ...), in seconds: it decodes whole
 * files into memory (about 0.35 GB per 30 minutes of 48 kHz stereo).
 */
const FALLBACK_MAX_SECONDS = 30 * 60;
/** Largest file handed to the browser's own decoder, in bytes. */
const FALLBACK_MAX_BYTES = 256 * 1024 * 1024;
/** Samples per channel handed to the worker at a time in that case (each copy a few ms). */
const FALLBACK_PIECE = 1 << 18;
/**
 * A worker whose WebAssembly memory (which never shrinks) has grown past
 * this after a request is replaced by a fresh one (the streamed path stays
 * far below it; whole-sample requests of long clips do not).
 */
const MEMORY_LIMIT = 64 * 1024 * 1024;


/** The pool size by default: up to 4 workers, one per core. */
const MAX_DEFAULT_WORKERS = 4;

/**
 * Creates a classifier; resolves once the WebAssembly module is loaded.
 * @type {(options?: ClassifierOptions) => Promise<ClassifierApi>}
 */
export async function createClassifier(options = {}) {
  /** @type {Platform} */
  const platform = /** @type {any} */ (options)[PLATFORM] || BROWSER;
  /** @type {Pool | null} */
  let pool = null;
  try {
    const workers = poolSize(options, platform);
    const base = platform.baseUrl();
    const wasmUrl = options.wasmUrl == null ? String(defaultWasmUrl()) : resolveUrl(options.wasmUrl, base, 'wasmUrl');
    const workerUrl = options.workerUrl == null ? undefined : resolveUrl(options.workerUrl, base, 'workerUrl');
    /** @type {Slot[]} */
    const slots = workers === 0
      ? [new LocalSlot(wasmUrl, platform)]
      : Array.from({ length: workers }, () => new WorkerSlot(workerUrl, wasmUrl));
    const model = modelRef(options.model);
    pool = new Pool(slots, workers);
    // The decoder module lies in decoder/ beside the classifier's module.
    const decoderUrl = options.decoderUrl != null
      ? resolveUrl(options.decoderUrl, base, 'decoderUrl')
      : platform === BROWSER ? resolveUrl('decoder/genre_decoder.js', wasmUrl, 'decoderUrl') : '';
    // One worker loads the module (and the model) now, the others in the
    // background (so that the first file can be shared among them). Only
    // the first preloads the decoder module: it leads the first file (the
    // pool hands out the worker freed last).
    const { genres } = await pool.with(loadJob(decoderUrl, model), undefined);
    pool.startIdle(loadJob('', model));
    return new Classifier(pool, platform, decoderUrl, model, genres);
  } catch (err) {
    if (pool) pool.terminate();
    throw asGenreError(err);
  }
}

/**
 * Starts a worker: loads the module and the model (then, in the worker's
 * spare time, the decoder module from `decoderUrl` if the browser holds it
 * already; '' for none).
 * @param {string} decoderUrl
 * @param {ModelRef | null} model
 * @returns {(slot: Slot) => Promise<Replies['load']>}
 */
function loadJob(decoderUrl, model) {
  return (slot) => slot.request({ op: 'load', decoderUrl: decoderUrl || undefined, ...(model ? { model } : {}) }, [], {});
}

/** Numbers the models given as bytes: each classifier's is its own. */
let modelCount = 0;

/**
 * The model bytes of `options.model` as a reference the engine keeps, or
 * null for the embedded model.
 * @param {unknown} bytes
 * @returns {ModelRef | null}
 */
function modelRef(bytes) {
  if (bytes == null) return null;
  /** @type {Uint8Array} */
  let copy;
  if (bytes instanceof ArrayBuffer) copy = new Uint8Array(bytes.slice(0));
  else if (ArrayBuffer.isView(bytes)) copy = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  else {
    throw new GenreError('model', `options.model must be the bytes of an exported model (an ArrayBuffer or Uint8Array, as trainModel returns), got ${typeof bytes}`);
  }
  if (copy.length === 0) throw new GenreError('model', 'options.model is empty: expected the bytes of an exported model');
  modelCount += 1;
  return { key: `model-${modelCount}-${Math.random().toString(36).slice(2)}`, bytes: copy };
}

/** @type {TeachRuntime} */
const BROWSER_TEACH = {
  createClassifier: (options) => createClassifier(options),
  localEngine: null,
  teachWasm: (url) => url,
  hasWorkers: () => typeof Worker !== 'undefined',
  teachWorker: () => new Worker(new URL('./teach-worker.js', import.meta.url), { type: 'module' }),
  teachWasmUrl: () => new URL('../pkg/teach/genre_teach_bg.wasm', import.meta.url),
};

/**
 * Trains a personal model on labelled songs (in a worker, with the teach
 * module loaded on first use).
 * @type {typeof import('./index.js').trainModel}
 */
export async function trainModel(examples, options) {
  // Loaded on first use: a visitor who only classifies never fetches it.
  const { trainWith } = await import('./teach.js');
  return trainWith(BROWSER_TEACH, examples, options);
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
  // The shared classifier has the embedded model: its labels are GENRES.
  return /** @type {Promise<import('./index.js').Classification>} */ ((await shared).classifyFile(input, options));
}

/**
 * How many workers: 0 runs on the calling thread.
 * @param {ClassifierOptions} options
 * @param {Platform} platform
 */
function poolSize({ worker, workers }, platform) {
  if (worker === false) return 0;
  if (workers != null && !(Number.isInteger(workers) && workers >= 0)) {
    throw new GenreError('internal', `workers must be a whole number, 0 or more (0: the calling thread), got ${workers}`);
  }
  if (!platform.hasWorkers()) {
    if (worker === true || (workers != null && workers > 0)) {
      throw new GenreError('internal', `${platform.name} has no module Web Workers: leave \`worker\` and \`workers\` unset, or pass worker: false, to run on the calling thread`);
    }
    return 0;
  }
  if (workers != null) return workers;
  const cores = (globalThis.navigator && globalThis.navigator.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(cores, MAX_DEFAULT_WORKERS));
}

/**
 * A loaded classifier. Requests start in call order, each on the first free
 * worker (with one worker, or on the calling thread, one at a time).
 * @implements {ClassifierApi}
 */
class Classifier {
  /** @type {Pool} */
  #pool;
  /** @type {Platform} */
  #platform;
  /** @type {string} */
  #decoderUrl;
  /** @type {ModelRef | null} */
  #model;
  /** @type {readonly string[]} */
  #genres;

  /**
   * @param {Pool} pool
   * @param {Platform} platform
   * @param {string} decoderUrl
   * @param {ModelRef | null} model The model given as bytes; null: the embedded one.
   * @param {string[]} genres The model's labels.
   */
  constructor(pool, platform, decoderUrl, model, genres) {
    this.#pool = pool;
    this.#platform = platform;
    this.#decoderUrl = decoderUrl;
    this.#model = model;
    this.#genres = Object.freeze([...genres]);
  }

  /** The model's labels (the genres, or a personal model's), in model order. */
  get genres() {
    return this.#genres;
  }

  /** The number of workers in the pool; 0 when it runs on the calling thread. */
  get workers() {
    return this.#pool.workers;
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
      // Decoded only once a worker is free: one decoded file per worker at most.
      return await this.#pool.with((slot) => this.#decodeAndClassify(slot, input, options), signal);
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /**
   * Classifies files on every worker of the pool; the outcomes are in input order.
   * @type {ClassifierApi['classifyFiles']}
   */
  async classifyFiles(files, options = {}) {
    const { onResult, onProgress, signal, melColumns } = options;
    try {
      const list = Array.from(files);
      if (signal && signal.aborted) throw cancelled();
      const total = list.length;
      /** @type {FileOutcome<string>[]} */
      const outcomes = new Array(total);
      let next = 0;
      let done = 0;
      const aborted = () => Boolean(signal && signal.aborted);
      // One lane per worker: each takes the next file once it holds a free
      // worker, and only then reads and decodes it.
      const lane = async () => {
        while (next < total && !aborted()) {
          const slot = await this.#pool.acquire(signal);
          try {
            if (next >= total || aborted()) return;
            const index = next++;
            /** @type {FileOutcome<string>} */
            let outcome;
            try {
              const value = await this.#decodeAndClassify(slot, list[index], { signal, melColumns, split: false });
              outcome = { status: 'fulfilled', value };
            } catch (err) {
              const reason = asGenreError(err);
              if (reason.code === 'cancelled' && aborted()) return;
              outcome = { status: 'rejected', reason };
            }
            outcomes[index] = outcome;
            done += 1;
            callBack(() => onResult && onResult(index, outcome));
            callBack(() => onProgress && onProgress(done, total));
          } finally {
            this.#pool.release(slot);
          }
        }
      };
      const lanes = Math.min(this.#pool.size, total);
      await Promise.all(Array.from({ length: lanes }, lane));
      if (aborted()) throw cancelled();
      return outcomes;
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
      return await this.#pool.with((slot) => this.#classify(slot, copy, sampleRate, options), options.signal);
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
      return await this.#pool.with(
        (slot) => slot.request({ op: 'features', samples: copy, sampleRate }, [copy.buffer], {}),
        undefined,
      );
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /**
   * The features of each analysis window of a file or of mono samples, for
   * trainModel (the windows classification uses, at the model's window and hop).
   * @type {ClassifierApi['windowFeatures']}
   */
  async windowFeatures(input, options = {}) {
    const { onProgress, signal } = options;
    try {
      if (signal && signal.aborted) throw cancelled();
      const given = samplesInput(input);
      const copy = given ? checkedSamples(given.samples, given.sampleRate).slice() : null;
      return await this.#pool.with(async (slot) => {
        const { samples, sampleRate } = given && copy ? { samples: copy, sampleRate: given.sampleRate } : await this.#platform.decode(input);
        if (signal && signal.aborted) throw cancelled();
        /** @type {Request} */
        const request = { op: 'windowFeatures', samples, sampleRate, ...this.#modelField() };
        const out = await slot.request(request, [samples.buffer], { onProgress, signal });
        report(onProgress, 1, 'done');
        return /** @type {Replies['windowFeatures']} */ (out);
      }, signal);
    } catch (err) {
      throw asGenreError(err);
    }
  }

  /** `{ model }` for requests when this classifier's model was given as bytes. */
  #modelField() {
    return this.#model ? { model: this.#model } : {};
  }

  /** Stops the workers; later requests reject. */
  terminate() {
    this.#pool.terminate();
  }

  /**
   * Gives back the memory of idle workers (WebAssembly memory never
   * shrinks, and a worker's JavaScript heap keeps what it read until it is
   * collected): each idle worker that has worked is replaced by a fresh one
   * (the first is started again at once, and warms up in the background).
   * @type {ClassifierApi['releaseMemory']}
   */
  async releaseMemory() {
    const fresh = this.#pool.recycleIdle();
    if (!fresh) return;
    await this.#pool.with(loadJob(this.#decoderUrl, this.#model), undefined).catch(() => {});
    this.#pool.startIdle(loadJob('', this.#model));
  }

  /**
   * @param {Slot} slot
   * @param {unknown} input
   * @param {ClassifyOptions} options
   */
  async #decodeAndClassify(slot, input, options) {
    if (this.#platform === BROWSER) return this.#streamFile(slot, input, options);
    const { samples, sampleRate, truncated } = await this.#platform.decode(input);
    if (options.signal && options.signal.aborted) throw cancelled();
    const { onProgress } = options;
    /** @type {(f: number, stage: ProgressStage) => void} */
    const scaled = (f, stage) => report(onProgress, DECODE_SHARE + (1 - DECODE_SHARE) * f, stage);
    const result = await this.#classify(slot, samples, sampleRate, { ...options, onProgress: scaled });
    // A decoder that reads a file cut short says so (Node.js's decoder module).
    if (truncated) result.truncated = true;
    return result;
  }

  /**
   * The file is decoded and classified as a stream: in a worker, read there
   * piece by piece; on the calling thread, from its bytes in memory (the
   * same decoder either way, so the same answer). A file the decoder module
   * does not read is decoded here by Web Audio and handed to the worker in
   * pieces (see #handOver), or classified here.
   * @param {Slot} slot
   * @param {unknown} input
   * @param {ClassifyOptions} options
   */
  async #streamFile(slot, input, options) {
    const { onProgress, signal, melColumns = 0, split = true } = options;
    const file = asBlob(input);
    // Idle started workers share the file's analysis (js/share.js).
    const followers = split && slot instanceof WorkerSlot ? this.#pool.takeIdle() : [];
    let streamed;
    try {
      streamed = followers.length > 0
        ? await this.#shareFile(/** @type {WorkerSlot} */ (slot), followers, file, options)
        : await slot.request(this.#fileRequest(file, options), [], { onProgress, signal });
    } finally {
      for (const f of followers) this.#pool.release(f);
    }
    if (!('fallback' in streamed)) {
      report(onProgress, 1, 'done');
      return streamed;
    }
    if (file.size > FALLBACK_MAX_BYTES) {
      throw new GenreError('decode', `this file is in a format only the browser's own decoder reads, which takes files up to ${FALLBACK_MAX_BYTES / 1024 / 1024} MB (this one: ${(file.size / 1024 / 1024).toFixed(0)} MB); convert it to FLAC, MP3, Ogg Vorbis or WAV, which are read at any length`);
    }
    const buffer = await decodeToBuffer(streamed.bytes ?? await readBlob(file));
    if (signal && signal.aborted) throw cancelled();
    if (buffer.duration > FALLBACK_MAX_SECONDS) {
      throw new GenreError('decode', `this file is in a format only the browser's own decoder reads, which takes up to ${FALLBACK_MAX_SECONDS / 60} minutes (this one: ${(buffer.duration / 60).toFixed(0)} minutes); convert it to FLAC, MP3, Ogg Vorbis or WAV, which are read at any length`);
    }
    report(onProgress, DECODE_SHARE, 'decode');
    if (!(slot instanceof WorkerSlot)) {
      const samples = downmix(buffer);
      /** @type {(f: number, stage: ProgressStage) => void} */
      const scaled = (f, stage) => report(onProgress, DECODE_SHARE + (1 - DECODE_SHARE) * f, stage);
      return this.#classify(slot, samples, buffer.sampleRate, { ...options, onProgress: scaled });
    }
    const result = await this.#handOver(slot, buffer, melColumns, options);
    report(onProgress, 1, 'done');
    return result;
  }

  /**
   * The "file" request for `file` (a worker decodes and classifies it).
   * @param {Blob} file
   * @param {ClassifyOptions} options
   * @returns {Request & { op: 'file' }}
   */
  #fileRequest(file, { melColumns = 0, maxSeconds }) {
    return { op: 'file', file, melColumns, decoderUrl: this.#decoderUrl, maxSeconds, ...this.#modelField() };
  }

  /**
   * A file decoded by `leader` and analysed by it and `followers` together
   * (js/share.js: the leader sends them the samples over MessagePorts, each
   * computes the windows dealt to it, the leader merges them); resolves
   * once every worker is done with it. A worker that fails stops the
   * others.
   * @param {WorkerSlot} leader
   * @param {WorkerSlot[]} followers
   * @param {Blob} file
   * @param {ClassifyOptions} options
   */
  async #shareFile(leader, followers, file, options) {
    const { onProgress, signal, melColumns = 0 } = options;
    const cycle = dealCycle(followers.length + 1);
    const token = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const channels = followers.map(() => new MessageChannel());
    let leading = true;
    const following = followers.map((slot, i) => {
      /** @type {Request} */
      const req = { op: 'follow', port: channels[i].port2, cycle, part: i + 1, melColumns: i === 0 ? melColumns : 0, token, ...this.#modelField() };
      return slot.request(req, [channels[i].port2], { signal }).catch((err) => {
        // The leader would wait for this worker's windows.
        if (leading) leader.notify({ op: 'abandon', token, error: serializeError(err) });
        throw err;
      });
    });
    // Handled from now on: a follower may fail before the leader answers.
    const followed = Promise.allSettled(following);
    const ports = channels.map((c) => c.port1);
    try {
      return await leader.request({ ...this.#fileRequest(file, options), share: { ports, cycle, token } }, ports, { onProgress, signal });
    } finally {
      leading = false;
      // Followers still waiting (the leader failed, or did not read the file) stop.
      for (const f of followers) f.notify({ op: 'unfollow', token });
      await followed;
    }
  }

  /**
   * Hands a decoded AudioBuffer to the worker a piece at a time (each piece
   * copied out of the buffer and transferred: no long task on this thread);
   * the worker mixes the channels and classifies as they come.
   * @param {WorkerSlot} slot
   * @param {AudioBuffer} buffer
   * @param {number} melColumns
   * @param {ClassifyOptions} options
   */
  async #handOver(slot, buffer, melColumns, { onProgress, signal }) {
    /** @type {(f: number, stage: ProgressStage) => void} */
    const scaled = (f, stage) => report(onProgress, DECODE_SHARE + (1 - DECODE_SHARE) * f, stage);
    const { sampleRate, length, numberOfChannels } = buffer;
    await slot.request({ op: 'open', sampleRate, length, melColumns, ...this.#modelField() }, [], { signal });
    for (let at = 0; at < length; at += FALLBACK_PIECE) {
      const n = Math.min(FALLBACK_PIECE, length - at);
      const channels = Array.from({ length: numberOfChannels }, (_, c) => {
        const piece = new Float32Array(n);
        buffer.copyFromChannel(piece, c, at);
        return piece;
      });
      await slot.request({ op: 'push', channels }, channels.map((c) => c.buffer), { onProgress: scaled, signal });
    }
    return slot.request({ op: 'end' }, [], { onProgress: scaled, signal });
  }

  /**
   * @param {Slot} slot
   * @param {Float32Array} samples
   * @param {number} sampleRate
   * @param {ClassifyOptions} options
   */
  async #classify(slot, samples, sampleRate, { onProgress, signal, melColumns = 0 }) {
    /** @type {Request} */
    const request = { op: 'classify', samples, sampleRate, melColumns, ...this.#modelField() };
    const result = /** @type {Replies['classify']} */ (await slot.request(request, [samples.buffer], { onProgress, signal }));
    report(onProgress, 1, 'done');
    return result;
  }
}

/**
 * Hands out free slots, first to the longest waiting, preferring the
 * started worker freed last; starts the others in the background
 * (startIdle) or when they are needed.
 */
class Pool {
  /**
   * @param {Slot[]} slots
   * @param {number} workers How many of the slots are workers (0: one calling-thread slot).
   */
  constructor(slots, workers) {
    this.slots = slots;
    this.workers = workers;
    /** @type {Slot[]} */
    this.idle = [...slots];
    /** @type {{ resolve: (slot: Slot) => void, reject: (err: unknown) => void, signal?: AbortSignal, onAbort: () => void }[]} */
    this.waiting = [];
    this.closed = false;
    /** How startIdle starts a worker (kept for workers replaced later). @type {((slot: Slot) => Promise<unknown>) | null} */
    this.starter = null;
  }

  get size() {
    return this.slots.length;
  }

  /**
   * The next free slot; aborting `signal` while waiting rejects with "cancelled".
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<Slot>}
   */
  acquire(signal) {
    if (this.closed) return Promise.reject(terminated());
    if (signal && signal.aborted) return Promise.reject(cancelled());
    if (this.idle.length > 0) {
      // The started worker freed last: the one that led the last file (see
      // #streamFile) has the decoder module loaded and its code optimised.
      let warm = this.idle.length - 1;
      while (warm > 0 && !this.idle[warm].warm) warm -= 1;
      return Promise.resolve(this.idle.splice(warm, 1)[0]);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiting = this.waiting.filter((w) => w !== waiter);
          reject(cancelled());
        },
      };
      if (signal) signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /**
   * Takes every idle started worker (when no request waits for one), for a
   * file they share; each is given back with `release`.
   * @returns {WorkerSlot[]}
   */
  takeIdle() {
    if (this.closed || this.waiting.length > 0) return [];
    const taken = /** @type {WorkerSlot[]} */ (this.idle.filter((s) => s instanceof WorkerSlot && s.warm));
    this.idle = this.idle.filter((s) => !taken.includes(/** @type {WorkerSlot} */ (s)));
    return taken;
  }

  /**
   * Starts the idle workers not yet started, in the background, with `job`
   * (loading the module). They stay free: a request given one meanwhile
   * runs once the module is loaded (a worker answers in order).
   * @param {(slot: Slot) => Promise<unknown>} job
   */
  startIdle(job) {
    this.starter = job;
    for (const slot of this.idle.filter((s) => !s.warm)) job(slot).catch(() => {});
  }

  /** @param {Slot} slot */
  release(slot) {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (!next) {
      this.idle.push(slot);
      // A worker replaced meanwhile (cancelled, too much memory) starts again
      // now, as the others did: ready to share the next file.
      if (!slot.warm && this.starter) this.startIdle(this.starter);
      return;
    }
    if (next.signal) next.signal.removeEventListener('abort', next.onAbort);
    next.resolve(slot);
  }

  /**
   * Runs `job` on the next free slot.
   * @template T
   * @param {(slot: Slot) => Promise<T>} job
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<T>}
   */
  async with(job, signal) {
    const slot = await this.acquire(signal);
    try {
      return await job(slot);
    } finally {
      this.release(slot);
    }
  }

  /**
   * Replaces the idle workers that have worked with fresh ones (started
   * when needed); whether any was replaced.
   */
  recycleIdle() {
    let any = false;
    for (const slot of this.idle) {
      if (slot instanceof WorkerSlot && slot.used) {
        slot.recycle();
        any = true;
      }
    }
    return any;
  }

  terminate() {
    this.closed = true;
    for (const slot of this.slots) slot.terminate();
    for (const w of this.waiting) {
      if (w.signal) w.signal.removeEventListener('abort', w.onAbort);
      w.reject(terminated());
    }
    this.waiting = [];
    this.idle = [];
  }
}

/**
 * The deal of a shared file's windows among `parts` workers (js/share.js):
 * window k goes to part cycle[k % cycle.length]. Part 0, the leader, also
 * decodes the file, so it takes one window in 2 * parts - 1, each other
 * part two (balanced for MP3, the costliest to decode, on 2 cores; see
 * BENCHMARKS.md).
 * @param {number} parts
 * @returns {number[]}
 */
function dealCycle(parts) {
  return Array.from({ length: parts }, (_, p) => (p === 0 ? [0] : [p, p])).flat();
}

/**
 * Calls a user's callback; what it throws is reported, not allowed to stop the batch.
 * @param {() => void} fn
 */
function callBack(fn) {
  try {
    fn();
  } catch (err) {
    if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
    else queueMicrotask(() => { throw err; });
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

function terminated() {
  return new GenreError('internal', 'the classifier was terminated');
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
 * The bytes of a picked file; a file moved, deleted or changed since it was
 * picked rejects with a message that says so.
 * @param {Blob} blob
 * @returns {Promise<ArrayBuffer>}
 */
async function readBlob(blob) {
  try {
    return await blob.arrayBuffer();
  } catch (err) {
    throw readError(err);
  }
}

/**
 * Encoded audio as a Blob (a File or Blob as it is; bytes copied).
 * @param {unknown} input
 * @returns {Blob}
 */
function asBlob(input) {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return input;
  if (input instanceof ArrayBuffer) return new Blob([input.slice(0)]);
  if (ArrayBuffer.isView(input)) {
    return new Blob([new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice()]);
  }
  const what = typeof input === 'string' ? 'a file path (read only in Node.js)' : `a ${typeof input}`;
  throw new GenreError('decode', `expected a File, Blob or ArrayBuffer of encoded audio, got ${what}`);
}

/**
 * The `{ samples, sampleRate }` of a windowFeatures input given as samples, or null for encoded audio.
 * @param {WindowFeaturesInput} input
 * @returns {{ samples: Float32Array, sampleRate: number } | null}
 */
function samplesInput(input) {
  if (input === null || typeof input !== 'object' || input instanceof ArrayBuffer || ArrayBuffer.isView(input) || input instanceof URL) return null;
  if (typeof Blob !== 'undefined' && input instanceof Blob) return null;
  if ('samples' in input) return /** @type {{ samples: Float32Array, sampleRate: number }} */ (input);
  return null;
}

/**
 * @param {unknown} input
 * @returns {Promise<ArrayBuffer>}
 */
async function encodedBytes(input) {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return readBlob(input);
  // The decoder detaches what it is given: work on a copy.
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) {
    // (Copied through a Uint8Array: a view may be of a SharedArrayBuffer.)
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice().buffer;
  }
  const what = typeof input === 'string' ? 'a file path (read only in Node.js)' : `a ${typeof input}`;
  throw new GenreError('decode', `expected a File, Blob or ArrayBuffer of encoded audio, got ${what}`);
}

/**
 * @param {string | URL} url
 * @param {string | undefined} base
 * @param {string} what
 * @returns {string}
 */
function resolveUrl(url, base, what) {
  try {
    return String(new URL(String(url), base));
  } catch {
    throw new GenreError('internal', `${what} is not a URL: ${url}`);
  }
}

/** The worker script's name, for messages (bundlers rewrite the `new Worker` below). */
const WORKER_FILE = 'worker.js';

/**
 * Runs requests in a module Web Worker, started on first use; cancelling
 * terminates it (a new one starts for the next request).
 * @implements {Slot}
 */
class WorkerSlot {
  /**
   * @param {string | undefined} workerUrl The worker script; undefined: the package's own.
   * @param {string} wasmUrl
   */
  constructor(workerUrl, wasmUrl) {
    this.workerUrl = workerUrl;
    this.wasmUrl = wasmUrl;
    /** @type {Worker | null} */
    this.worker = null;
    /** Whether the current worker has answered: its script loaded. */
    this.answered = false;
    /** Whether the current worker has done more than load the module. */
    this.used = false;
    this.nextId = 1;
    this.closed = false;
    /**
     * The requests the current worker is answering (a background load may
     * run beside another request): each one's way to fail, by id.
     * @type {Map<number, (err: GenreError) => void>}
     */
    this.inFlight = new Map();
    /** Whether the worker holds too much memory: replaced once it answers no request. */
    this.stale = false;
  }

  get warm() {
    return this.worker !== null;
  }

  /**
   * @template {Request} R
   * @param {R} req
   * @param {Transferable[]} transfer
   * @param {RequestOptions} options
   * @returns {Promise<Replies[R['op']]>}
   */
  request(req, transfer, { onProgress, signal }) {
    return new Promise((resolve, reject) => {
      if (this.closed) throw terminated();
      if (signal && signal.aborted) throw cancelled();
      if (!this.worker) this.worker = this.#start();
      const worker = this.worker;
      const id = this.nextId++;
      if (req.op !== 'load') this.used = true;
      const done = () => {
        this.inFlight.delete(id);
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        if (signal) signal.removeEventListener('abort', onAbort);
      };
      /** @param {MessageEvent} event */
      const onMessage = ({ data }) => {
        this.answered = true;
        if (data.id !== id) return;
        if (data.type === 'progress') {
          report(onProgress, data.fraction, data.stage);
          return;
        }
        done();
        // A worker whose memory grew past the limit is replaced once idle
        // (its WebAssembly memory would never shrink); a broken one at once.
        if (data.memory > MEMORY_LIMIT && !this.#streamOpen(req)) this.stale = true;
        if (data.broken || (this.stale && this.inFlight.size === 0)) this.#restart();
        if (data.type === 'result') {
          resolve(data.value);
        } else {
          reject(new GenreError(data.error.code, data.error.message, data.error.reason));
        }
      };
      /** @param {ErrorEvent} event */
      const onError = (event) => {
        const started = this.answered;
        done();
        this.#restart();
        if (event.preventDefault) event.preventDefault();
        reject(new GenreError('internal', started
          ? `the worker failed: ${event.message || 'unknown error'}`
          : this.#notStarted(event.message)));
      };
      const onAbort = () => {
        done();
        this.#restart();
        reject(cancelled());
      };
      this.inFlight.set(id, (err) => {
        done();
        reject(err);
      });
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, wasmUrl: this.wasmUrl, ...req }, transfer);
    });
  }

  /** @returns {Worker} */
  #start() {
    this.answered = false;
    try {
      // This exact form lets Vite, webpack and Parcel find and bundle the worker.
      if (this.workerUrl === undefined) return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      return new Worker(this.workerUrl, { type: 'module' });
    } catch (err) {
      throw new GenreError('internal', this.#notStarted(err instanceof Error ? err.message : String(err)));
    }
  }

  /**
   * Why the worker did not start, naming the script it tried.
   * @param {string | undefined} detail
   */
  #notStarted(detail) {
    const tried = this.workerUrl ?? String(new URL(WORKER_FILE, import.meta.url));
    const why = detail ? ` (${detail})` : '';
    const hint = this.workerUrl === undefined
      ? 'If a bundler built this page, it did not copy the package\'s worker.js next to the bundle (esbuild and Rollup without an asset plugin do not): copy genre-classifier/worker.js there, or pass its URL as workerUrl'
      : 'Check that workerUrl is the package\'s worker.js (genre-classifier/worker.js), served from this origin as JavaScript';
    return `the worker could not start: ${tried} did not load as a module worker${why}. ${hint}.`;
  }

  /**
   * Whether `req` leaves a stream of pieces open in the worker (which a
   * restart would lose).
   * @param {Request} req
   */
  #streamOpen(req) {
    return req.op === 'open' || req.op === 'push';
  }

  #restart() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.answered = false;
    this.used = false;
    this.stale = false;
    // The other requests the worker was answering would never be answered.
    const others = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const fail of others) fail(new GenreError('internal', 'the worker was replaced while it answered this request (another request on it failed or was cancelled); try again'));
  }

  /**
   * Posts a notice that has no answer (js/share.js's "abandon" and
   * "unfollow") to the worker, if it is running.
   * @param {{ op: 'abandon' | 'unfollow', token: string, error?: { code: string, message: string } }} notice
   */
  notify(notice) {
    if (this.worker) this.worker.postMessage(notice);
  }

  /** Replaces the worker (idle) by a fresh one, started on the next request. */
  recycle() {
    if (!this.closed) this.#restart();
  }

  terminate() {
    this.closed = true;
    this.#restart();
  }
}

/**
 * Runs requests on the calling thread; cancellation is checked between windows.
 * @implements {Slot}
 */
class LocalSlot {
  /**
   * @param {string} wasmUrl
   * @param {Platform} platform
   */
  constructor(wasmUrl, platform) {
    this.wasmUrl = wasmUrl;
    this.platform = platform;
    /** @type {Promise<typeof import('./engine.js')> | null} */
    this.engine = null;
    /** @type {Promise<string | BufferSource> | null} */
    this.source = null;
    this.closed = false;
    this.warm = true;
  }

  /**
   * @template {Request} R
   * @param {R} req
   * @param {Transferable[]} _transfer
   * @param {RequestOptions} options
   * @returns {Promise<Replies[R['op']]>}
   */
  async request(req, _transfer, { onProgress, signal }) {
    if (this.closed) throw terminated();
    if (signal && signal.aborted) throw cancelled();
    if (!this.engine) this.engine = import('./engine.js');
    if (!this.source) {
      const source = this.platform.wasmSource(this.wasmUrl);
      this.source = source;
      source.catch(() => {
        if (this.source === source) this.source = null;
      });
    }
    const [engine, source] = await Promise.all([this.engine, this.source]);
    /** @type {Progress} */
    const progress = (fraction, stage) => {
      report(onProgress, fraction, stage);
      return !(signal && signal.aborted);
    };
    if (req.op === 'file') {
      // The calling thread has no FileReaderSync: the bytes are read first.
      await engine.load(source);
      const [stream, bytes] = await Promise.all([import('./stream.js'), readBlob(req.file)]);
      const name = /** @type {any} */ (req.file).name || '';
      const file = stream.memorySource(new Uint8Array(bytes), name);
      const result = await stream.classifyStream({ ...req, model: engine.modelOf(req.model), source: file }, progress);
      // Not a file the decoder reads: the bytes go to Web Audio (read once).
      return /** @type {Replies[R['op']]} */ ('fallback' in result ? { fallback: true, bytes } : result);
    }
    return engine.run(req, progress, source);
  }

  terminate() {
    this.closed = true;
  }
}
