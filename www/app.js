// Page wiring: file and folder picking and dropping, the batch queue and
// its results table, the detail card of the selected row, the exports, the
// microphone panel and the offline service worker.

import { builtIn, classifier, inWorker, labelsInUse, onModelChange } from './classifier.js';
import { createFileCard } from './card.js';
import { collectDropped, collectFiles, describeCollected, droppedItems, plural } from './collect.js';
import { errorBox, explain } from './errors.js';
import { download, labelOrder, toCsv, toJson, toPlaylists, zip } from './export.js';
import { bytes, el, genreName, throttledFrame } from './format.js';
import { setupMicrophone } from './mic.js';
import { setupModelBar } from './modelbar.js';
import { BatchQueue, newEntry } from './queue.js';
import { createResultsTable } from './table.js';

/**
 * @import { Classification, ClassifyOptions } from '../js/index.js'
 * @import { Collected } from './collect.js'
 * @import { ExportRow } from './export.js'
 * @import { Entry } from './queue.js'
 * @import { Filter } from './table.js'
 */

/** Mel spectrogram columns requested for the card on show. */
const MEL_COLUMNS = 480;
/** Files classified at once: one decoding on the page while the worker analyses another. */
const CONCURRENCY = 2;

/**
 * The element of the page with this id (index.html has each asked for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));
/** @param {string} id */
const $input = (id) => /** @type {HTMLInputElement} */ ($(id));

const emptyNote = $('empty-note');
const clearButton = $('clear-button');
const engineStatus = $('engine-status');
const dropzone = $('dropzone');
const fileInput = $input('file-input');
const folderInput = $input('folder-input');
const collectNote = $('collect-note');
const batch = $('batch');
const batchStatus = $('batch-status');
const batchProgress = /** @type {HTMLProgressElement} */ ($('batch-progress'));
const batchLive = $('batch-live');
const cancelButton = $('cancel-button');
const tools = $('table-tools');
const genreFilter = $select('genre-filter');
const tableCount = $('table-count');
const playlistGenre = $select('playlist-genre');
const tableWrap = $('table-wrap');
const detailBox = $('detail');
const modelSelect = $select('model-select');

/**
 * Classifies one file of a batch: the page's only call into the package for
 * batches (the package's worker pool can take its place here).
 * @param {File} file
 * @param {ClassifyOptions} options
 * @returns {Promise<Classification>}
 */
async function classifyForBatch(file, options) {
  return (await classifier()).classifyFile(file, options);
}

/**
 * The card on show: the selected row's file. Only this one holds a mel image.
 * @typedef {{ entry: Entry, card: ReturnType<typeof createFileCard>, shown: boolean, started: boolean, mel: AbortController | null }} Detail
 */
/** @type {Detail | null} */
let detail = null;

const table = createResultsTable({ onOpen: (entry) => openDetail(entry), onRendered: () => scheduleStatus() });
tableWrap.append(table.element);

const queue = new BatchQueue({
  classify: classifyForBatch,
  concurrency: CONCURRENCY,
  melColumns: MEL_COLUMNS,
  wantsMel: (entry) => detail?.entry === entry,
  onChange(entry) {
    table.update(entry);
    syncDetail(entry);
    scheduleStatus();
  },
  onResult(entry, result) {
    if (detail?.entry === entry && !detail.shown) showDone(detail, result);
  },
  onIdle() {
    scheduleStatus();
    const c = table.counts();
    batchLive.textContent = `Finished: ${summary(c)}`;
  },
});

let nextId = 1;

/**
 * @param {File} file
 * @param {string} path
 */
const makeEntry = (file, path) => newEntry(nextId++, file, path);

/**
 * Queues the audio files of a drop or pick and says what was found.
 * @param {Collected} collected
 * @param {string} [emptyText] What to say when there are no files at all.
 */
