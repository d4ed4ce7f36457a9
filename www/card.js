// One result card per file: queued -> working (progress) -> done or error.

import { errorBox, explain } from './errors.js';
import { bytes, el } from './format.js';
import { melFigure, renderResult } from './render.js';

/** @import { Classification, MelImage, ProgressStage } from '../js/index.js' */

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
 * `controller` (optional) is the one whose abort the Cancel button calls (a
 * file of a batch shares its queue's); `meta` replaces the size/type line;
 * `actions` are more buttons for the card's head.
 * @param {File} file
 * @param {{ controller?: AbortController, meta?: string, actions?: HTMLElement[] }} [options]
 */
export function createFileCard(file, { controller = new AbortController(), meta: metaText, actions = [] } = {}) {
  const id = `card-${++counter}`;
  const label = file.name || 'this file';
  const title = el('h3', { id: `${id}-title`, tabindex: '-1', text: file.name || 'Untitled' });
  const meta = el('p', { class: 'card-meta', text: metaText ?? `${bytes(file.size)}${file.type ? ` · ${file.type}` : ''}` });
  const cancel = el('button', { type: 'button', class: 'button small subtle', 'aria-describedby': title.id, text: 'Cancel' });
  const progress = el('progress', { max: '1', value: '0', 'aria-labelledby': `${id}-status` });
  const status = el('p', { id: `${id}-status`, class: 'status', text: stageText('queued') });
  const progressRow = el('div', { class: 'progress-row' }, status, progress);
  const live = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const body = el('div', { class: 'result' });
  /** Stands where the mel image goes while it is computed (see `done`). */
  const melSlot = el('p', { class: 'mel-pending wide', text: 'Drawing the spectrogram…' });
  /** @type {Classification | null} */
  let shown = null;

  const element = el(
    'article',
    { class: 'card', id, 'data-state': 'queued', 'data-file-name': file.name, 'aria-labelledby': title.id, 'aria-busy': 'true' },
    el('div', { class: 'card-head' }, el('div', { class: 'card-title' }, title, meta), el('div', { class: 'card-actions' }, cancel, actions)),
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
    title,
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
    /**
     * Shows the result. With `melPending`, a result without a mel image
     * leaves a place for it, which `mel` fills (or `noMel` removes).
     * @param {Classification} result
     * @param {{ melPending?: boolean }} [options]
     */
    done(result, { melPending = false } = {}) {
      finish('done');
      shown = result;
      const pending = melPending && !result.mel;
      element.dataset.mel = result.mel ? 'ready' : pending ? 'pending' : 'none';
      renderResult(body, element, result, label, pending ? melSlot : null);
      live.textContent = `${file.name}: ${result.genre}${result.confident === false ? ' (unsure)' : ''}.`;
    },
    /**
     * Fills the place left for the mel image.
     * @param {MelImage} mel
     */
    mel(mel) {
      if (!shown || !melSlot.isConnected) return;
      const figure = melFigure(mel, shown.duration, label);
      if (figure) melSlot.replaceWith(figure);
      else melSlot.remove();
      element.dataset.mel = figure ? 'ready' : 'none';
    },
    /** Removes the place left for the mel image (it could not be computed). */
    noMel() {
      melSlot.remove();
      if (element.dataset.mel === 'pending') element.dataset.mel = 'none';
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
