// The Teach panel, loaded when it is first opened: labels and their songs
// (analysed as they are added), training in a worker with its progress and
// loss curve, the estimate of the new model's accuracy, and the personal
// models kept on this device (use, rename, export, import, delete).

import { trainModel } from '../js/index.js';
import { builtIn, loadModel, modelInUse, renamedModel } from './classifier.js';
import { collectDropped, collectFiles, describeCollected, droppedItems, plural } from './collect.js';
import { errorBox, explain } from './errors.js';
import { describeEstimate, estimateElement } from './estimate.js';
import { el, throttledFrame } from './format.js';
import { drawLossCurve } from './losscurve.js';
import { modelStore, refreshModels, switchTo } from './modelbar.js';
import { defaultModelName, modelFileName, nameFromFile } from './models.js';
import { MAX_LABELS, MAX_LABEL_LENGTH, TrainingSet } from './teachset.js';
import { download } from './export.js';

/**
 * @import { TrainExample, TrainOptions, TrainedModel } from '../js/index.js'
 * @import { Collected } from './collect.js'
 * @import { ModelRecord } from './models.js'
 * @import { AnalyseFn, Label, Song } from './teachset.js'
 */

/**
 * @typedef {object} TrainingApi What the panel needs of the package.
 * @property {AnalyseFn} analyse A song's analysis windows (the built-in classifier's windowFeatures).
 * @property {(examples: TrainExample[], options: TrainOptions) => Promise<TrainedModel>} train
 */

/**
 * The package's training API, or why this browser cannot train.
 * @returns {Promise<{ api: TrainingApi, why: null } | { api: null, why: string }>}
 */
async function trainingApi() {
  // The package trains in a module worker of its own.
  if (typeof Worker === 'undefined') return { api: null, why: 'this browser has no Web Workers, which training runs in' };
  let c;
  try {
    c = await builtIn();
  } catch (err) {
    return { api: null, why: `the classifier could not start (${explain(err).detail})` };
  }
  return {
    why: null,
    api: {
      analyse: async (file, { signal, onProgress }) => {
        // Decoded and analysed once; training takes these features as they are.
        const features = await c.windowFeatures(file, { signal, onProgress: (f) => onProgress(f) });
        return { windows: features.windows, features };
      },
      train: (examples, options) => trainModel(examples, options),
    },
  };
}

let opened = false;

/**
 * Builds the panel into `body` (once) and shows it.
 * @param {HTMLElement} body
 */
export async function openTeachPanel(body) {
  if (opened) return;
  opened = true;
  const { api, why } = await trainingApi();
  buildPanel(body, api, why);
}

/**
 * @param {HTMLElement} body
 * @param {TrainingApi | null} api
 * @param {string | null} why Why there is no training, when `api` is null.
 */