function addCollected(collected, emptyText) {
  collectNote.textContent = collected.files === 0 && emptyText ? emptyText : describeCollected(collected);
  collectNote.dataset.audio = String(collected.audio.length);
  collectNote.dataset.skipped = String(collected.skipped);
  collectNote.hidden = false;
  if (collected.audio.length === 0) return;
  const entries = collected.audio.map(({ file, path }) => makeEntry(file, path));
  table.add(entries);
  // A single file shows its card at once, as it always has.
  if (entries.length === 1) openDetail(entries[0], { focus: false });
  queue.add(entries);
  scheduleStatus();
}

// The detail card ------------------------------------------------------------

/**
 * Shows the card of `entry` below the table (closing the one on show).
 * @param {Entry} entry
 * @param {{ focus?: boolean }} [options]
 */
function openDetail(entry, { focus = true } = {}) {
  if (detail?.entry !== entry) {
    closeDetail(false);
    const close = el('button', { type: 'button', class: 'button small subtle', text: 'Close' });
    const meta = `${entry.folder ? `${entry.folder} · ` : ''}${bytes(entry.file.size)}${entry.file.type ? ` · ${entry.file.type}` : ''}`;
    const card = createFileCard(entry.file, { controller: entry.controller, meta, actions: [close] });
    close.addEventListener('click', () => closeDetail(true));
    detail = { entry, card, shown: false, started: false, mel: null };
    detailBox.replaceChildren(card.element);
    table.select(entry);
    syncDetail(entry);
  }
  if (focus && detail) {
    detail.card.element.scrollIntoView({ block: 'nearest' });
    detail.card.title.focus({ preventScroll: true });
  }
}

/** @param {boolean} returnFocus */
function closeDetail(returnFocus) {
  if (!detail) return;
  const { entry, mel } = detail;
  mel?.abort();
  detail = null;
  detailBox.replaceChildren();
  table.select(null);
  if (returnFocus) table.rowButton(entry)?.focus();
}

/**
 * Brings the card on show up to date with its entry.
 * @param {Entry} entry
 */
function syncDetail(entry) {
  const d = detail;
  if (!d || d.entry !== entry || d.shown) return;
  if (entry.status === 'working') {
    if (!d.started) d.card.start();
    d.started = true;
    if (entry.stage && entry.stage !== 'read') d.card.onProgress(entry.fraction, entry.stage);
  } else if (entry.status === 'done' && entry.result) {
    showDone(d, entry.result);
  } else if (entry.error) {
    d.shown = true;
    d.card.fail({ code: entry.error.code, message: entry.error.detail });
  }
}

/**
 * Shows a result on the card; without a mel image (the table keeps none),
 * the image is computed again for this file alone.
 * @param {Detail} d
 * @param {Classification} result
 */
function showDone(d, result) {
  d.shown = true;
  d.card.done(result, { melPending: !result.mel });
  if (result.mel) return;
  const controller = new AbortController();
  d.mel = controller;
  classifier()
    .then((c) => c.classifyFile(d.entry.file, { melColumns: MEL_COLUMNS, signal: controller.signal }))
    .then(
      (full) => {
        if (detail !== d) return;
        if (full.mel) d.card.mel(full.mel);
        else d.card.noMel();
      },
      () => {
        if (detail === d) d.card.noMel();
      },
    );
}

// Progress, counts and controls (updated a few times a second) ---------------

const scheduleStatus = throttledFrame(() => renderStatus(), 200);

/** @param {Record<string, number>} c */
function summary(c) {
  const done = c[''] - c.failed - c.pending;
  return `${plural(c[''], 'file')}: ${done} classified, ${c.failed} failed or cancelled.`;
}

/**
 * The labels the table's filter and the exports list: the model in use's,
 * then those of results of a model used before.
 */
function pageLabels() {
  return labelOrder(labelsInUse(), table.entries.flatMap((e) => (e.result ? [e.result.genre] : [])));
}

