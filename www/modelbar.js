// The model picker at the top of the page: the built-in model or one of the
// personal models kept on this device. The choice applies to the whole page
// (files, folders, microphone) and is remembered across visits.

import { labelsInUse, modelInUse, onModelChange, useModel } from './classifier.js';
import { explain } from './errors.js';
import { el } from './format.js';
import { openModelStore } from './models.js';

/** @import { ModelRecord, ModelStore } from './models.js' */

/** Where the id of the model in use is remembered (localStorage). */
const REMEMBERED = 'genre-classifier.model';

/** @type {Promise<ModelStore> | null} */
let storePending = null;

/** The model store, opened on first use. */
export function modelStore() {
  if (!storePending) {
    storePending = openModelStore();
    storePending.catch(() => {
      storePending = null;
    });
  }
  return storePending;
}

/** @type {{ select: HTMLSelectElement, note: HTMLElement } | null} */
let parts = null;
/** @type {ModelRecord[]} */
let listed = [];

/**
 * @param {{ select: HTMLSelectElement, note: HTMLElement }} elements
 */
export function setupModelBar(elements) {
  parts = elements;
  const { select } = elements;
  select.addEventListener('change', () => {
    const id = select.value === '' ? null : Number(select.value);
    switchTo(id);
  });
  onModelChange(() => {
    syncSelect();
    describe();
  });
  refreshModels().then(() => {
    const remembered = Number(readRemembered());
    if (remembered && listed.some((m) => m.id === remembered)) switchTo(remembered);
  });
}

/**
 * Switches the page's model (null: the built-in one) and says so.
 * @param {number | null} id
 */
export async function switchTo(id) {
  if (!parts) return;
  const { select, note } = parts;
  select.disabled = true;
  try {
    if (id === null) {
      await useModel(null);
    } else {
      const record = listed.find((m) => m.id === id) ?? (await (await modelStore()).get(id));
      if (!record) throw Object.assign(new Error('this model is no longer kept on this device'), { code: 'model' });
      note.dataset.state = 'loading';
      note.textContent = `Loading “${record.name}”…`;
      await useModel(record);
    }
    remember(id);
    describe();
  } catch (err) {
    const { detail } = explain(err);
    note.dataset.state = 'error';
    note.textContent = `That model could not be used: ${detail}. Still classifying with ${modelInUse() ? `“${modelInUse()?.name}”` : 'the built-in model'}.`;
    syncSelect();
  } finally {
    select.disabled = false;
  }
}

/** Lists the kept models again (after one was added, renamed or deleted). */
export async function refreshModels() {
  try {
    listed = await (await modelStore()).list();
  } catch {
    listed = [];
  }
  if (!parts) return;
  const { select } = parts;
  select.replaceChildren(
    el('option', { value: '', text: 'Built-in: 10 GTZAN genres' }),
    ...listed.map((m) => el('option', { value: m.id, text: `${m.name} (${m.labels.length} labels)` })),
  );
  syncSelect();
  // A model in use that was deleted: back to the built-in one.
  const inUse = modelInUse();
  if (inUse && !listed.some((m) => m.id === inUse.id)) await switchTo(null);
}

function syncSelect() {
  if (!parts) return;
  parts.select.value = String(modelInUse()?.id ?? '');
}

function describe() {
  if (!parts) return;
  const { note } = parts;
  const model = modelInUse();
  note.dataset.state = model ? 'personal' : 'built-in';
  note.textContent = model
    ? `Classifying with your model “${model.name}”: ${labelsInUse().join(', ')}.`
    : 'Classifying with the built-in model. Teach it your own genres below.';
}

/** @param {number | null} id */
function remember(id) {
  try {
    if (id === null) localStorage.removeItem(REMEMBERED);
    else localStorage.setItem(REMEMBERED, String(id));
  } catch {
    // Storage may be off for this page: the choice then lasts this visit.
  }
}

function readRemembered() {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
}
