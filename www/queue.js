// The batch queue of the page: files of a library drop are classified a
// few at a time (two by default: one decoding on the page while the other
// is analysed in the worker), so that at most that many files' audio is in
// memory however many files are queued. Each file is an Entry, which the
// results table shows.
//
// `classify` (given to the constructor) is the only call into the package:
// to move to a package-level batch API (a worker pool), replace it, or the
// loop of `#pump` that calls it, and nothing else changes.

import { splitPath } from './collect.js';
import { explain } from './errors.js';

/**
 * @import { Classification, ClassifyOptions, ProgressStage } from '../js/index.js'
 * @import { Explained } from './errors.js'
 * @import { RowStatus } from './export.js'
 */

/**
 * One file of the table.
 * @typedef {object} Entry
 * @property {number} id Order of arrival.
 * @property {File} file A handle on the file (not its contents).
 * @property {string} path Its path as dropped or picked.
 * @property {string} folder The folder part of `path` ("" for a loose file).
 * @property {string} name The file name.
 * @property {RowStatus} status
 * @property {Classification | null} result The result, never with its mel image.
 * @property {Explained | null} error
 * @property {number | null} ms The time the batch spent on this file, in ms.
 * @property {number} fraction Progress of the file while it is working, in [0, 1].
 * @property {ProgressStage | 'read' | ''} stage
 * @property {AbortController} controller Aborting it cancels this file.
 */

/**
 * @typedef {(file: File, options: ClassifyOptions) => Promise<Classification>} ClassifyFn
 * @typedef {object} QueueEvents
 * @property {(entry: Entry) => void} [onChange] An entry's status, progress or result changed.
 * @property {(entry: Entry) => boolean} [wantsMel] Whether to ask for the mel image (the entry is on show).
 * @property {(entry: Entry, result: Classification) => void} [onResult] The full result (with its mel image, if asked for).
 * @property {() => void} [onIdle] The queue has emptied.
 */

/**
 * A queued entry for `file`, picked or dropped as `path`.
 * @param {number} id
 * @param {File} file
 * @param {string} path
 * @returns {Entry}
 */
export function newEntry(id, file, path) {
  const { folder, name } = splitPath(path);
  return {
    id,
    file,
    path,
    folder,
    name: name || file.name,
    status: 'queued',
    result: null,
    error: null,
    ms: null,
    fraction: 0,
    stage: '',
    controller: new AbortController(),
  };
}

export class BatchQueue {
  /** @type {Entry[]} */
  #waiting = [];
  /** @type {Set<Entry>} */
  #working = new Set();
  #lanes = 0;
  /** When the last file finished: a file's time starts at the later of this and its own start. */
  #lastFinish = 0;
  /** Files added and settled since the queue was last idle (the progress bar). */
  run = { total: 0, settled: 0, startedAt: 0, endedAt: 0 };

  /**
   * @param {{ classify: ClassifyFn, concurrency?: number, melColumns?: number } & QueueEvents} options
   */
  constructor({ classify, concurrency = 2, melColumns = 0, ...events }) {
    this.classify = classify;
    this.concurrency = Math.max(1, concurrency);
    this.melColumns = melColumns;
    this.events = events;
  }

  /** Whether files are waiting or being classified. */
  get busy() {
    return this.#waiting.length > 0 || this.#working.size > 0;
  }

  /** The files being classified now, oldest first. */
  get working() {
    return [...this.#working];
  }

  /** @param {Entry[]} entries */
  add(entries) {
    if (!this.busy) this.run = { total: 0, settled: 0, startedAt: performance.now(), endedAt: 0 };
    this.run.total += entries.length;
    this.#waiting.push(...entries);
    for (const entry of entries) {
      // A waiting file that is cancelled (from its card) settles at once.
      entry.controller.signal.addEventListener(
        'abort',
        () => {
          const at = this.#waiting.indexOf(entry);
          if (at < 0) return;
          this.#waiting.splice(at, 1);
          this.#settleCancelled(entry, 'Cancelled before it started.');
          if (!this.busy) this.#idle();
        },
        { once: true },
      );
    }
    while (this.#lanes < this.concurrency && this.#waiting.length > 0) {
      this.#lanes += 1;
      this.#pump();
    }
  }

  /** Stops the batch: cancels the files being classified and every waiting one. */
  cancel() {
    const waiting = this.#waiting.splice(0);
    for (const entry of waiting) this.#settleCancelled(entry, 'Cancelled before it started.');
    for (const entry of this.#working) entry.controller.abort();
  }

  /** One lane: takes the next file until none is left. */
  async #pump() {
    try {
      for (let entry = this.#waiting.shift(); entry; entry = this.#waiting.shift()) {
        if (entry.controller.signal.aborted) {
          this.#settleCancelled(entry, 'Cancelled before it started.');
          continue;
        }
        await this.#classifyOne(entry);
      }
    } finally {
      this.#lanes -= 1;
      if (this.#lanes === 0 && !this.busy) this.#idle();
    }
  }

  #idle() {
    this.run.endedAt = performance.now();
    this.events.onIdle?.();
  }

  /** @param {Entry} entry */
  async #classifyOne(entry) {
    const started = performance.now();
    this.#working.add(entry);
    entry.status = 'working';
    entry.stage = 'read';
    entry.fraction = 0;
    this.events.onChange?.(entry);
    const mel = this.melColumns > 0 && (this.events.wantsMel?.(entry) ?? false);
    try {
      const result = await this.classify(entry.file, {
        signal: entry.controller.signal,
        melColumns: mel ? this.melColumns : 0,
        // A file alone is shared among the workers; a batch's go one per worker.
        split: this.#working.size === 1 && this.#waiting.length === 0,
        onProgress: (fraction, stage) => {
          entry.fraction = fraction;
          entry.stage = stage;
          this.events.onChange?.(entry);
        },
      });
      // The table keeps the result without its mel image: only the card on show holds one.
      const { mel: _image, ...kept } = result;
      entry.result = kept;
      entry.status = 'done';
      this.events.onResult?.(entry, result);
    } catch (err) {
      entry.error = explain(err);
      entry.status = entry.error.code === 'cancelled' ? 'cancelled' : 'error';
    } finally {
      const now = performance.now();
      entry.ms = now - Math.max(started, this.#lastFinish);
      this.#lastFinish = now;
      this.#working.delete(entry);
      this.run.settled += 1;
      this.events.onChange?.(entry);
    }
  }

  /**
   * @param {Entry} entry
   * @param {string} message
   */
  #settleCancelled(entry, message) {
    entry.status = 'cancelled';
    entry.error = explain({ code: 'cancelled', message });
    this.run.settled += 1;
    this.events.onChange?.(entry);
  }
}