function renderStatus() {
  const labels = pageLabels();
  syncFilterOptions(labels);
  const c = table.counts(labels);
  const any = c[''] > 0;
  const busy = queue.busy;
  emptyNote.hidden = any;
  tools.hidden = !any;
  tableWrap.hidden = !any;
  clearButton.hidden = !any || busy;

  // One model per batch: the model is switched between batches.
  modelSelect.disabled = busy;
  modelSelect.title = busy ? 'The model can be switched once this batch is done.' : '';

  const { total, settled, startedAt, endedAt } = queue.run;
  batch.hidden = total === 0;
  batch.dataset.state = busy ? 'running' : 'idle';
  batch.dataset.settled = String(settled);
  batch.dataset.total = String(total);
  cancelButton.hidden = !busy;
  const working = queue.working;
  const partial = working.reduce((s, e) => s + e.fraction, 0);
  batchProgress.value = total > 0 ? Math.min(1, (settled + partial) / total) : 0;
  if (busy) {
    const now = working[0] ? ` · Now: ${working[0].path}` : '';
    batchStatus.textContent = `${settled} of ${plural(total, 'file')} done${now}`;
  } else if (total > 0) {
    const seconds = Math.max(0.001, (endedAt - startedAt) / 1000);
    batchStatus.textContent = `${summary(c)} The last batch: ${plural(total, 'file')} in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(1)} files/s).`;
  }

  for (const option of genreFilter.options) {
    const key = option.value;
    const label = key === '' ? 'All files' : key === 'failed' ? 'Failed or cancelled' : key === 'pending' ? 'Not done yet' : genreName(key);
    option.textContent = `${label} (${c[key] ?? 0})`;
  }
  const shown = table.countShown();
  tableCount.textContent = shown === c[''] ? plural(shown, 'file') : `${shown} of ${plural(c[''], 'file')}`;

  const current = playlistGenre.value;
  const present = labels.filter((g) => c[g] > 0);
  if (playlistGenre.options.length !== present.length || present.some((g, i) => playlistGenre.options[i].value !== g)) {
    playlistGenre.replaceChildren(...present.map((g) => el('option', { value: g, text: genreName(g) })));
    if (present.includes(/** @type {any} */ (current))) playlistGenre.value = current;
  }
  for (const option of playlistGenre.options) option.textContent = `${genreName(option.value)} (${c[option.value]})`;
  const noPlaylists = present.length === 0;
  for (const id of ['export-m3u', 'export-zip']) /** @type {HTMLButtonElement} */ ($(id)).disabled = noPlaylists;
  playlistGenre.disabled = noPlaylists;
}

/**
 * The filter's options: all files, each label, failed, pending (labels
 * change with the model in use); the choice is kept while it is listed.
 * @param {string[]} labels
 */
function syncFilterOptions(labels) {
  const values = ['', ...labels, 'failed', 'pending'];
  const options = [...genreFilter.options];
  if (options.length === values.length && options.every((o, i) => o.value === values[i])) return;
  const current = genreFilter.value;
  genreFilter.replaceChildren(...values.map((value) => el('option', { value, text: value })));
  if (values.includes(current)) {
    genreFilter.value = current;
  } else {
    genreFilter.value = '';
    table.setFilter('');
  }
}

genreFilter.addEventListener('change', () => {
  table.setFilter(/** @type {Filter} */ (genreFilter.value));
  scheduleStatus();
});

// Exports --------------------------------------------------------------------

/** The rows shown, as exported. @returns {ExportRow[]} */
function exportRows() {
  return table.shown().map((e) => ({
    path: e.path,
    folder: e.folder,
    status: e.status,
    result: e.result,
    error: e.error ? { code: e.error.code, message: e.error.detail } : null,
    ms: e.ms,
  }));
}

$('export-csv').addEventListener('click', () => download('genres.csv', toCsv(exportRows(), pageLabels()), 'text/csv;charset=utf-8'));
$('export-json').addEventListener('click', () => download('genres.json', toJson(exportRows()), 'application/json'));
$('export-m3u').addEventListener('click', () => {
  const genre = /** @type {any} */ (playlistGenre.value);
  const text = toPlaylists(exportRows(), pageLabels()).get(genre);
  if (text) download(`${genre}.m3u`, text, 'audio/x-mpegurl;charset=utf-8');
});
$('export-zip').addEventListener('click', () => {
  const files = [...toPlaylists(exportRows(), pageLabels())].map(([genre, text]) => ({ name: `${genre}.m3u`, text }));
  if (files.length > 0) download('playlists.zip', zip(files), 'application/zip');
});

