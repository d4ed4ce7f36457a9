// trainModel: personal models from labelled songs. Songs given as files or
// samples are analysed first (the classifier's windowFeatures), then the
// teach module (pkg/teach/, crates/teach: the training core genre-trainer)
// estimates the accuracy (cross-validation grouped by song) and trains the
// model: in a module worker of its own where there are workers (a browser),
// on the calling thread otherwise (Node.js). The teach module is loaded only
// here, on first use: the classify-only download does not include it.

import { GenreError, asGenreError, cancelled } from './errors.js';

/**
 * @import { Classifier, ClassifierOptions, TrainExample, TrainOptions, TrainProgress, TrainedModel, WindowFeatures, FileInput } from './index.js'
 * @import { TeachRequest } from './teach-engine.js'
 */

/**
 * What trainModel needs from its platform (js/index.js: the browser; js/node.js: Node.js).
 * @typedef {object} TeachRuntime
 * @property {(options?: ClassifierOptions) => Promise<Classifier<string>>} createClassifier A classifier on the embedded model, to analyse files and samples.
 * @property {() => boolean} hasWorkers Whether training runs in a module worker.
 * @property {() => Worker} teachWorker Starts the teach worker (js/teach-worker.js).
 * @property {() => URL} teachWasmUrl Where the teach module is, by default.
 * @property {(url: string) => Promise<string | BufferSource> | string | BufferSource} teachWasm The module to load: its URL, or its bytes (Node.js reads the file).
 * @property {(() => Promise<typeof import('./teach-engine.js')>) | null} localEngine The teach engine on the calling thread, where there are no workers (Node.js); null in browsers.
 */

/** Feature values per analysis window. */
const N_FEATURES = 498;
/** Share of the progress given to analysing files and samples, when any. */
const ANALYSE_SHARE = 0.5;

/**
 * @param {TeachRuntime} runtime
 * @param {unknown} examples
 * @param {TrainOptions} [options]
 * @returns {Promise<TrainedModel>}
 */
export async function trainWith(runtime, examples, options = {}) {
  const { onProgress, signal } = options;
  /** @type {Classifier<string> | null} */
  let own = null;
  try {
    if (signal && signal.aborted) throw cancelled();
    const list = checkedExamples(examples);
    const toAnalyse = list.filter((e) => !e.features);
    const share = toAnalyse.length > 0 ? ANALYSE_SHARE : 0;
    /** @type {(p: TrainProgress) => void} */
    const report = (p) => {
      if (typeof onProgress === 'function') onProgress(p);
    };
    // Analysis: the windows' features of every song given as a file or samples.
    /** @type {WindowFeatures[]} */
    const features = new Array(list.length);
    if (toAnalyse.length > 0) {
      const classifier = options.classifier || (own = await runtime.createClassifier(options.classifierOptions));
      let done = 0;
      report({ stage: 'analyse', fraction: 0 });
      await Promise.all(list.map(async (e, i) => {
        if (e.features) return;
        const input = e.samples ? { samples: e.samples, sampleRate: /** @type {number} */ (e.sampleRate) } : /** @type {FileInput} */ (e.file);
        try {
          features[i] = await classifier.windowFeatures(input, { signal });
        } catch (err) {
          const g = asGenreError(err);
          if (g.code === 'cancelled') throw g;
          throw new GenreError(g.code, `example ${i + 1} ("${e.label}"): ${g.message}`);
        }
        done += 1;
        report({ stage: 'analyse', fraction: (share * done) / toAnalyse.length });
      }));
    }
    list.forEach((e, i) => {
      if (e.features) features[i] = windowFeaturesOf(e.features, i);
    });
    if (signal && signal.aborted) throw cancelled();
    const request = flatten(list, features, options);
    /** @type {(p: TrainProgress) => void} */
    const scaled = (p) => report({ ...p, fraction: share + (1 - share) * p.fraction });
    const out = runtime.hasWorkers()
      ? await inWorker(runtime, request, scaled, signal, options)
      : await onThisThread(runtime, request, scaled, signal, options);
    return {
      bytes: out.bytes,
      labels: out.labels,
      mode: out.mode,
      estimate: out.estimate,
      lossCurve: Array.from(out.lossCurve),
      counts: out.counts,
    };
  } catch (err) {
    throw asGenreError(err);
  } finally {
    if (own) own.terminate();
  }
}

/**
 * The examples, checked: an array of `{ label, features | file | samples + sampleRate, song? }`.
 * @param {unknown} examples
 * @returns {TrainExample[]}
 */
function checkedExamples(examples) {
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new GenreError('training', 'no examples: expected an array of { label, features | file | samples + sampleRate }');
  }
  return examples.map((e, i) => {
    const where = `example ${i + 1}`;
    if (e === null || typeof e !== 'object') throw new GenreError('training', `${where} is not an object`);
    if (typeof e.label !== 'string' || e.label.trim() === '') throw new GenreError('training', `${where} has no label (a non-empty string)`);
    const given = ['features', 'file', 'samples'].filter((k) => e[k] != null);
    if (given.length !== 1) {
      throw new GenreError('training', `${where} ("${e.label}") must have exactly one of features (from windowFeatures), file, or samples with sampleRate`);
    }
    if (e.samples != null && typeof e.sampleRate !== 'number') throw new GenreError('sample-rate', `${where} ("${e.label}") has samples but no sampleRate`);
    if (e.song != null && typeof e.song !== 'string' && typeof e.song !== 'number') throw new GenreError('training', `${where} ("${e.label}"): song must be a string or number`);
    return /** @type {TrainExample} */ (e);
  });
}

