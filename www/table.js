// The results table of a library: one row per file, built and updated in
// batches (a few times a second, in an animation frame; new rows a chunk at
// a time),
// sortable by each column, filterable by genre. A changed row is updated in
// place and, when the table is sorted, moved to its new place; the table is
// never rebuilt as a whole.

import { clock, el, genreName, percent, throttledFrame } from './format.js';
import { GENRE_ORDER, topProbability } from './export.js';

/**
 * @import { Genre } from '../js/index.js'
 * @import { Entry } from './queue.js'
 * @typedef {'file' | 'folder' | 'genre' | 'confidence' | 'top3' | 'duration' | 'time' | 'status'} ColumnKey
 * @typedef {{ key: ColumnKey, label: string, numeric?: boolean, title?: string, value: (e: Entry) => string | number | null }} Column
 * @typedef {'' | Genre | string | 'failed' | 'pending'} Filter
 *   A label (of any model), or all, failed or pending files.
 */

/** New rows built per update: a 1000-file drop appears over a few updates, never in one long task. */
const CHUNK = 250;
/**
 * The least time between two updates of the rows, in ms. Every update makes
 * the browser lay the whole table out again (about 10 ms for 1000 rows on a
 * slow machine): once per file or progress event would take the main thread
 * from the files' decoding.
 */
const UPDATE_INTERVAL = 250;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** @type {Record<Entry['status'], number>} */
const STATUS_RANK = { working: 0, queued: 1, done: 2, error: 3, cancelled: 4 };

/**
 * "Jazz 81%, Blues 10%"
 * @param {Entry} e
 */
function top3Label(e) {
  return e.result ? e.result.top3.map((t) => `${genreName(t.genre)} ${Math.round(t.probability * 100)}%`).join(', ') : '';
}

/** @type {Column[]} */
export const COLUMNS = [
  { key: 'file', label: 'File', value: (e) => e.name },
  { key: 'folder', label: 'Folder', value: (e) => e.folder || null },
  { key: 'genre', label: 'Genre', value: (e) => (e.result ? genreName(e.result.genre) : null) },
  { key: 'confidence', label: 'Confidence', numeric: true, value: (e) => (e.result ? topProbability(e.result) : null) },
  { key: 'top3', label: 'Top 3', value: (e) => (e.result ? top3Label(e) : null) },
  { key: 'duration', label: 'Duration', numeric: true, value: (e) => e.result?.duration ?? null },
  {
    key: 'time',
    label: 'Time',
    numeric: true,
    title: 'The time the batch spent on this file',
    value: (e) => e.ms,
  },
  { key: 'status', label: 'Status', value: (e) => STATUS_RANK[e.status] },
];

/**
 * Compares two entries by a column: missing values last in both directions,
 * ties in order of arrival.
 * @param {Column} column
 * @param {1 | -1} dir
 * @returns {(a: Entry, b: Entry) => number}
 */
export function comparator(column, dir) {
  return (a, b) => {
    const va = column.value(a);
    const vb = column.value(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
      return a.id - b.id;
    }
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return c !== 0 ? dir * c : a.id - b.id;
  };
}

/**
 * Whether an entry passes the filter.
 * @param {Entry} e
 * @param {Filter} filter
 */
export function matches(e, filter) {
  if (filter === '') return true;
  if (filter === 'failed') return e.status === 'error' || e.status === 'cancelled';
  if (filter === 'pending') return e.status === 'queued' || e.status === 'working';
  return e.result?.genre === filter;
}

/**
 * The results table.
 * @param {{ onOpen: (entry: Entry) => void, onRendered?: () => void }} options
 */
