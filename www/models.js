// The personal models kept on this device: IndexedDB records of the model
// file's bytes, its labels, the estimate of its accuracy, its name and
// date. Also the names of models and of their exported files. Nothing here
// loads the training module.

/**
 * @typedef {object} ModelRecord
 * @property {number} id Given by the store.
 * @property {string} name The owner's name for it.
 * @property {string[]} labels Its labels, in model order.
 * @property {Uint8Array} bytes The model file (what export writes).
 * @property {any} estimate The estimate of its accuracy made when it was trained (the package's TrainEstimate: `available: false` with a reason when there is none; null for an imported model).
 * @property {number} created When it was trained or imported (ms since 1970).
 * @property {'trained' | 'imported'} source
 * @property {Record<string, { songs: number, windows: number }> | null} counts The songs and windows per label it was trained on.
 */

const DB_NAME = 'genre-classifier';
const DB_VERSION = 1;
const STORE = 'models';

/** The extension of exported model files. */
export const MODEL_EXTENSION = '.genremodel';
/** The longest model name kept. */
export const MAX_NAME_LENGTH = 80;

/**
 * A model's name as kept: spaces collapsed and trimmed, at most
 * MAX_NAME_LENGTH characters; "" when nothing is left.
 * @param {string} name
 */
export function cleanName(name) {
  return String(name).replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH).trim();
}

/**
 * The name a new model gets: its labels and the day ("Lo-fi, Techno, K-pop · 30 Nov 2026").
 * @param {readonly string[]} labels
 * @param {Date} date
 */
export function defaultModelName(labels, date) {
  const day = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  const shown = labels.length > 4 ? `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more` : labels.join(', ');
  return cleanName(`${shown} · ${day}`);
}

/**
 * The file name of an exported model: its name with the characters file
 * systems refuse replaced, and the model extension.
 * @param {string} name
 */
export function modelFileName(name) {
  const base = cleanName(name)
    // Control characters, and what Windows, macOS or Linux refuse in names.
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '-')
    .replace(/^[.\s-]+|[.\s-]+$/g, '');
  return `${base || 'model'}${MODEL_EXTENSION}`;
}

/**
 * A model's name from the name of its file ("My model.genremodel" -> "My model").
 * @param {string} fileName
 */
export function nameFromFile(fileName) {
  const base = fileName.toLowerCase().endsWith(MODEL_EXTENSION) ? fileName.slice(0, -MODEL_EXTENSION.length) : fileName;
  return cleanName(base) || 'Imported model';
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The store of personal models in this browser's IndexedDB.
 * @param {IDBFactory} [factory]
 */
export async function openModelStore(factory = globalThis.indexedDB) {
  if (!factory) throw Object.assign(new Error('this browser keeps no data for pages (IndexedDB is unavailable)'), { code: 'unsupported' });
  const open = factory.open(DB_NAME, DB_VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
  };
  const db = await done(open);

  /**
   * @param {IDBTransactionMode} mode
   * @returns {IDBObjectStore}
   */
  const store = (mode) => db.transaction(STORE, mode).objectStore(STORE);

  return {
    /**
     * Every model, newest first.
     * @returns {Promise<ModelRecord[]>}
     */
    async list() {
      /** @type {ModelRecord[]} */
      const all = await done(store('readonly').getAll());
      return all.sort((a, b) => b.created - a.created || b.id - a.id);
    },
    /**
     * @param {number} id
     * @returns {Promise<ModelRecord | null>}
     */
    async get(id) {
      return (await done(store('readonly').get(id))) ?? null;
    },
    /**
     * Keeps a new model; resolves to its record.
     * @param {Omit<ModelRecord, 'id'>} model
     * @returns {Promise<ModelRecord>}
     */
    async add(model) {
      const record = { ...model, name: cleanName(model.name) || 'Untitled model', bytes: new Uint8Array(model.bytes) };
      const id = /** @type {number} */ (await done(store('readwrite').add(record)));
      return { ...record, id };
    },
    /**
     * @param {number} id
     * @param {string} name
     * @returns {Promise<ModelRecord>}
     */
    async rename(id, name) {
      const clean = cleanName(name);
      if (!clean) throw Object.assign(new Error('a model needs a name'), { code: 'name' });
      const os = store('readwrite');
      /** @type {ModelRecord | undefined} */
      const record = await done(os.get(id));
      if (!record) throw Object.assign(new Error('this model is no longer kept'), { code: 'missing' });
      record.name = clean;
      await done(os.put(record));
      return record;
    },
    /** @param {number} id */
    async remove(id) {
      await done(store('readwrite').delete(id));
    },
    close() {
      db.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openModelStore>>} ModelStore */