/**
 * Window features given by the caller: what windowFeatures returned (or its Float32Array).
 * @param {unknown} f
 * @param {number} i
 * @returns {WindowFeatures}
 */
function windowFeaturesOf(f, i) {
  const values = f instanceof Float32Array ? f : f && typeof f === 'object' && 'features' in f ? /** @type {any} */ (f).features : null;
  if (!(values instanceof Float32Array) || values.length === 0 || values.length % N_FEATURES !== 0) {
    throw new GenreError('training', `example ${i + 1}: features must be what windowFeatures returned (a Float32Array of windows x ${N_FEATURES} values)`);
  }
  const windows = values.length / N_FEATURES;
  if (f && typeof f === 'object' && 'windows' in f && /** @type {any} */ (f).windows !== windows) {
    throw new GenreError('training', `example ${i + 1}: ${values.length} feature values for ${/** @type {any} */ (f).windows} windows`);
  }
  const o = /** @type {any} */ (f);
  return { windows, features: values, windowS: o.windowS ?? 3, hopS: o.hopS ?? 1.5, duration: o.duration ?? 0, sampleRate: o.sampleRate ?? 0 };
}

/**
 * The request of the teach module: labels in order of first appearance,
 * songs (examples with the same `song` are one song), their windows' features.
 * @param {TrainExample[]} list
 * @param {WindowFeatures[]} features
 * @param {TrainOptions} options
 * @returns {TeachRequest}
 */
function flatten(list, features, options) {
  /** @type {string[]} */
  const labels = [];
  /** @type {Map<unknown, { label: number, parts: Float32Array[], windows: number }>} */
  const songs = new Map();
  const spec = features[0];
  list.forEach((e, i) => {
    const f = features[i];
    if (f.windowS !== spec.windowS || f.hopS !== spec.hopS) {
      throw new GenreError('training', `example ${i + 1} was analysed with ${f.windowS} s windows every ${f.hopS} s, example 1 with ${spec.windowS} s every ${spec.hopS} s`);
    }
    let label = labels.indexOf(e.label);
    if (label < 0) label = labels.push(e.label) - 1;
    const key = e.song == null ? Symbol(i) : `song:${e.song}`;
    const song = songs.get(key) || { label, parts: [], windows: 0 };
    if (song.label !== label) throw new GenreError('training', `song ${String(e.song)} has two labels, "${labels[song.label]}" and "${e.label}"`);
    song.parts.push(f.features);
    song.windows += f.windows;
    songs.set(key, song);
  });
  const all = [...songs.values()];
  const total = all.reduce((n, s) => n + s.windows, 0);
  const flat = new Float32Array(total * N_FEATURES);
  let at = 0;
  for (const s of all) {
    for (const p of s.parts) {
      flat.set(p, at);
      at += p.length;
    }
  }
  return {
    labels,
    songLabels: Uint32Array.from(all, (s) => s.label),
    songWindows: Uint32Array.from(all, (s) => s.windows),
    features: flat,
    seed: options.seed ?? 1,
    mode: options.mode ?? '',
  };
}

/**
 * Trains in the teach worker; aborting terminates it.
 * @param {TeachRuntime} runtime
 * @param {TeachRequest} request
 * @param {(p: TrainProgress) => void} report
 * @param {AbortSignal | undefined} signal
 * @param {TrainOptions} options
 * @returns {Promise<import('./teach-engine.js').TeachReply>}
 */
function inWorker(runtime, request, report, signal, options) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) throw cancelled();
    /** @type {Worker} */
    let worker;
    try {
      worker = options.teachWorkerUrl != null ? new Worker(options.teachWorkerUrl, { type: 'module' }) : runtime.teachWorker();
    } catch (err) {
      throw new GenreError('internal', `the teach worker could not start: ${err instanceof Error ? err.message : String(err)}. Copy genre-classifier/teach-worker.js next to the bundle, or pass its URL as teachWorkerUrl`);
    }
    const done = () => {
      worker.terminate();
      if (signal) signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(cancelled());
    };
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') {
        report(data.progress);
        return;
      }
      done();
      if (data.type === 'result') resolve(data.value);
      else reject(new GenreError(data.error.code, data.error.message));
    };
    worker.onerror = (event) => {
      done();
      if (event.preventDefault) event.preventDefault();
      reject(new GenreError('internal', `the teach worker failed: ${event.message || 'it did not load (copy genre-classifier/teach-worker.js next to the bundle, or pass its URL as teachWorkerUrl)'}`));
    };
    const wasmUrl = String(options.teachWasmUrl ?? runtime.teachWasmUrl());
    worker.postMessage({ wasmUrl, request }, [request.songLabels.buffer, request.songWindows.buffer, request.features.buffer]);
  });
}

/**
 * Trains on the calling thread: the signal is checked after each epoch, so
 * abort from within onProgress (or before the call) to stop it.
 * @param {TeachRuntime} runtime
 * @param {TeachRequest} request
 * @param {(p: TrainProgress) => void} report
 * @param {AbortSignal | undefined} signal
 * @param {TrainOptions} options
 */
async function onThisThread(runtime, request, report, signal, options) {
  if (!runtime.localEngine) throw new GenreError('internal', 'this browser has no module Web Workers: trainModel trains in one');
  const engine = await runtime.localEngine();
  const source = await runtime.teachWasm(String(options.teachWasmUrl ?? runtime.teachWasmUrl()));
  return engine.runTraining(request, (p) => {
    report(p);
    return !(signal && signal.aborted);
  }, source);
}
