// Page wiring: file picking and dropping, the per-file queue, the
// microphone panel and the offline service worker.

import { classifier, inWorker } from './classifier.js';
import { createFileCard } from './card.js';
import { explain } from './errors.js';
import { setupMicrophone } from './mic.js';

/** Mel spectrogram columns requested per file. */
const MEL_COLUMNS = 480;

/**
 * @typedef {{ file: File, card: ReturnType<typeof createFileCard> }} Job
 */

/**
 * The element of the page with this id (index.html has each asked for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const cards = $('cards');
const emptyNote = $('empty-note');
const clearButton = $('clear-button');
const engineStatus = $('engine-status');
const dropzone = $('dropzone');
const fileInput = /** @type {HTMLInputElement} */ ($('file-input'));

/** @type {Job[]} */
const queue = [];
let running = false;

/**
 * @param {string} state
 * @param {string} text
 */
function setEngineStatus(state, text) {
  engineStatus.dataset.state = state;
  engineStatus.textContent = text;
}

function warmUp() {
  classifier().then(
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

function updateEmpty() {
  const any = cards.children.length > 0;
  emptyNote.hidden = any;
  clearButton.hidden = !any || running;
}

/**
 * Adds one card per file and processes them one after another.
 * @param {File[]} files
 */
function addFiles(files) {
  const batch = document.createDocumentFragment();
  for (const file of files) {
    const card = createFileCard(file);
    batch.append(card.element);
    queue.push({ file, card });
  }
  // Newest batch on top, files of a batch in the order given.
  cards.prepend(batch);
  updateEmpty();
  pump();
}

async function pump() {
  if (running) return;
  running = true;
  updateEmpty();
  try {
    while (queue.length > 0) {
      const { file, card } = /** @type {Job} */ (queue.shift());
      if (card.signal.aborted) {
        card.fail({ code: 'cancelled', message: 'Cancelled before it started.' });
        continue;
      }
      card.start();
      try {
        const c = await classifier();
        const result = await c.classifyFile(file, {
          onProgress: (fraction, stage) => card.onProgress(fraction, stage),
          signal: card.signal,
          melColumns: MEL_COLUMNS,
        });
        card.done(result);
      } catch (err) {
        card.fail(err);
      }
    }
  } finally {
    running = false;
    updateEmpty();
  }
}

fileInput.addEventListener('change', () => {
  addFiles([...(fileInput.files ?? [])]);
  fileInput.value = '';
});

clearButton.addEventListener('click', () => {
  cards.replaceChildren();
  updateEmpty();
  fileInput.focus();
});

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
  addFiles([...e.dataTransfer.files]);
});
dropzone.addEventListener('click', (e) => {
  if (e.target === dropzone) fileInput.click();
});

setupMicrophone({ button: $('mic-button'), panel: $('mic-live'), classifier });

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

updateEmpty();
warmUp();
