// The honest estimate of a personal model's accuracy, as the Teach panel
// shows it before the model is used: cross-validation over the owner's own
// songs, grouped by song (the windows of one song are never on both sides),
// with the recall of each label, or why there is no estimate.

import { el, percent } from './format.js';

/**
 * @typedef {object} Estimate As the training reports it (the package's TrainEstimate).
 * @property {boolean} [available] False when there is none (then `reason` says why).
 * @property {string} [reason]
 * @property {number} accuracy Share of held-out songs given their own label.
 * @property {number} balancedAccuracy The mean of the labels' recalls.
 * @property {Record<string, number> | number[]} recall Per label (by name, or in label order).
 * @property {number[][]} [confusion] Songs of label i (rows) given label j (columns).
 * @property {number} [folds] How many folds.
 * @property {number} [songs] How many songs were held out in all.
 * @typedef {object} EstimateView What the panel says.
 * @property {boolean} ok Whether there is an estimate.
 * @property {string} headline
 * @property {string[]} notes
 * @property {{ label: string, recall: number | null, songs: number | null }[]} rows
 */

/**
 * The recall of `label` (index `i`), from either form of `recall`.
 * @param {Estimate['recall']} recall
 * @param {string} label
 * @param {number} i
 * @returns {number | null}
 */
function recallOf(recall, label, i) {
  const r = Array.isArray(recall) ? recall[i] : recall?.[label];
  return typeof r === 'number' && Number.isFinite(r) ? r : null;
}

/**
 * What to say about an estimate (or its absence: null, or `available:
 * false` with its reason).
 * @param {Estimate | null | undefined} estimate
 * @param {readonly string[]} labels In model order.
 * @param {{ counts?: Record<string, { songs: number }> | null, imported?: boolean }} [context]
 *   `imported`: the model came from a file (estimates are made by training here).
 * @returns {EstimateView}
 */
export function describeEstimate(estimate, labels, { counts = null, imported = false } = {}) {
  const chance = labels.length > 0 ? 1 / labels.length : 0;
  const songsOf = (/** @type {string} */ label) => counts?.[label]?.songs ?? null;
  if (!estimate && imported) {
    return {
      ok: false,
      headline: 'No estimate of its accuracy: it was imported from a file.',
      notes: [`Estimates are made when a model is trained here. Guessing at random would be right ${percent(chance)} of the time.`],
      rows: labels.map((label) => ({ label, recall: null, songs: null })),
    };
  }
  if (!estimate || estimate.available === false) {
    const reason = estimate?.reason ?? null;
    return {
      ok: false,
      headline: 'No estimate of its accuracy: too few songs to hold some out.',
      notes: [
        reason ? `Why: ${reason}` : 'Add more songs to each label (a few per label at the least) and train again to get one.',
        `Until then there is no telling how often it is right on songs it has not heard; guessing at random would be right ${percent(chance)} of the time.`,
      ],
      rows: labels.map((label) => ({ label, recall: null, songs: songsOf(label) })),
    };
  }
  const rows = labels.map((label, i) => ({ label, recall: recallOf(estimate.recall, label, i), songs: songsOf(label) }));
  const total = estimate.songs ?? (counts ? Object.values(counts).reduce((n, c) => n + c.songs, 0) : null);
  const how = `cross-validation over ${total === null ? 'your' : `your ${total}`} songs${estimate.folds ? ` (${estimate.folds} folds)` : ''}, each song held out whole`;
  const notes = [
    `Estimated on ${how}: a song is judged by a model trained without it. Guessing at random would be right ${percent(chance)} of the time.`,
  ];
  const weak = rows.filter((r) => r.recall !== null && r.recall < 0.5).map((r) => `“${r.label}”`);
  if (weak.length > 0) notes.push(`Often missed: ${weak.join(', ')}. More (and more varied) songs for these labels should help.`);
  if (total !== null && total < 10 * labels.length) {
    notes.push('With this few songs the estimate is rough: expect different figures on other music.');
  }
  return {
    ok: true,
    headline: `Estimated accuracy on songs it has not heard: ${percent(estimate.accuracy)} (balanced over labels: ${percent(estimate.balancedAccuracy)}).`,
    notes,
    rows,
  };
}

/**
 * The estimate's view: headline, notes and a table of recall per label.
 * @param {EstimateView} view
 */
export function estimateElement(view) {
  const table = el(
    'table',
    { class: 'estimate-table' },
    el('caption', { class: 'visually-hidden', text: 'Share of each label’s held-out songs recognised' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Label' }), el('th', { scope: 'col', class: 'num', text: 'Songs' }), el('th', { scope: 'col', class: 'num', text: 'Recognised' }))),
    el(
      'tbody',
      {},
      view.rows.map((r) =>
        el(
          'tr',
          { 'data-label': r.label, 'data-recall': r.recall ?? '' },
          el('th', { scope: 'row', text: r.label }),
          el('td', { class: 'num', text: r.songs ?? '' }),
          el('td', { class: 'num', text: r.recall === null ? '–' : percent(r.recall) }),
        ),
      ),
    ),
  );
  return el(
    'div',
    { class: 'estimate', 'data-ok': String(view.ok) },
    el('p', { class: 'estimate-headline', text: view.headline }),
    view.notes.map((n) => el('p', { class: 'hint', text: n })),
    table,
  );
}
