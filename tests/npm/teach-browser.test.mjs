// trainModel in headless Chromium, on the repository's own package files
// served by scripts/serve.mjs: the teach module is fetched only when a model
// is trained, training runs in its worker with progress, the personal model
// classifies in the worker pool and on the calling thread alike, and
// aborting terminates the training at once.
// Needs the package built (npm run build).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/build.mjs';
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>teach test</title></head><body>
<script type="module">
import { createClassifier, trainModel, GenreError } from '/js/index.js';
// The songs of tests/npm/teach.test.mjs: a drone, a beat, a bright arpeggio.
import { KINDS, RATE, song } from '/tests/npm/songs.mjs';

window.classifyRun = async () => {
  const c = await createClassifier({ workers: 2 });
  const r = await c.classifySamples(song('beat', 1), RATE);
  const f = await c.windowFeatures({ samples: song('beat', 1), sampleRate: RATE });
  c.terminate();
  return { genre: r.genre, windows: f.windows };
};

window.teachRun = async () => {
  const classifier = await createClassifier({ workers: 2 });
  const examples = [];
  for (const kind of KINDS) {
    for (let k = 0; k < 4; k++) examples.push({ label: kind, features: await classifier.windowFeatures({ samples: song(kind, k), sampleRate: RATE }) });
  }
  const progress = [];
  const t0 = performance.now();
  const trained = await trainModel(examples, { seed: 7, onProgress: (p) => progress.push(p) });
  const seconds = (performance.now() - t0) / 1000;
  const pool = await createClassifier({ model: trained.bytes, workers: 2 });
  const local = await createClassifier({ model: trained.bytes.slice().buffer, worker: false });
  const held = [];
  for (const kind of KINDS) {
    for (const k of [4, 5]) {
      const y = song(kind, k);
      const [a, b] = [await pool.classifySamples(y, RATE), await local.classifySamples(y, RATE)];
      held.push({ kind, genre: a.genre, same: JSON.stringify(a) === JSON.stringify(b) });
    }
  }
  let badModel = null;
  try {
    await createClassifier({ model: new Uint8Array([71, 69, 78]) });
  } catch (e) {
    badModel = { code: e.code, isGenreError: e instanceof GenreError };
  }
  pool.terminate();
  local.terminate();
  classifier.terminate();
  return {
    seconds, labels: trained.labels, estimate: trained.estimate, lossCurve: trained.lossCurve,
    stages: [...new Set(progress.map((p) => p.stage))], lastFraction: progress.at(-1).fraction,
    genres: pool.genres, held, badModel, bytes: trained.bytes.length,
  };
};

window.abortRun = async () => {
  const classifier = await createClassifier();
  const examples = [];
  for (const kind of KINDS) {
    for (let k = 0; k < 3; k++) examples.push({ label: kind, features: await classifier.windowFeatures({ samples: song(kind, k), sampleRate: RATE }) });
  }
  classifier.terminate();
  const controller = new AbortController();
  let epochs = 0;
  const t0 = performance.now();
  let error = null;
  try {
    await trainModel(examples, {
      mode: 'fine-tune',
      signal: controller.signal,
      onProgress: () => {
        epochs += 1;
        if (epochs === 2) controller.abort();
      },
    });
  } catch (e) {
    error = { code: e.code, isGenreError: e instanceof GenreError };
  }
  const abortedAfter = (performance.now() - t0) / 1000;
  // Training works again afterwards.
  const again = await trainModel(examples, { seed: 3 });
  return { error, epochs, abortedAfter, again: again.labels };
};

window.__ready = true;
</script></body></html>`;

let server;
let browser;
let page;
const logs = [];
/** Every URL the page and its workers requested. */
const requested = [];

before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'teach', 'genre_teach_bg.wasm')), 'build the package first (npm run build)');
  assert.ok(existsSync(join(ROOT, 'js', 'teach-worker.js')), 'build the package first (npm run build)');
  server = await serve({ root: ROOT, port: 0, pages: { '/teach.html': PAGE } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(e.message));
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`http://127.0.0.1:${server.address().port}/teach.html`);
  await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const run = (fn) => page.evaluate((name) => window[name](), fn);

test('trainModel trains in its worker; the teach module is fetched only then', { timeout: 300_000 }, async (t) => {
  const teach = () => requested.filter((u) => /genre_teach_bg\.wasm|teach-worker\.js/.test(u));
  const c = await run('classifyRun');
  assert.ok(c.windows >= 2 && requested.some((u) => u.endsWith('/genre_classifier_bg.wasm')), JSON.stringify(c));
  assert.deepEqual(teach(), [], 'classifying fetched the teach module');
  const r = await run('teachRun');
  const what = logs.join('\n');
  assert.equal(teach().length, 2, `${teach()}\n${what}`);
  assert.deepEqual(r.labels, ['drone', 'beat', 'bright']);
  assert.deepEqual(r.genres, r.labels);
  assert.deepEqual(r.stages, ['estimate', 'train']);
  assert.equal(r.lastFraction, 1);
  assert.ok(r.estimate.available && r.estimate.balancedAccuracy >= 0.75, JSON.stringify(r.estimate));
  assert.ok(r.lossCurve.at(-1) < r.lossCurve[0]);
  // The worker pool and the calling thread give the same results with the personal model.
  assert.ok(r.held.every((h) => h.same), JSON.stringify(r.held));
  assert.ok(r.held.filter((h) => h.genre === h.kind).length >= 5, JSON.stringify(r.held));
  assert.deepEqual(r.badModel, { code: 'model', isGenreError: true });
  t.diagnostic(`3 labels x 4 songs (5 s) trained in ${r.seconds.toFixed(2)} s in Chromium's worker (estimate and model); ${r.bytes} bytes`);
});

test('aborting terminates the training worker', { timeout: 300_000 }, async (t) => {
  const r = await run('abortRun');
  assert.deepEqual(r.error, { code: 'cancelled', isGenreError: true }, logs.join('\n'));
  assert.deepEqual(r.again, ['drone', 'beat', 'bright']);
  t.diagnostic(`rejected ${r.abortedAfter.toFixed(2)} s after the start, after ${r.epochs} epochs reported`);
});
