// What the Teach panel trains on: the labels and, per label, the songs
// added to it, each analysed once as it arrives (its analysis windows'
// feature vectors are kept, so that training never decodes a song again).
// No DOM: the page-logic tests run it in Node with their own `analyse`.

import { explain } from './errors.js';
import { splitPath } from './collect.js';

/**
 * @import { Explained } from './errors.js'
 * @import { Found } from './collect.js'
 */

/** Fewest and most labels of a personal model. */
export const MIN_LABELS = 2;
export const MAX_LABELS = 20;
/** The longest label name. */
export const MAX_LABEL_LENGTH = 40;
/** Names the results table's filter uses for itself. */
const RESERVED = new Set(['failed', 'pending']);

/**
 * @typedef {object} Analysis What analysing a song gives.
 * @property {number} windows Its number of analysis windows.
 * @property {unknown} features Its per-window feature vectors, as the training API takes them.
 * @typedef {(file: File, options: { signal: AbortSignal, onProgress: (fraction: number) => void }) => Promise<Analysis>} AnalyseFn
 * @typedef {object} Song
 * @property {number} id
 * @property {number} labelId
 * @property {File} file
 * @property {string} path As dropped or picked.
 * @property {string} name
 * @property {'queued' | 'working' | 'done' | 'error' | 'cancelled'} status
 * @property {number} fraction Progress while working, in [0, 1].
 * @property {Analysis | null} analysis
 * @property {Explained | null} error
 * @property {AbortController} controller
 * @typedef {{ id: number, name: string, songs: Song[] }} Label
 * @typedef {{ songs: number, windows: number, waiting: number, failed: number }} LabelCounts
 */

/**
 * A label's name as kept: spaces collapsed and trimmed.
 * @param {string} name
 */
export function cleanLabel(name) {
  return String(name).replace(/\s+/g, ' ').trim();
}

/**
 * Why `name` cannot name a label among `labels` (`except`: the label being
 * renamed), or null when it can.
 * @param {string} name
 * @param {readonly { id: number, name: string }[]} labels
 * @param {number} [except]
 */
export function labelProblem(name, labels, except) {
  const clean = cleanLabel(name);
  if (!clean) return 'Give the label a name.';
  if (clean.length > MAX_LABEL_LENGTH) return `Use at most ${MAX_LABEL_LENGTH} characters.`;
  if (RESERVED.has(clean.toLowerCase())) return `“${clean}” names failed or unfinished files in the results: choose another name.`;
  const key = clean.toLocaleLowerCase();
  if (labels.some((l) => l.id !== except && l.name.toLocaleLowerCase() === key)) return `There is already a label “${clean}”.`;
  if (except === undefined && labels.length >= MAX_LABELS) return `A model has at most ${MAX_LABELS} labels.`;
  return null;
}

/** A file's identity for spotting the same song added twice. @param {File} f @param {string} path */
const songKey = (f, path) => `${path}\u0000${f.size}\u0000${f.lastModified}`;

export class TrainingSet {
  /** @type {Label[]} */
  labels = [];
  #nextId = 1;
  /** @type {Song[]} */
  #waiting = [];
  /** @type {Song | null} */
  #working = null;

  /**
   * @param {{ analyse: AnalyseFn, onChange?: () => void }} options
   */
  constructor({ analyse, onChange }) {
    this.analyse = analyse;
    this.onChange = onChange ?? (() => {});
  }