function buildPanel(body, api, why) {
  // Labels ------------------------------------------------------------------
  const nameInput = el('input', { type: 'text', id: 'label-name', maxlength: MAX_LABEL_LENGTH, autocomplete: 'off', 'aria-describedby': 'label-problem' });
  const addButton = el('button', { type: 'submit', class: 'button', id: 'label-add', text: 'Add label' });
  const problem = el('p', { class: 'field-problem', id: 'label-problem', role: 'alert' });
  const labelForm = el(
    'form',
    { class: 'label-form', id: 'label-form' },
    el('label', { for: 'label-name', text: 'New label' }),
    nameInput,
    addButton,
    problem,
  );
  const unavailable = api
    ? null
    : el('p', {
        class: 'error-box wide',
        id: 'teach-unavailable',
        role: 'alert',
        text: `Training is not available here: ${why}. Your kept models can still be listed, exported and deleted.`,
      });
  const analysisStatus = el('p', { class: 'hint', id: 'teach-analysis', role: 'status' });
  const analysisProgress = el('progress', { id: 'teach-analysis-progress', max: '1', value: '0', hidden: true, 'aria-labelledby': 'teach-analysis' });
  const labelList = el('ul', { class: 'label-list', id: 'label-list' });

  // Training ------------------------------------------------------------------
  const trainButton = el('button', { type: 'button', class: 'button primary', id: 'train-button', text: 'Train', disabled: true, 'aria-describedby': 'train-status' });
  const cancelTrain = el('button', { type: 'button', class: 'button', id: 'train-cancel', text: 'Cancel', hidden: true });
  const trainStatus = el('p', { class: 'hint', id: 'train-status', role: 'status' });
  const trainProgress = el('progress', { id: 'train-progress', max: '1', value: '0', hidden: true, 'aria-labelledby': 'train-status' });
  const lossCanvas = el('canvas', { class: 'loss-curve', id: 'loss-curve', role: 'img', 'aria-label': 'Training loss per epoch', 'aria-describedby': 'loss-caption', hidden: true });
  const lossCaption = el('p', { class: 'hint', id: 'loss-caption' });
  const trainResult = el('div', { class: 'train-result', id: 'train-result' });

  // Kept models ---------------------------------------------------------------
  const modelList = el('ul', { class: 'model-list', id: 'model-list' });
  const importInput = el('input', { type: 'file', id: 'model-import', class: 'visually-hidden', accept: '.genremodel,application/octet-stream' });
  const importStatus = el('p', { class: 'hint', id: 'import-status', role: 'status' });

  body.replaceChildren(
    el(
      'div',
      { class: 'teach-step' },
      el('h3', { text: '1. Labels and songs' }),
      unavailable,
      el('p', { class: 'hint', text: `From 2 to ${MAX_LABELS} labels, a few songs each (more songs, and more varied ones, give a better model). Drop songs or a folder on a label, or pick them with its buttons.` }),
      labelForm,
      analysisStatus,
      analysisProgress,
      labelList,
    ),
    el(
      'div',
      { class: 'teach-step' },
      el('h3', { text: '2. Train' }),
      el('div', { class: 'train-controls' }, trainButton, cancelTrain),
      trainStatus,
      trainProgress,
      lossCanvas,
      lossCaption,
      trainResult,
    ),
    el(
      'div',
      { class: 'teach-step' },
      el('h3', { text: '3. Your models' }),
      el('p', { class: 'hint', text: 'Kept in this browser. Export one to keep a copy or use it in another browser; import a model file exported here.' }),
      modelList,
      el('div', { class: 'model-import' }, importInput, el('label', { for: 'model-import', class: 'button', text: 'Import a model file…' })),
      importStatus,
    ),
  );
  body.hidden = false;

  const set = new TrainingSet({
    analyse: api ? api.analyse : async () => Promise.reject(Object.assign(new Error('training is not available'), { code: 'unsupported' })),
    onChange: () => scheduleRender(),
  });
  /** @type {Map<number, { element: HTMLElement, counts: HTMLElement, songs: HTMLElement, rename: HTMLInputElement, problem: HTMLElement }>} */
  const labelViews = new Map();
  /** @type {AbortController | null} */
  let training = null;
  /** What became of the last training (until the next one starts). @type {string | null} */
  let lastTraining = null;

  /**
   * The loss curve and its words.
   * @param {number[]} losses
   * @param {number} epochs
   * @param {string} [which] Which training the curve is of.
   */
  function showLoss(losses, epochs, which = 'the model') {
    drawLossCurve(lossCanvas, losses, epochs);
    const finite = losses.filter(Number.isFinite);
    lossCanvas.dataset.points = String(finite.length);
    if (finite.length === 0) {
      lossCaption.textContent = '';
      return;
    }
    const of = epochs > 0 ? ` of ${epochs}` : '';
    lossCaption.textContent = `Training loss of ${which} (lower is better): ${finite[0].toFixed(3)} after the first epoch, ${finite[finite.length - 1].toFixed(3)} after epoch ${losses.length}${of}.`;
    lossCanvas.setAttribute('aria-label', `Training loss per epoch of ${which}, from ${finite[0].toFixed(3)} to ${finite[finite.length - 1].toFixed(3)}`);
  }

  for (const control of [nameInput, addButton]) control.disabled = !api;

  nameInput.addEventListener('input', () => {
    problem.textContent = '';
    nameInput.removeAttribute('aria-invalid');
  });
  labelForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const outcome = set.addLabel(nameInput.value);
    if ('problem' in outcome) {
      problem.textContent = outcome.problem;
      nameInput.setAttribute('aria-invalid', 'true');
      return;
    }
    problem.textContent = '';
    nameInput.removeAttribute('aria-invalid');
    nameInput.value = '';
    render();
    labelViews.get(outcome.label.id)?.rename.focus();
  });

  /**
   * Adds the audio of a drop or pick to a label and says what was found.
   * @param {Label} label
   * @param {Collected} collected
   */
  function addTo(label, collected) {
    const view = labelViews.get(label.id);
    const { added, duplicates } = set.addSongs(label.id, collected.audio);
    const said = describeCollected(collected);
    if (view) view.problem.textContent = duplicates > 0 ? `${said} ${plural(duplicates, 'song was', 'songs were')} already added, and left out.` : said;
    if (added > 0) render();
  }

  /** @param {Label} label */
  function labelView(label) {
    const id = `label-${label.id}`;
    const rename = el('input', { type: 'text', class: 'label-rename', id: `${id}-name`, value: label.name, maxlength: MAX_LABEL_LENGTH, 'aria-label': `Name of the label “${label.name}”` });
    const counts = el('span', { class: 'label-counts', id: `${id}-counts` });
    const remove = el('button', { type: 'button', class: 'button small subtle', text: 'Delete label', 'aria-describedby': `${id}-name` });
    const files = el('input', { type: 'file', id: `${id}-files`, class: 'visually-hidden', multiple: true, accept: 'audio/*,.wav,.mp3,.flac,.ogg,.oga,.opus,.m4a,.aac,.webm' });
    const folder = el('input', { type: 'file', id: `${id}-folder`, class: 'visually-hidden', webkitdirectory: true, multiple: true });
    const problemLine = el('p', { class: 'hint label-note', role: 'status' });
    const songs = el('ul', { class: 'song-list' });
    const element = el(
      'li',
      { class: 'label-card', 'data-label-id': label.id, 'data-label': label.name },
      el('div', { class: 'label-head' }, rename, counts, remove),
      el(
        'div',
        { class: 'label-drop', 'data-active': 'false' },
        el('span', { text: 'Drop songs or a folder here, or ' }),
        files,
        el('label', { for: files.id, class: 'button small', text: 'Add songs…' }),
        folder,
        el('label', { for: folder.id, class: 'button small', text: 'Add a folder…' }),
      ),
      problemLine,
      songs,
    );
    rename.addEventListener('change', () => {
      const why = set.renameLabel(label.id, rename.value);
      problemLine.textContent = why ?? '';
      if (why) rename.value = label.name;
      render();
    });
    remove.addEventListener('click', () => {
      set.removeLabel(label.id);
      render();
      nameInput.focus();
    });
    files.addEventListener('change', () => {
      addTo(label, collectFiles(files.files ?? []));
      files.value = '';
    });
    folder.addEventListener('change', () => {
      addTo(label, collectFiles(folder.files ?? []));
      folder.value = '';
    });
    // A drop on a label is the label's; the page's own drop handler (which
    // classifies) never sees it.
    const zone = element;
    zone.addEventListener('dragover', (e) => {
      if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'copy';
      zone.dataset.dragging = 'true';
    });
    zone.addEventListener('dragleave', () => {
      delete zone.dataset.dragging;
    });
    zone.addEventListener('drop', (e) => {
      if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
      e.preventDefault();
      e.stopPropagation();
      delete zone.dataset.dragging;
      document.body.dataset.dragging = 'false';
      const items = droppedItems(e.dataTransfer);
      problemLine.textContent = 'Reading the dropped files…';
      collectDropped(items).then(
        (collected) => addTo(label, collected),
        (err) => {
          problemLine.textContent = `The dropped files could not be read: ${explain(err).detail}`;
        },
      );
    });
    for (const control of [files, folder]) control.disabled = !api;
    return { element, counts, songs, rename, problem: problemLine };
  }

  /**
   * Song rows, kept across renders (a focused Remove button stays focused
   * while other songs are analysed); a row is written again only when its
   * song's state changed.
   * @type {Map<Song, { li: HTMLLIElement, state: HTMLElement, shown: string }>}
   */
  const songRows = new Map();

  /** @param {Song} song */
  function songRow(song) {
    let row = songRows.get(song);
    if (!row) {
      const remove = el('button', { type: 'button', class: 'button small subtle', text: 'Remove', 'aria-label': `Remove ${song.name}` });
      remove.addEventListener('click', () => {
        // Focus moves to the next song's Remove button, or the label's name.
        const li = songRows.get(song)?.li;
        const next = li?.nextElementSibling ?? li?.previousElementSibling;
        set.removeSong(song.id);
        render();
        const target = next?.querySelector('button') ?? labelViews.get(song.labelId)?.rename;
        target?.focus();
      });
      const state = el('span', { class: 'song-state' });
      const li = el('li', { class: 'song' }, el('span', { class: 'song-name', title: song.path, text: song.name }), state, remove);
      row = { li, state, shown: '' };
      songRows.set(song, row);
    }
    const key = `${song.status}:${Math.round(song.fraction * 100)}`;
    if (row.shown !== key) {
      row.shown = key;
      row.li.dataset.status = song.status;
      if (song.error) row.li.dataset.errorCode = song.error.code;
      if (song.analysis) row.li.dataset.windows = String(song.analysis.windows);
      if (song.status === 'working') row.state.textContent = `analysing ${Math.round(song.fraction * 100)}%`;
      else if (song.status === 'queued') row.state.textContent = 'waiting';
      else if (song.status === 'done' && song.analysis) row.state.textContent = plural(song.analysis.windows, 'analysis window');
      else if (song.error) row.state.replaceChildren(errorBox(song.error));
    }
    return row.li;
  }

  const scheduleRender = throttledFrame(() => render(), 150);

  function render() {
    // Labels, in order; views kept across renders (focus stays put).
    const ids = new Set(set.labels.map((l) => l.id));
    const kept = new Set(set.labels.flatMap((l) => l.songs));
    for (const song of songRows.keys()) if (!kept.has(song)) songRows.delete(song);
    for (const [id, view] of labelViews) {
      if (!ids.has(id)) {
        view.element.remove();
        labelViews.delete(id);
      }
    }
    for (const label of set.labels) {
      let view = labelViews.get(label.id);
      if (!view) {
        view = labelView(label);
        labelViews.set(label.id, view);
        labelList.append(view.element);
      }
      const c = TrainingSet.counts(label);
      view.element.dataset.label = label.name;
      view.element.dataset.songs = String(c.songs);
      view.element.dataset.windows = String(c.windows);
      view.element.dataset.waiting = String(c.waiting);
      view.element.dataset.failed = String(c.failed);
      if (document.activeElement !== view.rename) view.rename.value = label.name;
      view.rename.setAttribute('aria-label', `Name of the label “${label.name}”`);
      const extra = [c.waiting > 0 ? `${c.waiting} analysing` : '', c.failed > 0 ? `${c.failed} failed` : ''].filter(Boolean).join(', ');
      view.counts.textContent = `${plural(c.songs, 'song')} · ${plural(c.windows, 'analysis window')}${extra ? ` (${extra})` : ''}`;
      const items = label.songs.map(songRow);
      if (items.length !== view.songs.children.length || items.some((li, i) => view.songs.children[i] !== li)) view.songs.replaceChildren(...items);
    }
    const { done, total } = set.progress();
    analysisProgress.hidden = !set.busy;
    analysisProgress.value = total > 0 ? done / total : 0;
    const working = set.working;
    analysisStatus.textContent = set.busy
      ? `Analysing songs: ${Math.floor(done)} of ${total} done${working ? ` · now ${working.name}` : ''}…`
      : total > 0
        ? `${plural(total, 'song')} added; each is analysed once, so training does not read them again.`
        : '';
    analysisStatus.dataset.busy = String(set.busy);
    const blocker = api ? set.trainProblem() : `Training is not available here: ${why}.`;
    trainButton.disabled = !api || blocker !== null || training !== null;
    if (!training) trainStatus.textContent = blocker ?? lastTraining ?? `Ready to train on ${plural(set.examples().length, 'song')} in ${set.labels.length} labels.`;
  }

  // Training ------------------------------------------------------------------

  trainButton.addEventListener('click', () => train());
  cancelTrain.addEventListener('click', () => training?.abort());

  async function train() {
    if (!api || training || set.trainProblem()) return;
    const controller = new AbortController();
    training = controller;
    const labels = set.labels.map((l) => l.name);
    const counts = set.summary();
    /** @type {number[]} */
    const losses = [];
    let epochs = 0;
    trainButton.disabled = true;
    cancelTrain.hidden = false;
    trainProgress.hidden = false;
    trainProgress.value = 0;
    lossCanvas.hidden = false;
    trainResult.replaceChildren();
    trainStatus.textContent = 'Starting the training…';
    lastTraining = null;
    delete trainStatus.dataset.seconds;
    showLoss(losses, 0);
    let curveStage = '';
    let folds = 0;
    const started = performance.now();
    try {
      const result = await api.train(set.examples(), {
        signal: controller.signal,
        onProgress: (p) => {
          if (typeof p.fraction === 'number') trainProgress.value = Math.min(1, Math.max(0, p.fraction));
          if (typeof p.epochs === 'number') epochs = p.epochs;
          if (typeof p.epoch === 'number' && typeof p.loss === 'number') {
            // One curve per training: each cross-validation fold's, then the final model's.
            if (p.stage !== curveStage || p.epoch < losses.length) {
              losses.length = 0;
              curveStage = p.stage;
              folds += p.stage === 'estimate' ? 1 : 0;
            }
            losses[Math.max(0, p.epoch - 1)] = p.loss;
            showLoss(losses, epochs, curveStage === 'estimate' ? `cross-validation fold ${folds}` : 'the model');
          }
          trainStatus.textContent = `${stageText(p.stage)} ${Math.round((p.fraction ?? 0) * 100)}%`;
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const curve = Array.isArray(result.lossCurve) ? result.lossCurve : losses;
      showLoss(curve, curve.length, 'the model');
      trainProgress.value = 1;
      const store = await modelStore();
      const record = await store.add({
        name: defaultModelName(result.labels ?? labels, new Date()),
        labels: result.labels ?? labels,
        bytes: result.bytes,
        estimate: result.estimate ?? null,
        created: Date.now(),
        source: 'trained',
        counts,
      });
      lastTraining = `Trained in ${seconds.toFixed(1)} s and kept on this device as “${record.name}”. Read its estimate below before you rely on it.`;
      trainStatus.textContent = lastTraining;
      trainStatus.dataset.seconds = seconds.toFixed(2);
      showTrained(record);
      await refreshModels();
      renderModels();
    } catch (err) {
      const explained = explain(err);
      lastTraining = explained.code === 'cancelled' ? 'Training cancelled; no model was made.' : 'Training failed; no model was made.';
      trainStatus.textContent = lastTraining;
      if (explained.code !== 'cancelled') trainResult.replaceChildren(errorBox(explained));
      trainProgress.hidden = true;
    } finally {
      training = null;
      cancelTrain.hidden = true;
      render();
    }
  }

  /**
   * The estimate of a new model, and the button to use it.
   * @param {ModelRecord} record
   */
  function showTrained(record) {
    const use = el('button', { type: 'button', class: 'button primary', id: 'use-trained', text: `Use “${record.name}” on this page` });
    use.addEventListener('click', async () => {
      await switchTo(record.id);
      renderModels();
    });
    trainResult.replaceChildren(
      estimateElement(describeEstimate(record.estimate, record.labels, { counts: record.counts })),
      use,
    );
  }

  // Kept models ----------------------------------------------------------------

  async function renderModels() {
    /** @type {ModelRecord[]} */
    let models;
    try {
      models = await (await modelStore()).list();
    } catch (err) {
      modelList.replaceChildren(el('li', { class: 'hint', text: `Models cannot be kept in this browser: ${explain(err).detail}` }));
      return;
    }
    if (models.length === 0) {
      modelList.replaceChildren(el('li', { class: 'hint', text: 'No models yet: train one above or import a model file.' }));
      return;
    }
    modelList.replaceChildren(...models.map(modelItem));
  }

  /** @param {ModelRecord} m */
  function modelItem(m) {
    const inUse = modelInUse()?.id === m.id;
    const id = `model-${m.id}`;
    const name = el('input', { type: 'text', class: 'model-name', id: `${id}-name`, value: m.name, 'aria-label': `Name of the model “${m.name}”` });
    const use = el('button', { type: 'button', class: 'button small', text: inUse ? 'In use' : 'Use', disabled: inUse, 'data-action': 'use' });
    const exp = el('button', { type: 'button', class: 'button small', text: 'Export', 'data-action': 'export' });
    const del = el('button', { type: 'button', class: 'button small subtle', text: 'Delete', 'data-action': 'delete' });
    const view = describeEstimate(m.estimate, m.labels, { counts: m.counts, imported: m.source === 'imported' });
    const date = new Date(m.created).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    const details = el('details', { class: 'model-estimate' }, el('summary', { text: view.ok ? 'Estimate' : 'No estimate' }), estimateElement(view));
    name.addEventListener('change', async () => {
      try {
        const renamed = await (await modelStore()).rename(m.id, name.value);
        renamedModel(m.id, renamed.name);
        await refreshModels();
      } catch (err) {
        name.value = m.name;
        importStatus.textContent = `Not renamed: ${explain(err).detail}.`;
      }
      renderModels();
    });
    use.addEventListener('click', async () => {
      await switchTo(m.id);
      renderModels();
    });
    exp.addEventListener('click', () => download(modelFileName(m.name), /** @type {BlobPart} */ (m.bytes), 'application/octet-stream'));
    del.addEventListener('click', async () => {
      if (!confirm(`Delete the model “${m.name}” from this browser? Export it first to keep a copy.`)) return;
      await (await modelStore()).remove(m.id);
      await refreshModels();
      renderModels();
    });
    return el(
      'li',
      { class: 'model-item', 'data-model-id': m.id, 'data-in-use': String(inUse), 'data-labels': m.labels.join('\n') },
      el('div', { class: 'model-head' }, name, el('span', { class: 'model-actions' }, use, exp, del)),
      el('p', {
        class: 'card-meta',
        text: `${m.source === 'imported' ? 'Imported' : 'Trained'} ${date} · ${m.labels.length} labels: ${m.labels.join(', ')}${m.estimate?.available ? ` · estimated accuracy ${Math.round(m.estimate.accuracy * 100)}%` : ''}`,
      }),
      details,
    );
  }

  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file) return;
    importStatus.dataset.state = 'working';
    importStatus.textContent = `Reading ${file.name}…`;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      // The package's model loader is the judge of a model file.
      const { classifier, labels } = await loadModel(bytes);
      classifier.terminate();
      const record = await (await modelStore()).add({
        name: nameFromFile(file.name),
        labels,
        bytes,
        estimate: null,
        created: Date.now(),
        source: 'imported',
        counts: null,
      });
      importStatus.dataset.state = 'done';
      importStatus.textContent = `Imported “${record.name}” (${labels.join(', ')}).`;
      await refreshModels();
      renderModels();
    } catch (err) {
      const explained = explain(err);
      importStatus.dataset.state = 'error';
      importStatus.dataset.errorCode = explained.code;
      importStatus.replaceChildren(
        el('strong', { text: `${file.name} is not a model file this page can use. ` }),
        explained.detail,
      );
    }
  });

  render();
  renderModels();
  nameInput.focus();
}

/** @param {string | undefined} stage */
function stageText(stage) {
  switch (stage) {
    case 'analyse':
      return 'Analysing songs…';
    case 'estimate':
      return 'Estimating its accuracy: training without some songs, then judging them…';
    case 'train':
      return 'Training the model on every song…';
    default:
      return stage ? `${stage.charAt(0).toUpperCase()}${stage.slice(1)}…` : 'Training…';
  }
}
