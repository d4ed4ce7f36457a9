// End-to-end tests of whole music libraries on the page: a folder tree
// generated at test time (real GTZAN clips from ../shared/data, bad files,
// odd names, nested and empty folders) is set on the folder input; the
// results table, its sorting and genre filter, the detail card, the CSV,
// JSON and M3U downloads, cancelling and the tab's memory are checked. A
// 200-file folder measures files per second, and 1000 tiny files the
// table's responsiveness (reported, not asserted). Figures go to
// tests/artifacts/library-metrics.json.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  GENRES,
  GTZAN,
  LAUNCH_ARGS,
  checkOffsite,
  monoWav,
  openPage,
  startServer,
  tableRows,
  waitForBatch,
} from './helpers.mjs';

const MiB = 1024 * 1024;
const metrics = {};

let server;
let browser;
let base;

before(async () => {
  assert.ok(existsSync(GTZAN), `the GTZAN subset is missing: expected ${GTZAN}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  base = mkdtempSync(join(tmpdir(), 'genre-library-'));
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (base) rmSync(base, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, 'library-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log('library metrics:', JSON.stringify(metrics));
});

/** The FLAC clips of a genre, sorted. */
function clips(genre) {
  return readdirSync(join(GTZAN, genre))
    .filter((f) => f.endsWith('.flac'))
    .sort()
    .map((name) => join(GTZAN, genre, name));
}

/** A WAV of digital silence (a valid file with nothing to classify). */
const silentWav = (seconds, rate = 22050) => monoWav(Math.round(seconds * rate), rate);

/**
 * A library of 40 audio files under `<dir>/Music`: three clips per genre in
 * genre folders, seven clips with odd names in nested folders, three bad
 * files; plus four files that are not audio and an empty folder.
 * Returns each audio file's path (relative to `dir`) and expected outcome.
 */
function buildLibrary(dir) {
  const audio = [];
  const write = (rel, data) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
  };
  const copy = (rel, src) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    copyFileSync(src, join(dir, rel));
    audio.push({ path: rel, status: 'done', code: null });
  };
  for (const genre of GENRES) {
    for (const src of clips(genre).slice(0, 3)) copy(`Music/${genre}/${src.slice(src.lastIndexOf('/') + 1)}`, src);
  }
  const odd = [
    'Music/Live/2019/Night, "One"/Track 01 – “Quoted”, with comma.flac',
    'Music/Live/2019/Night, "One"/ünïcødé 曲 🎵.flac',
    "Music/Live/it's  two  spaces .flac",
    'Music/A/B/C/D/deep #1 & more; (final).flac',
    "Music/Ω folder/Ölrich's 'single' quotes.FLAC",
    'Music/jazz/More/100% "jazz", really.flac',
    'Music/jazz/More/line,with,commas,,.flac',
  ];
  odd.forEach((rel, i) => copy(rel, clips(GENRES[i])[4]));
  write('Music/Broken/empty.wav', Buffer.alloc(0));
  audio.push({ path: 'Music/Broken/empty.wav', status: 'error', code: 'empty' });
  write('Music/Broken/not really.mp3', Buffer.from('This is a text file with an .mp3 name.\n'.repeat(50)));
  audio.push({ path: 'Music/Broken/not really.mp3', status: 'error', code: 'decode' });
  write('Music/Broken/silence.wav', silentWav(3));
  audio.push({ path: 'Music/Broken/silence.wav', status: 'error', code: 'no-music' });
  write('Music/cover.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
  write('Music/notes.txt', 'liner notes\n');
  write('Music/Broken/.DS_Store', Buffer.alloc(16));
  write('Music/rock/old playlist.m3u', '#EXTM3U\n');
  mkdirSync(join(dir, 'Music', 'Empty', 'Nothing here'), { recursive: true });
  return { audio, skipped: 4 };
}

/** RFC 4180 CSV to rows of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The entries of a zip of stored (uncompressed) files: name -> text. */
function readStoredZip(buf) {
  const out = new Map();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    assert.equal(buf.readUInt16LE(at + 8), 0, 'stored entries');
    const size = buf.readUInt32LE(at + 18);
    const nameLength = buf.readUInt16LE(at + 26);
    const extra = buf.readUInt16LE(at + 28);
    const name = buf.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extra;
    out.set(name, buf.toString('utf8', start, start + size));
    at = start + size;
  }
  assert.equal(buf.readUInt32LE(at), 0x02014b50, 'the central directory follows the entries');
  return out;
}

/** Clicks a download button; returns the file's name and contents. */
async function downloadOf(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), buffer: readFileSync(path) };
}

/**
 * The page's memory after a full garbage collection: the JS heap, Blink's
 * heap (the DOM) and ArrayBuffer contents (decoded audio would be there),
 * with their total, in MiB; DOM nodes; and the worker's WebAssembly memory.
 */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const u = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('Performance.enable');
  const { metrics: perf } = await cdp.send('Performance.getMetrics');
  let wasm = null;
  for (const worker of page.workers()) {
    try {
      wasm = await worker.evaluate(async (url) => (await import(url)).memoryBytes(), `${server.origin}/js/engine.js`);
    } catch {
      // Not the package's worker.
    }
  }
  const mib = (n) => +(n / MiB).toFixed(1);
  const arrayBuffers = u.backingStorageSize ?? 0;
  return {
    totalMiB: mib(u.usedSize + (u.embedderHeapUsedSize ?? 0) + arrayBuffers),
    jsHeapMiB: mib(u.usedSize),
    domHeapMiB: mib(u.embedderHeapUsedSize ?? 0),
    arrayBuffersMiB: mib(arrayBuffers),
    domNodes: perf.find((m) => m.name === 'Nodes')?.value ?? null,
    wasmMiB: wasm === null ? null : mib(wasm),
  };
}

/** Clicks a column's sort button and returns the rows once the header shows the order. */
async function sortBy(page, column, direction) {
  await page.click(`th[data-column="${column}"] .sort-button`);
  await page.waitForSelector(`th[data-column="${column}"][aria-sort="${direction}"]`);
  return tableRows(page);
}

const COLS = { file: 0, folder: 1, genre: 2, confidence: 3, top3: 4, duration: 5, time: 6, status: 7 };

/** Asserts that the present values are in order and the missing ones last. */
function assertSorted(values, compare, label) {
  const present = values.filter((v) => v !== null);
  const firstMissing = values.indexOf(null);
  if (firstMissing >= 0) assert.ok(values.slice(firstMissing).every((v) => v === null), `${label}: missing values last`);
  for (let i = 1; i < present.length; i++) assert.ok(compare(present[i - 1], present[i]) <= 0, `${label}: ${present[i - 1]} before ${present[i]}`);
}

const percentOf = (s) => (s === '' ? null : Number.parseFloat(s));
const secondsOf = (s) => {
  if (s === '') return null;
  const [m, sec] = s.split(':').map(Number);
  return m * 60 + sec;
};

test('a music folder: one row per file, sorting, genre filter, downloads, detail card, cancel, bounded memory', { timeout: 420_000 }, async () => {
  const dir = join(base, 'lib40');
  const { audio, skipped } = buildLibrary(dir);
  assert.equal(audio.length, 40);
  const expected = new Map(audio.map((a) => [a.path, a]));

  const { context, page, requests, problems } = await openPage(browser, server);
  const cdp = await context.newCDPSession(page);
  const before = await memory(page, cdp);
  await page.evaluate(() => {
    window.__maxWorking = 0;
    setInterval(() => {
      const n = document.querySelectorAll('#results-table tr[data-status="working"]').length;
      window.__maxWorking = Math.max(window.__maxWorking, n);
    }, 10);
  });

  const t0 = Date.now();
  await page.setInputFiles('#folder-input', join(dir, 'Music'));
  await page.waitForSelector('#batch[data-state="running"]');
  assert.match(await page.textContent('#batch-status'), /^\d+ of 40 files done · Now: Music\//);
  assert.equal(await page.isVisible('#cancel-button'), true, 'Cancel is offered while the batch runs');
  await waitForBatch(page, 40, 300_000);
  const seconds = (Date.now() - t0) / 1000;
  metrics.files40 = { files: 40, seconds: +seconds.toFixed(1), filesPerSecond: +(40 / seconds).toFixed(2) };

  assert.equal(
    await page.textContent('#collect-note'),
    `Added 40 audio files from “Music”; ${skipped} files skipped (not audio).`,
  );
  assert.equal(await page.getAttribute('#batch-progress', 'value'), '1');
  assert.match(await page.textContent('#batch-status'), /^40 files: 37 classified, 3 failed or cancelled\. The last batch: 40 files in [\d.]+ s \([\d.]+ files\/s\)\.$/);
  assert.equal(await page.isVisible('#cancel-button'), false);
  const maxWorking = await page.evaluate(() => window.__maxWorking);
  assert.ok(maxWorking >= 1 && maxWorking <= 2, `at most two files at a time (saw ${maxWorking})`);

  // One row per audio file, each with its own outcome.
  let rows = await tableRows(page);
  assert.equal(rows.length, 40);
  assert.deepEqual(new Set(rows.map((r) => r.path)), new Set(expected.keys()));
  for (const row of rows) {
    const want = expected.get(row.path);
    assert.equal(row.status, want.status, `${row.path}: ${row.cells[COLS.status]}`);
    assert.equal(row.errorCode, want.code, row.path);
    if (row.status === 'done') {
      assert.ok(GENRES.includes(row.genre), row.path);
      assert.match(row.cells[COLS.confidence], /^\d+\.\d%$/);
      assert.match(row.cells[COLS.duration], /^0:(29|30)$/, `${row.path}: a 30 s clip`);
      assert.match(row.cells[COLS.time], /^\d+\.\d\d s$/);
    } else {
      assert.match(row.cells[COLS.status], /^Failed: .{10,}/, `${row.path}: the message of errors.js`);
    }
    const cut = row.path.lastIndexOf('/');
    assert.equal(row.cells[COLS.file], row.path.slice(cut + 1));
    assert.equal(row.cells[COLS.folder], row.path.slice(0, cut));
  }
  const byStatus = (s) => rows.filter((r) => r.status === s).length;
  assert.deepEqual({ done: byStatus('done'), error: byStatus('error') }, { done: 37, error: 3 });
  assert.match(rows.find((r) => r.errorCode === 'decode').cells[COLS.status], /could not be decoded/);
  assert.match(rows.find((r) => r.errorCode === 'empty').cells[COLS.status], /holds no audio/);
  assert.match(rows.find((r) => r.errorCode === 'no-music').cells[COLS.status], /No music was detected/);
  const classified = rows.filter((r) => r.status === 'done');
  assert.ok(new Set(classified.map((r) => r.genre)).size >= 3, 'real clips of ten genres get several genres');

  // Sorting, by each kind of column.
  rows = await sortBy(page, 'confidence', 'ascending');
  assertSorted(rows.map((r) => percentOf(r.cells[COLS.confidence])), (a, b) => a - b, 'confidence ascending');
  rows = await sortBy(page, 'confidence', 'descending');
  assertSorted(rows.map((r) => percentOf(r.cells[COLS.confidence])), (a, b) => b - a, 'confidence descending');
  assert.equal(rows.length, 40);
  rows = await sortBy(page, 'duration', 'ascending');
  assertSorted(rows.map((r) => secondsOf(r.cells[COLS.duration])), (a, b) => a - b, 'duration');
  rows = await sortBy(page, 'genre', 'ascending');
  const genreCells = rows.map((r) => (r.genre ? r.cells[COLS.genre].replace(/\s*guess$/, '') : null));
  assertSorted(genreCells, (a, b) => a.localeCompare(b), 'genre');
  rows = await sortBy(page, 'file', 'ascending');
  const collated = await page.evaluate((names) => {
    const c = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    return [...names].sort((a, b) => c.compare(a, b));
  }, rows.map((r) => r.cells[COLS.file]));
  assert.deepEqual(rows.map((r) => r.cells[COLS.file]), collated, 'file names in natural order');
  rows = await sortBy(page, 'time', 'ascending');
  assertSorted(rows.map((r) => Number.parseFloat(r.cells[COLS.time])), (a, b) => a - b, 'time');

  // The genre filter.
  const counts = {};
  for (const r of classified) counts[r.genre] = (counts[r.genre] ?? 0) + 1;
  const [topGenre, topCount] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  await page.selectOption('#genre-filter', topGenre);
  rows = await tableRows(page);
  const visible = rows.filter((r) => !r.hidden);
  assert.equal(visible.length, topCount);
  assert.ok(visible.every((r) => r.genre === topGenre));
  assert.equal(await page.textContent('#table-count'), `${topCount} of 40 files`);
  // Downloads hold the rows shown: here, one genre.
  const filteredCsv = parseCsv((await downloadOf(page, '#export-csv')).buffer.toString('utf8'));
  assert.equal(filteredCsv.length, 1 + topCount);
  await page.selectOption('#genre-filter', 'failed');
  rows = await tableRows(page);
  assert.deepEqual(rows.filter((r) => !r.hidden).map((r) => r.errorCode).sort(), ['decode', 'empty', 'no-music']);
  await page.selectOption('#genre-filter', '');
  rows = await tableRows(page);
  assert.equal(rows.filter((r) => !r.hidden).length, 40);

  // CSV: a header, then the table's rows in the table's order.
  rows = await sortBy(page, 'confidence', 'ascending');
  const csvFile = await downloadOf(page, '#export-csv');
  assert.equal(csvFile.name, 'genres.csv');
  const csv = parseCsv(csvFile.buffer.toString('utf8'));
  assert.deepEqual(csv[0], ['file', 'folder', 'status', 'genre', 'confident', 'probability', 'top3', 'duration', 'seconds', ...GENRES, 'error']);
  assert.equal(csv.length, 41);
  csv.slice(1).forEach((fields, i) => {
    const row = rows[i];
    const f = Object.fromEntries(csv[0].map((k, j) => [k, fields[j]]));
    assert.equal(f.file, row.path, `CSV row ${i + 1}`);
    assert.equal(f.folder, row.cells[COLS.folder]);
    assert.equal(f.status, row.status);
    assert.equal(f.genre, row.genre ?? '');
    assert.equal(f.confident, row.confident ?? '');
    if (row.status === 'done') {
      assert.ok(Math.abs(Number(f.probability) * 100 - percentOf(row.cells[COLS.confidence])) <= 0.051, `${row.path}: ${f.probability}`);
      const sum = GENRES.reduce((s, g) => s + Number(f[g]), 0);
      assert.ok(Math.abs(sum - 1) < 1e-3, `${row.path}: probabilities sum to ${sum}`);
      assert.equal(f.error, '');
    } else {
      assert.ok(f.error.length > 5, `${row.path}: the error is exported`);
    }
    assert.ok(Math.abs(Number(f.seconds) - Number.parseFloat(row.cells[COLS.time])) <= 0.0051, `${row.path}: ${f.seconds} s`);
  });

  // JSON: the package's result shape, plus file and folder.
  const json = JSON.parse((await downloadOf(page, '#export-json')).buffer.toString('utf8'));
  assert.equal(json.length, 40);
  json.forEach((item, i) => {
    assert.equal(item.file, rows[i].path);
    assert.equal(item.folder, rows[i].cells[COLS.folder]);
    if (rows[i].status === 'done') {
      for (const key of ['genre', 'confident', 'probabilities', 'top3', 'windows', 'duration', 'sampleRate']) assert.ok(key in item, `${item.file}: ${key}`);
      assert.equal(item.genre, rows[i].genre);
      assert.deepEqual(item.probabilities.map((p) => p.genre), GENRES);
      assert.ok(!('mel' in item), 'no mel image in the export');
    } else {
      assert.equal(item.error.code, rows[i].errorCode);
    }
  });

  // Playlists: one per genre, listing exactly that genre's files, by their paths as dropped.
  const zipFile = await downloadOf(page, '#export-zip');
  assert.equal(zipFile.name, 'playlists.zip');
  const lists = readStoredZip(zipFile.buffer);
  assert.deepEqual([...lists.keys()], GENRES.filter((g) => counts[g]).map((g) => `${g}.m3u`));
  for (const [name, text] of lists) {
    const genre = name.replace(/\.m3u$/, '');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '#EXTM3U');
    const paths = lines.filter((l) => !l.startsWith('#'));
    assert.equal(lines.filter((l) => l.startsWith('#EXTINF:')).length, paths.length);
    assert.deepEqual(new Set(paths), new Set(classified.filter((r) => r.genre === genre).map((r) => r.path)), name);
    assert.equal(paths.length, counts[genre]);
    for (const p of paths) assert.ok(existsSync(join(dir, p)), `${name}: ${p} resolves from the folder holding Music/`);
  }
  await page.selectOption('#playlist-genre', topGenre);
  const one = await downloadOf(page, '#export-m3u');
  assert.equal(one.name, `${topGenre}.m3u`);
  assert.equal(one.buffer.toString('utf8'), lists.get(`${topGenre}.m3u`));

  // The detail card: one at a time, for the selected row.
  for (const path of ['Music/Live/2019/Night, "One"/ünïcødé 曲 🎵.flac', 'Music/jazz/More/line,with,commas,,.flac', 'Music/Broken/not really.mp3']) {
    await page.click(`#results-table tr[data-path="${path.replace(/"/g, '\\"')}"] .row-open`);
    await page.waitForFunction(
      (p) => {
        const card = document.querySelector('#detail > .card');
        const tr = document.querySelector('#results-table tr[data-selected="true"]');
        return card && tr?.dataset.path === p && (card.dataset.state === 'error' || card.dataset.mel === 'ready');
      },
      path,
    );
    const shown = await page.evaluate(() => ({
      cards: document.querySelectorAll('#detail .card').length,
      canvases: document.querySelectorAll('canvas.mel-canvas').length,
      title: document.querySelector('#detail .card h3').textContent,
      meta: document.querySelector('#detail .card .card-meta').textContent,
      bars: document.querySelectorAll('#detail .bar').length,
      alert: document.querySelector('#detail [role="alert"]')?.textContent ?? null,
      focused: document.activeElement?.textContent ?? null,
    }));
    const name = path.slice(path.lastIndexOf('/') + 1);
    assert.equal(shown.cards, 1, 'one card on show');
    assert.ok(shown.canvases <= 1, 'at most one mel image in the page');
    assert.equal(shown.title, name);
    assert.ok(shown.meta.startsWith(path.slice(0, path.lastIndexOf('/'))), shown.meta);
    assert.equal(shown.focused, name, 'focus moves to the card');
    if (expected.get(path).status === 'done') assert.equal(shown.bars, 10);
    else assert.match(shown.alert, /could not be decoded/);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'library-desktop.png'), fullPage: true });
  await page.click('#detail .card button:has-text("Close")');
  assert.equal(await page.locator('#detail > *').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('row-open')), true, 'focus returns to the row');

  const after40 = await memory(page, cdp);
  const growth = +(after40.totalMiB - before.totalMiB).toFixed(1);
  metrics.memory40 = { before, after: after40, growthMiB: growth };
  // The decoded audio of 40 clips alone is over 100 MiB: none of it may stay.
  assert.ok(growth < 30, `the page's memory grew by ${growth} MiB`);
  if (after40.wasmMiB !== null) assert.ok(after40.wasmMiB < 64, `WebAssembly memory ${after40.wasmMiB} MiB`);

  // Cancel: the same folder again, stopped after a few files are classified
  // (the broken ones settle fastest: counting settled files would race them).
  await page.setInputFiles('#folder-input', join(dir, 'Music'));
  await page.waitForFunction(() => document.querySelectorAll('#results-table tr[data-status="done"]').length >= 37 + 3);
  await page.click('#cancel-button');
  await waitForBatch(page, 80, 60_000);
  const second = (await tableRows(page)).filter((r) => r.id > 40);
  assert.equal(second.length, 40);
  const cancelled = second.filter((r) => r.status === 'cancelled');
  assert.ok(cancelled.length >= 20, `most of the second batch is cancelled (${cancelled.length})`);
  assert.ok(cancelled.every((r) => r.cells[COLS.status] === 'Cancelled' && r.errorCode === 'cancelled'));
  assert.ok(second.filter((r) => r.status === 'done').length >= 2);
  assert.equal(await page.isVisible('#clear-button'), true);

  // Clear: back to the empty page.
  await page.click('#clear-button');
  assert.equal(await page.locator('#results-table tbody tr').count(), 0);
  assert.equal(await page.isVisible('#empty-note'), true);

  checkOffsite(requests, server.origin);
  assert.deepEqual(problems, [], 'no console errors');
  await context.close();
});