  /**
   * Adds a label; returns it, or the reason it cannot be added.
   * @param {string} name
   * @returns {{ label: Label } | { problem: string }}
   */
  addLabel(name) {
    const problem = labelProblem(name, this.labels);
    if (problem) return { problem };
    const label = { id: this.#nextId++, name: cleanLabel(name), songs: [] };
    this.labels.push(label);
    this.onChange();
    return { label };
  }

  /**
   * Renames a label; returns the reason when it cannot be.
   * @param {number} id
   * @param {string} name
   * @returns {string | null}
   */
  renameLabel(id, name) {
    const label = this.label(id);
    if (!label) return 'This label no longer exists.';
    const problem = labelProblem(name, this.labels, id);
    if (problem) return problem;
    label.name = cleanLabel(name);
    this.onChange();
    return null;
  }

  /**
   * Removes a label and its songs (their analyses are stopped).
   * @param {number} id
   */
  removeLabel(id) {
    const label = this.label(id);
    if (!label) return;
    this.labels = this.labels.filter((l) => l !== label);
    for (const song of label.songs) this.#drop(song);
    this.onChange();
  }

  /** @param {number} id */
  label(id) {
    return this.labels.find((l) => l.id === id) ?? null;
  }

  /**
   * Adds songs to a label and queues their analysis; songs already in the
   * set (same path, size and date) are left out.
   * @param {number} labelId
   * @param {Found[]} found
   * @returns {{ added: number, duplicates: number }}
   */
  addSongs(labelId, found) {
    const label = this.label(labelId);
    if (!label) return { added: 0, duplicates: 0 };
    const known = new Set(this.labels.flatMap((l) => l.songs.map((s) => songKey(s.file, s.path))));
    let duplicates = 0;
    /** @type {Song[]} */
    const songs = [];
    for (const { file, path } of found) {
      const key = songKey(file, path);
      if (known.has(key)) {
        duplicates += 1;
        continue;
      }
      known.add(key);
      songs.push({
        id: this.#nextId++,
        labelId,
        file,
        path,
        name: splitPath(path).name || file.name,
        status: 'queued',
        fraction: 0,
        analysis: null,
        error: null,
        controller: new AbortController(),
      });
    }
    label.songs.push(...songs);
    this.#waiting.push(...songs);
    this.onChange();
    this.#pump();
    return { added: songs.length, duplicates };
  }

  /**
   * Removes one song.
   * @param {number} songId
   */
  removeSong(songId) {
    for (const label of this.labels) {
      const song = label.songs.find((s) => s.id === songId);
      if (!song) continue;
      label.songs = label.songs.filter((s) => s !== song);
      this.#drop(song);
      this.onChange();
      return;
    }
  }

  /** @param {Song} song */
  #drop(song) {
    song.controller.abort();
    this.#waiting = this.#waiting.filter((s) => s !== song);
  }

  /** Whether songs are waiting for or in analysis. */
  get busy() {
    return this.#working !== null || this.#waiting.length > 0;
  }

  /** The song being analysed, if any. */
  get working() {
    return this.#working;
  }

  /** Songs analysed and still to analyse, over the whole set: for a progress bar. */
  progress() {
    let done = 0;
    let total = 0;
    for (const l of this.labels) {
      for (const s of l.songs) {
        total += 1;
        if (s.status === 'done' || s.status === 'error' || s.status === 'cancelled') done += 1;
        else if (s.status === 'working') done += s.fraction;
      }
    }
    return { done, total };
  }

  /** Analyses the waiting songs one at a time (one decoded song in memory). */
  async #pump() {
    if (this.#working) return;
    for (let song = this.#waiting.shift(); song; song = this.#waiting.shift()) {
      if (song.controller.signal.aborted) continue;
      this.#working = song;
      song.status = 'working';
      this.onChange();
      try {
        song.analysis = await this.analyse(song.file, {
          signal: song.controller.signal,
          onProgress: (fraction) => {
            song.fraction = fraction;
            this.onChange();
          },
        });
        song.status = 'done';
      } catch (err) {
        song.error = explain(err);
        song.status = song.error.code === 'cancelled' ? 'cancelled' : 'error';
      }
      song.fraction = 1;
      this.#working = null;
      this.onChange();
    }
  }

  /**
   * The songs and analysis windows of a label, and its songs waiting or failed.
   * @param {Label} label
   * @returns {LabelCounts}
   */
  static counts(label) {
    const c = { songs: 0, windows: 0, waiting: 0, failed: 0 };
    for (const s of label.songs) {
      if (s.status === 'done' && s.analysis) {
        c.songs += 1;
        c.windows += s.analysis.windows;
      } else if (s.status === 'queued' || s.status === 'working') c.waiting += 1;
      else c.failed += 1;
    }
    return c;
  }

  /**
   * Why training cannot start now, or null when it can.
   * @returns {string | null}
   */
  trainProblem() {
    if (this.labels.length < MIN_LABELS) return `Add at least ${MIN_LABELS} labels.`;
    if (this.busy) return 'Wait until every song is analysed.';
    const empty = this.labels.filter((l) => TrainingSet.counts(l).songs === 0).map((l) => `“${l.name}”`);
    if (empty.length > 0) return `Add songs to ${empty.join(', ')}: every label needs at least one song.`;
    return null;
  }

  /**
   * The analysed songs, one example per song (its label, its windows'
   * features and the song's id, so that the estimate never splits a song),
   * in label order.
   * @returns {{ label: string, song: number, features: any }[]}
   */
  examples() {
    return this.labels.flatMap((l) =>
      l.songs.filter((s) => s.status === 'done' && s.analysis).map((s) => ({ label: l.name, song: s.id, features: s.analysis?.features })),
    );
  }

  /** The songs and windows per label, by label name (kept with a trained model). */
  summary() {
    /** @type {Record<string, { songs: number, windows: number }>} */
    const out = {};
    for (const l of this.labels) {
      const { songs, windows } = TrainingSet.counts(l);
      out[l.name] = { songs, windows };
    }
    return out;
  }
}