// Input ----------------------------------------------------------------------

cancelButton.addEventListener('click', () => queue.cancel());

fileInput.addEventListener('change', () => {
  addCollected(collectFiles(fileInput.files ?? []));
  fileInput.value = '';
});

folderInput.addEventListener('change', () => {
  addCollected(collectFiles(folderInput.files ?? []), 'The chosen folder is empty: no files in it or its subfolders.');
  folderInput.value = '';
});

clearButton.addEventListener('click', () => {
  if (queue.busy) return;
  closeDetail(false);
  table.clear();
  queue.run = { total: 0, settled: 0, startedAt: 0, endedAt: 0 };
  collectNote.hidden = true;
  batchLive.textContent = '';
  renderStatus();
  fileInput.focus();
  // The worker's WebAssembly memory never shrinks: a fresh worker gives it back.
  classifier().then((c) => c.releaseMemory(), () => {});
});

/**
 * @param {string} state
 * @param {string} text
 */
function setEngineStatus(state, text) {
  engineStatus.dataset.state = state;
  engineStatus.textContent = text;
}

function warmUp() {
  builtIn().then(
    () =>
      setEngineStatus(
        'ready',
        inWorker
          ? 'Classifier ready. Everything runs on this device.'
          : 'Classifier ready, running on the page’s thread (no worker available). Everything runs on this device.',
      ),
    (err) => setEngineStatus('error', `The classifier could not start: ${explain(err).detail}`),
  );
}

// Dropping works anywhere on the page; the drop zone lights up while dragging.
let dragDepth = 0;
/**
 * @param {DragEvent} e
 * @returns {e is DragEvent & { dataTransfer: DataTransfer }}
 */
const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
document.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth += 1;
  document.body.dataset.dragging = 'true';
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) document.body.dataset.dragging = 'false';
});
document.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('drop', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  document.body.dataset.dragging = 'false';
  // Entries must be taken during the event; folders are walked afterwards.
  const items = droppedItems(e.dataTransfer);
  collectNote.textContent = 'Reading the dropped files…';
  collectNote.hidden = false;
  collectDropped(items).then(
    (collected) => addCollected(collected),
    (err) => {
      collectNote.textContent = `The dropped files could not be read: ${explain(err).detail}`;
    },
  );
});
dropzone.addEventListener('click', (e) => {
  if (e.target === dropzone) fileInput.click();
});

setupMicrophone({ button: $('mic-button'), panel: $('mic-live'), classifier });

// The model in use: the built-in one or a personal one (the table's filter
// and the exports follow its labels).
setupModelBar({ select: modelSelect, note: $('model-note') });
onModelChange(() => renderStatus());

// The Teach panel and its training module load only when it is opened.
const teachOpen = $('teach-open');
const teachBody = $('teach-body');
teachOpen.addEventListener('click', () => {
  const open = teachOpen.getAttribute('aria-expanded') !== 'true';
  teachOpen.setAttribute('aria-expanded', String(open));
  teachOpen.textContent = open ? 'Close' : 'Open';
  teachBody.hidden = !open;
  if (!open) return;
  teachBody.dataset.state = 'loading';
  import('./teach.js')
    .then((m) => m.openTeachPanel(teachBody))
    .then(
      () => {
        teachBody.dataset.state = 'ready';
      },
      (err) => {
        teachBody.dataset.state = 'error';
        teachBody.replaceChildren(errorBox(explain(err)));
      },
    );
});

// The service worker wants the whole site as its scope, so that it also
// serves the package's worker script (in ../js/); where the server does not
// allow that, it falls back to the page's own folder.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('sw.js', { scope: '../' })
    .catch(() => navigator.serviceWorker.register('sw.js'))
    .catch(() => {
      // Offline use is a bonus; the page works without it.
    });
}

renderStatus();
warmUp();
