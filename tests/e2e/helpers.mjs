// Shared by the page's end-to-end tests: paths, the browser's launch
// arguments, the static server and a page that records every request,
// console error and CSP violation.

import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { pcmWav } from '../../scripts/tune.mjs';

export { pcmWav, tuneWav } from '../../scripts/tune.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
export const GTZAN = resolve(ROOT, '..', 'shared', 'data', 'gtzan-subset', 'genres');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
export const GENRES = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
export const CLASSIFY_TIMEOUT = 120_000;

/** A 16-bit PCM mono WAV of `n` samples at `rate` Hz, all zero (fill from byte 44). */
export function monoWav(n, rate) {
  return pcmWav(n, rate, 1);
}

/** The package's static server on a free port; close() and listen() again (same port) for the offline test. */
export async function startServer() {
  let http = null;
  let port = 0;
  const api = {
    async listen() {
      http = await serve({ port, root: process.env.PAGE_ROOT || ROOT });
      port = http.address().port;
      api.origin = `http://127.0.0.1:${port}`;
      api.pageUrl = `${api.origin}/www/`;
    },
    async close() {
      if (!http) return;
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      http = null;
    },
  };
  await api.listen();
  return api;
}

/** A fresh context and page of `browser` on the page of `server`, once the classifier is ready. */
export async function openPage(browser, server, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('weberror', (e) => problems.push(`uncaught: ${e.error().message}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console: ${m.text()}`)));
  await page.goto(server.pageUrl);
  await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: CLASSIFY_TIMEOUT });
  return { context, page, requests, problems };
}

/** Every request went to the local server (or was a data: or blob: URL). */
export function checkOffsite(requests, origin) {
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the WebAssembly module request was recorded');
  const offsite = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(offsite, [], 'every request stays on the local server');
}

/** Waits until the results table has `count` rows, every one finished, and the queue is idle. */
export async function waitForBatch(page, count, timeout = CLASSIFY_TIMEOUT) {
  await page.waitForFunction(
    (n) => {
      if (document.getElementById('batch').dataset.state !== 'idle') return false;
      const rows = document.querySelectorAll('#results-table tbody tr');
      if (rows.length !== n) return false;
      for (const tr of rows) if (tr.dataset.status === 'queued' || tr.dataset.status === 'working') return false;
      return true;
    },
    count,
    { timeout, polling: 100 },
  );
}

/** What each row of the results table shows, in display order (hidden rows too, marked). */
export async function tableRows(page) {
  return page.$$eval('#results-table tbody tr', (rows) =>
    rows.map((tr) => ({
      id: Number(tr.dataset.id),
      path: tr.dataset.path,
      status: tr.dataset.status,
      genre: tr.dataset.genre ?? null,
      confident: tr.dataset.confident ?? null,
      errorCode: tr.dataset.errorCode ?? null,
      hidden: tr.hidden,
      cells: [...tr.cells].map((td) => td.textContent.trim()),
    })),
  );
}
