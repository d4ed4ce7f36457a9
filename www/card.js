// One result card per file: queued -> working (progress) -> done or error.

import { errorBox, explain } from './errors.js';
import { bytes, el } from './format.js';
import { renderResult } from './render.js';

/** @import { Classification, ProgressStage } from '../js/index.js' */

/** @type {Record<string, string>} */
const STAGES = {
  queued: 'Waiting for its turn…',
  read: 'Reading the file…',
  decode: 'Decoding audio…',
  resample: 'Resampling…',
  features: 'Extracting features…',
  analyse: 'Analysing…',
  classify: 'Classifying…',
  mel: 'Drawing the spectrogram…',
  done: 'Done.',
};

/** @param {string} [stage] */
function stageText(stage) {
  if (!stage) return 'Working…';
  return STAGES[stage] ?? `${stage.charAt(0).toUpperCase()}${stage.slice(1)}…`;
}

let counter = 0;

/**
 * A card for `file`, with methods to report progress, a result or an error.
 * @param {File} file
 */
export function createFileCard(file) {
  const id = `card-${++counter}`;
  const controller = new AbortController();
  const title = el('h3', { id: `${id}-title`, text: file.name || 'Untitled' });
  const meta = el('p', { class: 'card-meta', text: `${bytes(file.size)}${file.type ? ` · ${file.type}` : ''}` });
  const cancel = el('button', { type: 'button', class: 'button small subtle', 'aria-describedby': title.id, text: 'Cancel' });
  const progress = el('progress', { max: '1', value: '0', 'aria-labelledby': `${id}-status` });
  const status = el('p', { id: `${id}-status`, class: 'status', text: stageText('queued') });
  const progressRow = el('div', { class: 'progress-row' }, status, progress);
  const live = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const body = el('div', { class: 'result' });

  const element = el(
    'li',
    { class: 'card', id, 'data-state': 'queued', 'data-file-name': file.name, 'aria-labelledby': title.id, 'aria-busy': 'true' },
    el('div', { class: 'card-head' }, el('div', { class: 'card-title' }, title, meta), cancel),
    progressRow,
    live,
    body,
  );
  cancel.addEventListener('click', () => controller.abort());

  let lastStage = '';
  /** @param {string} state */
  const finish = (state) => {
    element.dataset.state = state;
    element.removeAttribute('aria-busy');
    cancel.remove();
    progressRow.remove();
  };

  return {
    element,
    signal: controller.signal,
    start() {
      element.dataset.state = 'working';
      status.textContent = stageText('read');
    },
    /**
     * @param {number} fraction
     * @param {ProgressStage} stage
     */
    onProgress(fraction, stage) {
      if (Number.isFinite(fraction)) progress.value = Math.min(1, Math.max(0, fraction));
      if (stage && stage !== lastStage) {
        lastStage = stage;
        status.textContent = stageText(stage);
      }
    },
    /** @param {Classification} result */
    done(result) {
      finish('done');
      renderResult(body, element, result, file.name || 'this file');
      live.textContent = `${file.name}: ${result.genre}${result.confident === false ? ' (unsure)' : ''}.`;
    },
    /** @param {any} err */
    fail(err) {
      finish('error');
      const explained = explain(err);
      element.dataset.errorCode = explained.code;
      body.replaceChildren(errorBox(explained));
    },
  };
}
