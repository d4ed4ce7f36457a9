// Shared by the page's end-to-end tests: paths, the browser's launch
// arguments, the static server and a page that records every request,
// console error and CSP violation.

import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

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

/**
 * A 16-bit PCM WAV of `frames` frames of `channels` channels at `rate` Hz,
 * all zero: sample `i` of channel `c` is the int16 at byte 44 + 2 * (i * channels + c).
 */
export function pcmWav(frames, rate, channels) {
  const bytes = frames * channels * 2;
  const data = Buffer.alloc(44 + bytes);
  data.write('RIFF', 0);
  data.writeUInt32LE(36 + bytes, 4);
  data.write('WAVEfmt ', 8);
  data.writeUInt32LE(16, 16);
  data.writeUInt16LE(1, 20); // PCM
  data.writeUInt16LE(channels, 22);
  data.writeUInt32LE(rate, 24);
  data.writeUInt32LE(rate * 2 * channels, 28);
  data.writeUInt16LE(2 * channels, 32);
  data.writeUInt16LE(16, 34);
  data.write('data', 36);
  data.writeUInt32LE(bytes, 40);
  return data;
}

/**
 * A 16-bit WAV of `seconds` of a synthetic tune (chords, bass, hi-hat
 * noise), deterministic: mono, or stereo with the right channel a little
 * quieter.
 * @param {number} seconds
 * @param {number} [rate]
 * @param {1 | 2} [channels]
 */
export function tuneWav(seconds, rate = 44100, channels = 2) {
  const n = Math.round(seconds * rate);
  const data = pcmWav(n, rate, channels);
  const gains = [1, 0.7].slice(0, channels);
  const chords = [
    [220, 277.18, 329.63],
    [196, 246.94, 293.66],
    [174.61, 220, 261.63],
    [196, 246.94, 293.66],
  ];
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const s16 = (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767 * 0.8)));
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const chord = chords[Math.floor(t / 2) % chords.length];
    let v = 0;
    for (const f of chord) v += 0.12 * Math.sin(2 * Math.PI * f * t) + 0.04 * Math.sin(4 * Math.PI * f * t);
    const beat = t % 0.5;
    v += 0.25 * Math.sin(2 * Math.PI * (chord[0] / 2) * t) * Math.exp(-beat * 6);
    v += 0.08 * noise() * Math.exp(-((t + 0.25) % 0.5) * 40);
    gains.forEach((g, c) => data.writeInt16LE(s16(g * v), 44 + 2 * (i * channels + c)));
  }
  return data;
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