test('folders without audio say so', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await openPage(browser, server);
  const docs = join(base, 'Docs');
  mkdirSync(join(docs, 'sub'), { recursive: true });
  writeFileSync(join(docs, 'readme.txt'), 'no music here');
  writeFileSync(join(docs, 'sub', 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await page.setInputFiles('#folder-input', docs);
  await page.waitForSelector('#collect-note:not([hidden])');
  assert.equal(await page.textContent('#collect-note'), 'No audio files in “Docs”: 2 files skipped (not audio).');
  const empty = join(base, 'Empty');
  mkdirSync(join(empty, 'also empty'), { recursive: true });
  await page.setInputFiles('#folder-input', empty);
  await page.waitForFunction(() => document.getElementById('collect-note').textContent.includes('empty'));
  assert.equal(await page.textContent('#collect-note'), 'The chosen folder is empty: no files in it or its subfolders.');
  assert.equal(await page.locator('#results-table tbody tr').count(), 0);
  assert.equal(await page.isVisible('#empty-note'), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('200 files: files per second and memory (reported)', { timeout: 360_000 }, async () => {
  const dir = join(base, 'lib200', 'Big');
  const pools = GENRES.map(clips);
  const picked = [];
  for (let i = 0; picked.length < 200; i++) {
    for (const pool of pools) if (pool[i] && picked.length < 200) picked.push(pool[i]);
  }
  for (const src of picked) {
    const genre = src.split('/').at(-2);
    mkdirSync(join(dir, genre), { recursive: true });
    copyFileSync(src, join(dir, genre, src.slice(src.lastIndexOf('/') + 1)));
  }
  const { context, page, problems } = await openPage(browser, server);
  const cdp = await context.newCDPSession(page);
  const before = await memory(page, cdp);
  const t0 = Date.now();
  await page.setInputFiles('#folder-input', dir);
  await waitForBatch(page, 200, 330_000);
  const seconds = (Date.now() - t0) / 1000;
  const rows = await tableRows(page);
  assert.equal(rows.filter((r) => r.status === 'done').length, 200);
  const after200 = await memory(page, cdp);
  metrics.files200 = {
    files: 200,
    seconds: +seconds.toFixed(1),
    filesPerSecond: +(200 / seconds).toFixed(2),
    memory: { before, after: after200, growthMiB: +(after200.totalMiB - before.totalMiB).toFixed(1) },
    shown: await page.textContent('#batch-status'),
  };
  assert.ok(metrics.files200.memory.growthMiB < 40, `the page's memory grew by ${metrics.files200.memory.growthMiB} MiB`);
  assert.deepEqual(problems, []);
  await context.close();
  rmSync(join(base, 'lib200'), { recursive: true, force: true });
});

test('1000 rows: the table builds in chunks and sorts without re-rendering (timings reported)', { timeout: 240_000 }, async () => {
  const dir = join(base, 'Many');
  for (let i = 1; i <= 1000; i++) {
    const disc = join(dir, `Disc ${Math.ceil(i / 100)}`);
    mkdirSync(disc, { recursive: true });
    writeFileSync(join(disc, `Track ${i}.wav`), Buffer.alloc(0));
  }
  const { context, page, problems } = await openPage(browser, server);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.setInputFiles('#folder-input', dir);
  await waitForBatch(page, 1000, 200_000);
  const seconds = (Date.now() - t0) / 1000;
  const rows = await tableRows(page);
  assert.ok(rows.every((r) => r.status === 'error' && r.errorCode === 'empty'));
  // A sort moves the existing rows: the same elements, in a new order.
  const timing = await page.evaluate(async () => {
    const first = document.querySelector('#results-table tbody tr');
    first.dataset.marker = 'kept';
    const t = performance.now();
    document.querySelector('th[data-column="file"] .sort-button').click();
    document.querySelector('th[data-column="file"] .sort-button').click();
    const sortMs = performance.now() - t;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    return {
      sortMs,
      frameMs: performance.now() - t,
      kept: document.querySelectorAll('tr[data-marker="kept"]').length,
      top: document.querySelector('#results-table tbody tr').dataset.path,
      longTasks: window.__longTasks,
    };
  });
  assert.equal(timing.kept, 1, 'sorting keeps the row elements');
  assert.equal(timing.top, 'Many/Disc 10/Track 1000.wav', 'file names, descending, in natural order');
  metrics.rows1000 = {
    rows: 1000,
    secondsToSettle: +seconds.toFixed(1),
    sortTwiceMs: +timing.sortMs.toFixed(1),
    sortAndPaintMs: +timing.frameMs.toFixed(1),
    longTasks: timing.longTasks.length,
    longestTaskMs: Math.round(Math.max(0, ...timing.longTasks)),
  };
  assert.deepEqual(problems, []);
  await context.close();
});
