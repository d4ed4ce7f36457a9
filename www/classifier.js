// The page's classifiers, created on first use: the built-in model's, and
// the personal model's while one is in use. Every view asks `classifier()`
// for the one in use, so switching the model switches the whole page. They
// run in the package's Web Worker; where that worker cannot start (an
// offline visit on a host whose service worker cannot serve the worker
// script), they run on the page's own thread instead.

import { GENRES, createClassifier } from '../js/index.js';

/**
 * @import { Classifier } from '../js/index.js'
 * @typedef {{ id: number, name: string, labels: string[], bytes: Uint8Array }} PersonalModel
 *   A personal model as the page uses it (see models.js for what is stored).
 * @typedef {{ id: number, name: string, labels: string[] } | null} ModelInUse
 *   The personal model in use, or null for the built-in model.
 */

/** @type {Promise<Classifier> | null} */
let builtInPending = null;
/** @type {{ model: ModelInUse & {}, classifier: Classifier } | null} */
let personal = null;
/** @type {Set<(model: ModelInUse) => void>} */
const listeners = new Set();

/** Whether the classifier runs in a Web Worker (false after the fallback). */
export let inWorker = true;

/**
 * A classifier in a worker, or on the page's thread where no worker starts.
 * The page's views take any label (format.js genreName shows a personal
 * model's labels as written), so every classifier is typed as the built-in one.
 * @param {{ model?: Uint8Array }} [options]
 * @returns {Promise<Classifier>}
 */
async function create(options = {}) {
  /** @param {boolean} worker */
  const make = async (worker) => /** @type {Classifier} */ (/** @type {unknown} */ (await createClassifier({ ...options, worker })));
  if (inWorker) {
    try {
      return await make(true);
    } catch (err) {
      if (/** @type {any} */ (err)?.code !== 'internal') throw err;
      inWorker = false;
    }
  }
  return make(false);
}

/** The built-in model's classifier; the first call starts its worker and loads the model. */
export function builtIn() {
  if (!builtInPending) {
    builtInPending = create().catch((err) => {
      builtInPending = null;
      throw err;
    });
  }
  return builtInPending;
}

/** The classifier in use: the personal model's, or the built-in one. */
export function classifier() {
  return personal ? Promise.resolve(personal.classifier) : builtIn();
}

/** The personal model in use, or null for the built-in model. */
export function modelInUse() {
  return personal ? personal.model : null;
}

/**
 * The labels of the model in use, in model order.
 * @returns {readonly string[]}
 */
export function labelsInUse() {
  return personal ? personal.model.labels : GENRES;
}

/**
 * Loads a personal model's classifier: rejects (code "model") when the
 * bytes are not a model file this package reads, or when the package
 * answered with other labels than the model's (a package without personal
 * models).
 * @param {Uint8Array} bytes
 * @returns {Promise<{ classifier: Classifier, labels: string[] }>}
 */
export async function loadModel(bytes) {
  const c = await create({ model: bytes });
  const labels = c.genres;
  if (!Array.isArray(labels)) {
    c.terminate();
    throw Object.assign(new Error('this version of the page cannot load personal models'), { code: 'model' });
  }
  return { classifier: c, labels: [...labels] };
}

/**
 * Switches the page to a personal model (null: back to the built-in one).
 * Rejects, leaving the model in use unchanged, when it cannot be loaded.
 * @param {PersonalModel | null} model
 */
export async function useModel(model) {
  if (model === null) {
    if (!personal) return;
    personal.classifier.terminate();
    personal = null;
  } else {
    if (personal?.model.id === model.id) return;
    const { classifier: c, labels } = await loadModel(model.bytes);
    personal?.classifier.terminate();
    personal = { model: { id: model.id, name: model.name, labels }, classifier: c };
  }
  for (const fn of listeners) fn(modelInUse());
}

/**
 * Renames the model in use (its name changed in the store).
 * @param {number} id
 * @param {string} name
 */
export function renamedModel(id, name) {
  if (personal?.model.id !== id) return;
  personal.model = { ...personal.model, name };
  for (const fn of listeners) fn(modelInUse());
}

/**
 * Calls `fn` whenever the model in use changes.
 * @param {(model: ModelInUse) => void} fn
 */
export function onModelChange(fn) {
  listeners.add(fn);
}
