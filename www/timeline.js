// Genre-per-window timeline: a coloured strip, a legend, and a table that
// says the same in text for keyboard and screen-reader users.

import { clock, el, genreName } from './format.js';

/**
 * @import { ClassifiedWindow, Genre } from '../js/index.js'
 * @typedef {{ genre: Genre, start: number, end: number }} Run
 */

/**
 * Collapses classified windows into runs of one genre. Overlapping windows
 * are cut where the next one starts, so runs tile the track without gaps.
 * @param {Pick<ClassifiedWindow, 'start' | 'end' | 'genre'>[]} windows
 * @param {number} [duration]
 */
export function genreRuns(windows, duration) {
  /** @type {Run[]} */
  const runs = [];
  windows.forEach((w, i) => {
    const next = windows[i + 1];
    const start = i === 0 ? 0 : w.start;
    const end = next ? next.start : Math.max(w.end, duration ?? 0);
    const last = runs[runs.length - 1];
    if (last && last.genre === w.genre) last.end = end;
    else runs.push({ genre: w.genre, start, end });
  });
  return runs.filter((r) => r.end > r.start);
}

/** Most spans a timeline shows: a longer track is summarised (see `summarise`). */
export const MAX_SPANS = 240;

/**
 * Windows of a long track summarised into `n` equal spans of time, each with
 * the genre most of its windows have (the first such in case of a tie), so
 * that the timeline stays a few hundred elements at any length (a 3-hour
 * track has over 7000 windows).
 * @param {Pick<ClassifiedWindow, 'start' | 'end' | 'genre'>[]} windows
 * @param {number} duration
 * @param {number} n
 */
export function summarise(windows, duration, n) {
  const end = Math.max(duration, windows[windows.length - 1].end);
  /** @type {Map<Genre, number>[]} */
  const counts = Array.from({ length: n }, () => new Map());
  for (const w of windows) {
    const k = Math.min(n - 1, Math.floor((w.start / end) * n));
    counts[k].set(w.genre, (counts[k].get(w.genre) ?? 0) + 1);
  }
  /** @type {Pick<ClassifiedWindow, 'start' | 'end' | 'genre'>[]} */
  const out = [];
  counts.forEach((c, k) => {
    let best = null;
    let most = 0;
    for (const [g, count] of c) {
      if (count > most) {
        best = g;
        most = count;
      }
    }
    if (best) out.push({ start: (k * end) / n, end: ((k + 1) * end) / n, genre: best });
  });
  return out;
}

/**
 * The timeline figure for `windows`, or null when there is under two windows.
 * Past MAX_SPANS windows, it shows their summary (`summarise`).
 * @param {ClassifiedWindow[]} windows
 * @param {number} duration
 * @param {string} label
 */
export function timelineFigure(windows, duration, label) {
  if (!Array.isArray(windows) || windows.length < 2) return null;
  const shown = windows.length > MAX_SPANS ? summarise(windows, duration, MAX_SPANS) : windows;
  const runs = genreRuns(shown, duration);
  if (runs.length === 0) return null;
  const total = runs[runs.length - 1].end - runs[0].start;
  const spoken = runs
    .map((r) => `${genreName(r.genre)} from ${clock(r.start)} to ${clock(r.end)}`)
    .join('; ');

  const strip = el('div', {
    class: 'timeline-strip',
    role: 'img',
    'aria-label': `Genre over time for ${label}: ${spoken}.`,
  });
  for (const r of runs) {
    const seg = el('span', {
      class: 'timeline-seg',
      'data-genre': r.genre,
      title: `${clock(r.start)}–${clock(r.end)}: ${genreName(r.genre)}`,
    });
    seg.style.setProperty('--w', String((r.end - r.start) / total));
    strip.append(seg);
  }

  const present = [...new Set(runs.map((r) => r.genre))];
  const legend = el(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    present.map((g) =>
      el('li', { 'data-genre': g }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), genreName(g)),
    ),
  );

  const table = el(
    'table',
    { class: 'timeline-table' },
    el('caption', { class: 'visually-hidden', text: `Genre by time for ${label}` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'From' }), el('th', { scope: 'col', text: 'To' }), el('th', { scope: 'col', text: 'Genre' }))),
    el(
      'tbody',
      {},
      runs.map((r) =>
        el('tr', {}, el('td', { text: clock(r.start) }), el('td', { text: clock(r.end) }), el('td', { text: genreName(r.genre) })),
      ),
    ),
  );

  return el(
    'figure',
    { class: 'timeline wide' },
    el('p', { class: 'figure-title', text: `Genre over time (${windows.length} windows)` }),
    strip,
    legend,
    el('details', { class: 'timeline-text' }, el('summary', { text: 'Genre by time as text' }), table),
  );
}