export function createResultsTable({ onOpen, onRendered }) {
  const tbody = el('tbody', {});
  /** @type {Map<ColumnKey, HTMLTableCellElement>} */
  const headers = new Map();
  const headRow = el('tr', {});
  for (const column of COLUMNS) {
    const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': column.key, title: column.title, text: column.label });
    const th = el('th', { scope: 'col', class: column.numeric ? 'num' : null, 'aria-sort': 'none', 'data-column': column.key }, button);
    button.addEventListener('click', () => {
      const same = sort && sort.column.key === column.key;
      sortBy(column.key, same && sort?.dir === 1 ? -1 : 1);
    });
    headers.set(column.key, th);
    headRow.append(th);
  }
  const table = el(
    'table',
    { class: 'results-table', id: 'results-table' },
    el('caption', { class: 'visually-hidden', text: 'One row per file. Sort by a column with its header button; open a file’s details with its name.' }),
    el('thead', {}, headRow),
    tbody,
  );

  /** @type {Entry[]} every entry, in order of arrival */
  const entries = [];
  /** @type {Map<number, Entry>} */
  const byId = new Map();
  /** @type {Map<Entry, HTMLTableRowElement>} */
  const rows = new Map();
  /** @type {Entry[]} rendered entries, in display order */
  let order = [];
  /** @type {Entry[]} */
  let unrendered = [];
  /** @type {Set<Entry>} */
  const dirty = new Set();
  /** @type {{ column: Column, dir: 1 | -1, compare: (a: Entry, b: Entry) => number } | null} */
  let sort = null;
  /** @type {Filter} */
  let filter = '';
  /** @type {Entry | null} */
  let selected = null;

  tbody.addEventListener('click', (event) => {
    const target = /** @type {Element} */ (event.target);
    const tr = target.closest('tr');
    const entry = tr ? byId.get(Number(tr.dataset.id)) : undefined;
    if (entry) onOpen(entry);
  });

  const schedule = throttledFrame(flush, UPDATE_INTERVAL);

  function flush() {
    const fresh = unrendered.splice(0, CHUNK);
    if (fresh.length > 0) {
      const fragment = document.createDocumentFragment();
      for (const e of fresh) {
        const tr = buildRow(e);
        rows.set(e, tr);
        fill(e, tr);
        dirty.delete(e);
        if (sort) insertSorted(e, tr);
        else {
          order.push(e);
          fragment.append(tr);
        }
      }
      tbody.append(fragment);
    }
    for (const e of dirty) {
      const tr = rows.get(e);
      if (!tr) continue;
      fill(e, tr);
      if (sort) {
        order.splice(order.indexOf(e), 1);
        insertSorted(e, tr);
      }
    }
    dirty.clear();
    if (unrendered.length > 0) schedule();
    onRendered?.();
  }

  /**
   * Puts a row at its sorted place (binary search over the rendered rows).
   * @param {Entry} e
   * @param {HTMLTableRowElement} tr
   */
  function insertSorted(e, tr) {
    if (!sort) return;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sort.compare(order[mid], e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    order.splice(lo, 0, e);
    const next = order[lo + 1];
    const nextRow = next ? rows.get(next) ?? null : null;
    if (tr.nextElementSibling !== nextRow || tr.parentNode !== tbody) tbody.insertBefore(tr, nextRow);
  }

  /** @param {Entry} e */
  function buildRow(e) {
    const open = el('button', { type: 'button', class: 'row-open', 'aria-expanded': 'false', 'aria-controls': 'detail', title: e.path, text: e.name });
    return el(
      'tr',
      { 'data-id': e.id, 'data-path': e.path },
      el('td', { class: 'col-file' }, open),
      el('td', { class: 'col-folder', title: e.folder, text: e.folder }),
      el('td', { class: 'col-genre' }),
      el('td', { class: 'num col-confidence' }),
      el('td', { class: 'col-top3' }),
      el('td', { class: 'num col-duration' }),
      el('td', { class: 'num col-time' }),
      el('td', { class: 'col-status' }),
    );
  }

  /**
   * Writes an entry's state into its row.
   * @param {Entry} e
   * @param {HTMLTableRowElement} tr
   */
  function fill(e, tr) {
    const cells = /** @type {HTMLCollectionOf<HTMLTableCellElement>} */ (tr.cells);
    const r = e.result;
    tr.dataset.status = e.status;
    if (r) {
      tr.dataset.genre = r.genre;
      tr.dataset.confident = String(r.confident);
      const guess = r.confident === false ? el('span', { class: 'guess', text: 'guess' }) : null;
      const tag = el('span', { class: 'genre-tag', 'data-genre': r.genre }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), genreName(r.genre));
      if (guess) cells[2].replaceChildren(tag, ' ', guess);
      else cells[2].replaceChildren(tag);
      cells[3].textContent = percent(topProbability(r));
      cells[4].textContent = top3Label(e);
      cells[5].textContent = clock(r.duration);
    } else {
      delete tr.dataset.genre;
      delete tr.dataset.confident;
      for (const i of [2, 3, 4, 5]) cells[i].textContent = '';
    }
    cells[6].textContent = e.ms === null ? '' : `${(e.ms / 1000).toFixed(2)} s`;
    if (e.error) tr.dataset.errorCode = e.error.code;
    else delete tr.dataset.errorCode;
    cells[7].replaceChildren(...statusParts(e));
    tr.hidden = !matches(e, filter);
    markSelected(tr, e === selected);
  }

  /**
   * @param {HTMLTableRowElement} tr
   * @param {boolean} on
   */
  function markSelected(tr, on) {
    if (on) tr.dataset.selected = 'true';
    else delete tr.dataset.selected;
    tr.querySelector('.row-open')?.setAttribute('aria-expanded', String(on));
  }

  /** @param {Entry} e */
  function statusParts(e) {
    switch (e.status) {
      case 'queued':
        return ['Queued'];
      case 'working':
        return [`Working ${Math.round(e.fraction * 100)}%`];
      case 'done':
        return ['Done'];
      case 'cancelled':
        return ['Cancelled'];
      default:
        return [el('strong', { class: 'status-failed', text: 'Failed: ' }), e.error?.headline ?? ''];
    }
  }

  /**
   * Sorts by a column (or back to the order of arrival with null).
   * @param {ColumnKey | null} key
   * @param {1 | -1} [dir]
   */
  function sortBy(key, dir = 1) {
    const column = COLUMNS.find((c) => c.key === key);
    sort = column ? { column, dir, compare: comparator(column, dir) } : null;
    for (const [k, th] of headers) th.setAttribute('aria-sort', sort && k === key ? (dir === 1 ? 'ascending' : 'descending') : 'none');
    order.sort(sort ? sort.compare : (a, b) => a.id - b.id);
    // One pass of moves, in a fragment: no re-rendering of the rows.
    const fragment = document.createDocumentFragment();
    for (const e of order) {
      const tr = rows.get(e);
      if (tr) fragment.append(tr);
    }
    tbody.append(fragment);
  }

  return {
    element: table,
    /** @param {Entry[]} added */
    add(added) {
      for (const e of added) {
        entries.push(e);
        byId.set(e.id, e);
      }
      unrendered.push(...added);
      schedule();
    },
    /** @param {Entry} e */
    update(e) {
      dirty.add(e);
      schedule();
    },
    sortBy,
    /** @param {Filter} value */
    setFilter(value) {
      filter = value;
      for (const [e, tr] of rows) tr.hidden = !matches(e, filter);
      onRendered?.();
    },
    get filter() {
      return filter;
    },
    /** @param {Entry | null} entry */
    select(entry) {
      const old = selected ? rows.get(selected) : null;
      if (old) markSelected(old, false);
      selected = entry;
      const tr = entry ? rows.get(entry) : null;
      if (tr) markSelected(tr, true);
    },
    /** The row's open button (to give focus back to it), once it is rendered. @param {Entry} e */
    rowButton(e) {
      return /** @type {HTMLButtonElement | null} */ (rows.get(e)?.querySelector('.row-open') ?? null);
    },
    /** Every entry, in order of arrival. */
    get entries() {
      return entries;
    },
    /** How many entries the filter lets through. */
    countShown() {
      let n = 0;
      for (const e of entries) if (matches(e, filter)) n += 1;
      return n;
    },
    /** The entries as the table shows them: sorted, filtered. */
    shown() {
      const sorted = sort ? [...entries].sort(sort.compare) : entries;
      return sorted.filter((e) => matches(e, filter));
    },
    /**
     * Counts per genre (classified files; every label of `labels` counted,
     * with 0 when none), failed and pending.
     * @param {readonly string[]} [labels]
     */
    counts(labels = GENRE_ORDER) {
      /** @type {Record<string, number>} */
      const counts = { '': entries.length, failed: 0, pending: 0 };
      for (const g of labels) counts[g] = 0;
      for (const e of entries) {
        if (e.result) counts[e.result.genre] = (counts[e.result.genre] ?? 0) + 1;
        else if (e.status === 'error' || e.status === 'cancelled') counts.failed += 1;
        else counts.pending += 1;
      }
      return counts;
    },
    clear() {
      entries.length = 0;
      byId.clear();
      rows.clear();
      order = [];
      unrendered = [];
      dirty.clear();
      selected = null;
      tbody.replaceChildren();
    },
  };
}
