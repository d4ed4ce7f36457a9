// The worker pool and the batch API (classifyFiles) in headless Chromium,
// on the repository's own package files (js/, pkg/) served by
// scripts/serve.mjs: a batch gives what one-by-one classification gives, in
// input order; a bad file fails alone; aborting stops it; at most one file
// per worker is read at a time; one file shared among the workers gives
// what one worker gives, bit for bit, errors included; and the throughput
// with 1 and 2 workers (reported, not asserted: CI machines have few cores).
// Needs the package built (npm run build).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/build.mjs';
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>pool test</title></head><body>
<script type="module">
import { createClassifier, GenreError } from '/js/index.js';

// A few seconds of a tune: chords, a bass on the beat and hi-hat noise;
// \`k\` varies the key, tempo and mix so that the clips differ.
function tune(k, seconds, rate) {
  const n = Math.round(seconds * rate);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const root = 110 * 2 ** ((k * 5) % 12 / 12);
  const beat = 0.35 + 0.07 * (k % 4);
  let seed = 1234 + k;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const chord = [1, 1.26, 1.5].map((r) => root * 2 * r * (Math.floor(t / 2) % 2 ? 1.12 : 1));
    let v = 0;
    for (const f of chord) v += 0.1 * Math.sin(2 * Math.PI * f * t);
    const bass = 0.3 * Math.sin(2 * Math.PI * root * t) * Math.exp(-(t % beat) * (4 + k));
    const hat = 0.1 * (k % 3) * noise() * Math.exp(-((t + beat / 2) % beat) * 40);
    left[i] = 0.8 * (v + bass + hat);
    right[i] = 0.8 * (v + 0.5 * bass + hat);
  }
  return [left, right];
}

// A 16-bit PCM WAV of the channels.
function wav(channels, rate) {
  const c = channels.length;
  const n = channels[0].length;
  const b = new DataView(new ArrayBuffer(44 + 2 * c * n));
  const ascii = (at, s) => [...s].forEach((ch, i) => b.setUint8(at + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF'); b.setUint32(4, 36 + 2 * c * n, true); ascii(8, 'WAVEfmt ');
  b.setUint32(16, 16, true); b.setUint16(20, 1, true); b.setUint16(22, c, true);
  b.setUint32(24, rate, true); b.setUint32(28, 2 * c * rate, true);
  b.setUint16(32, 2 * c, true); b.setUint16(34, 16, true); ascii(36, 'data');
  b.setUint32(40, 2 * c * n, true);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const x = Math.max(-1, Math.min(1, channels[ch][i]));
      b.setInt16(44 + 2 * (i * c + ch), Math.round(x * 32767), true);
    }
  }
  return b.buffer;
}

// A Blob that counts how many files are read (arrayBuffer) and not yet classified.
const reads = { now: 0, max: 0 };
class CountingBlob extends Blob {
  arrayBuffer() {
    reads.now += 1;
    reads.max = Math.max(reads.max, reads.now);
    return super.arrayBuffer();
  }
}

// \`count\` clips, mono and stereo by turns; the file at \`bad\` is text named .mp3.
function clips(count, seconds, bad = -1) {
  return Array.from({ length: count }, (_, k) => {
    if (k === bad) return new CountingBlob([new TextEncoder().encode('not audio at all '.repeat(200))], { type: 'audio/mpeg' });
    const [l, r] = tune(k, seconds, 22050);
    return new CountingBlob([wav(k % 2 ? [l, r] : [l], 22050)], { type: 'audio/wav' });
  });
}

const plain = (outcome) => outcome.status === 'fulfilled'
  ? { status: 'fulfilled', value: outcome.value }
  : { status: 'rejected', code: outcome.reason.code, isGenreError: outcome.reason instanceof GenreError, message: outcome.reason.message };

// One-by-one on the calling thread: the reference.
async function oneByOne(files) {
  const c = await createClassifier({ worker: false });
  const out = [];
  for (const f of files) {
    try {
      out.push({ status: 'fulfilled', value: await c.classifyFile(f) });
    } catch (e) {
      out.push({ status: 'rejected', code: e.code, isGenreError: e instanceof GenreError, message: e.message });
    }
  }
  c.terminate();
  return out;
}

window.batchRun = async (workers) => {
  const files = clips(7, 4, 3);
  const reference = await oneByOne(files);
  const options = workers === 0 ? { worker: false } : { workers };
  const c = await createClassifier(options);
  const results = [];
  const progress = [];
  reads.now = 0;
  reads.max = 0;
  const outcomes = await c.classifyFiles(files, {
    onResult: (index, outcome) => {
      reads.now -= 1;
      results.push([index, plain(outcome)]);
    },
    onProgress: (done, total) => progress.push([done, total]),
  });
  // The pool still serves single requests, concurrently.
  const samples = tune(9, 3, 44100)[0];
  const single = await c.classifySamples(samples, 44100);
  const concurrent = await Promise.all([0, 1, 2].map(() => c.classifySamples(samples, 44100)));
  const fromFile = await c.classifyFile(files[0]);
  c.terminate();
  return {
    workers: c.workers, reference, outcomes: outcomes.map(plain), results, progress, maxReads: reads.max,
    single, concurrent, fromFile,
  };
};

window.cancelRun = async (workers) => {
  const files = clips(8, 6);
  const c = await createClassifier({ workers });
  const controller = new AbortController();
  const seen = [];
  let error = null;
  const t0 = performance.now();
  try {
    await c.classifyFiles(files, {
      signal: controller.signal,
      onResult: (index) => { seen.push(index); controller.abort(); },
    });
  } catch (e) {
    error = { code: e.code, isGenreError: e instanceof GenreError };
  }
  const abortedAfter = performance.now() - t0;
  // Aborted before it starts.
  let early = null;
  try {
    await c.classifyFiles(files, { signal: AbortSignal.abort() });
  } catch (e) {
    early = e.code;
  }
  // The classifier serves the next batch.
  const next = await c.classifyFiles(files.slice(0, 2));
  c.terminate();
  let afterTerminate = null;
  try {
    await c.classifyFiles(files.slice(0, 1));
  } catch (e) {
    afterTerminate = e.code;
  }
  return { error, seen, abortedAfter, early, next: next.map((o) => o.status), afterTerminate };
};

let throughputFiles = null;
window.throughputRun = async (workers, count, seconds) => {
  // Made once: synthesising the clips takes longer than classifying them.
  if (!throughputFiles || throughputFiles.length !== count) throughputFiles = clips(count, seconds);
  const files = throughputFiles;
  const c = await createClassifier({ workers });
  // Start every worker of the pool (module load) before timing.
  await c.classifyFiles(files.slice(0, workers));
  const t0 = performance.now();
  const outcomes = await c.classifyFiles(files);
  const elapsed = (performance.now() - t0) / 1000;
  c.terminate();
  return { elapsed, ok: outcomes.every((o) => o.status === 'fulfilled'), genres: outcomes.map((o) => o.value.genre) };
};

// Counts the workers asked to follow a shared file (js/share.js).
let follows = 0;
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, transfer) {
  if (msg && msg.op === 'follow') follows += 1;
  return post.call(this, msg, transfer);
};

// A result with its mel image's Float32Array as a plain array (comparable once serialized).
const comparable = (r) => (r.mel ? { ...r, mel: { ...r.mel, db: Array.from(r.mel.db) } } : r);

// One file on a pool of \`workers\`: shared among them, and on one worker
// (split: false); the same file many ways, errors among them.
window.shareRun = async (workers, modelUrl) => {
  const model = modelUrl ? new Uint8Array(await (await fetch(modelUrl)).arrayBuffer()) : undefined;
  const c = await createClassifier({ workers, model });
  // Every worker started and idle (the others start in the background).
  const short = tune(1, 1, 22050)[0];
  await Promise.all(Array.from({ length: workers }, () => c.classifySamples(short, 22050)));
  const outcome = async (file, options) => {
    const before = follows;
    try {
      const r = await c.classifyFile(file, { melColumns: 64, ...options });
      return { ok: comparable(r), follows: follows - before };
    } catch (e) {
      return { code: e.code, isGenreError: e instanceof GenreError, follows: follows - before };
    }
  };
  const cases = [];
  // One window, a few, one more ending at the last sample; mono and stereo; 22.05 and 44.1 kHz.
  for (const [k, seconds, rate, stereo] of [[0, 2, 22050, false], [1, 7.3, 44100, true], [2, 20, 44100, false], [3, 12.9, 48000, true]]) {
    const [l, r] = tune(k, seconds, rate);
    const file = new Blob([wav(stereo ? [l, r] : [l], rate)], { type: 'audio/wav' });
    cases.push({ name: \`\${seconds} s at \${rate} Hz\`, shared: await outcome(file), alone: await outcome(file, { split: false }) });
  }
  const text = new Blob([new TextEncoder().encode('not audio at all '.repeat(200))], { type: 'audio/mpeg' });
  const silence = new Blob([wav([new Float32Array(22050 * 5)], 22050)], { type: 'audio/wav' });
  const errors = { text: await outcome(text), silence: await outcome(silence) };
  // Cancelled once the workers are at it (they are replaced): the pool goes on sharing.
  const controller = new AbortController();
  const [l] = tune(5, 20, 44100);
  const long = new Blob([wav([l], 44100)], { type: 'audio/wav' });
  errors.cancelled = await outcome(long, { signal: controller.signal, onProgress: (_, stage) => stage === 'analyse' && controller.abort() });
  const after = { shared: await outcome(long), alone: await outcome(long, { split: false }) };
  c.terminate();
  return { cases, errors, after };
};

// Requests whose memory passes the limit (64 MB: the worker is replaced
// once idle, and the replacement starts at once) follow one another.
window.bigRun = async () => {
  const c = await createClassifier({ workers: 1 });
  const [y] = tune(6, 600, 44100);
  const out = [];
  for (let i = 0; i < 3; i++) out.push(JSON.stringify(await c.classifySamples(y, 44100)));
  c.terminate();
  return out;
};

window.badWorkerRun = async () => {
  try {
    await createClassifier({ workerUrl: '/no/such/worker.js' });
    return null;
  } catch (e) {
    return { code: e.code, message: e.message };
  }
};

window.__ready = true;
</script></body></html>`;

let server;
let browser;
let page;
const logs = [];

before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'genre_classifier_bg.wasm')), 'build the package first (npm run build)');
  assert.ok(existsSync(join(ROOT, 'js', 'worker.js')), 'build the package first (npm run build)');
  server = await serve({ root: ROOT, port: 0, pages: { '/pool.html': PAGE } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/pool.html`);
  await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const run = (fn, ...args) => page.evaluate(([name, a]) => window[name](...a), [fn, args]);

for (const workers of [0, 1, 2]) {
  test(`a batch on ${workers || 'no'} worker${workers === 1 ? '' : 's'} equals one-by-one classification`, { timeout: 300_000 }, async () => {
    const r = await run('batchRun', workers);
    const what = `${workers} workers\n${logs.join('\n')}`;
    assert.equal(r.workers, workers, what);
    assert.equal(r.outcomes.length, 7, what);
    // In input order, each equal to the one-by-one result (the same wasm: exactly).
    assert.deepEqual(r.outcomes, r.reference, what);
    // The bad file failed alone, with its own error; the rest went on.
    assert.equal(r.outcomes[3].status, 'rejected', what);
    assert.equal(r.outcomes[3].code, 'decode', what);
    assert.ok(r.outcomes[3].isGenreError, what);
    assert.ok(r.outcomes.every((o, i) => i === 3 || o.status === 'fulfilled'), what);
    // onResult once per file; onProgress counts up to the total.
    assert.deepEqual(r.results.map(([i]) => i).sort(), [0, 1, 2, 3, 4, 5, 6], what);
    for (const [i, o] of r.results) assert.deepEqual(o, r.outcomes[i], what);
    assert.deepEqual(r.progress, [1, 2, 3, 4, 5, 6, 7].map((d) => [d, 7]), what);
    // Memory: no more files read than workers (the calling thread counts as one).
    assert.ok(r.maxReads <= Math.max(workers, 1), `${r.maxReads} files read at once with ${workers} workers`);
    // Single and concurrent requests on the same pool agree.
    for (const c of r.concurrent) assert.deepEqual(c, r.single, what);
    assert.deepEqual(r.fromFile, r.reference[0].value, what);
  });
}

test('aborting a batch stops it; the classifier serves the next one', { timeout: 300_000 }, async () => {
  const r = await run('cancelRun', 2);
  assert.deepEqual(r.error, { code: 'cancelled', isGenreError: true }, logs.join('\n'));
  assert.ok(r.seen.length >= 1 && r.seen.length < 8, `${r.seen.length} results after the abort`);
  assert.equal(r.early, 'cancelled');
  assert.deepEqual(r.next, ['fulfilled', 'fulfilled']);
  assert.equal(r.afterTerminate, 'internal');
});

for (const [workers, model] of [[2, null], [3, null], [2, '/model/genre.postcard']]) {
  test(`a file shared among ${workers} workers${model ? ' (a model given as bytes)' : ''} gives what one worker gives, bit for bit`, { timeout: 300_000 }, async () => {
    const r = await run('shareRun', workers, model);
    const what = logs.join('\n');
    for (const c of r.cases) {
      assert.ok(c.shared.ok, `${c.name}: ${JSON.stringify(c.shared)}\n${what}`);
      // Shared: the other workers followed it; alone: none did.
      assert.equal(c.shared.follows, workers - 1, c.name);
      assert.equal(c.alone.follows, 0, c.name);
      assert.deepEqual(c.shared.ok, c.alone.ok, c.name);
      assert.ok(c.shared.ok.mel && c.shared.ok.mel.nColumns > 0, `${c.name}: no mel image`);
    }
    assert.deepEqual(r.errors.text, { code: 'decode', isGenreError: true, follows: workers - 1 });
    assert.deepEqual(r.errors.silence, { code: 'no-music', isGenreError: true, follows: workers - 1 });
    assert.equal(r.errors.cancelled.code, 'cancelled');
    assert.deepEqual(r.after.shared.ok, r.after.alone.ok);
    assert.equal(r.after.shared.follows, workers - 1);
  });
}

test('a worker replaced for its memory serves the requests that follow', { timeout: 300_000 }, async () => {
  const r = await run('bigRun');
  assert.equal(r.length, 3);
  assert.equal(r[1], r[0]);
  assert.equal(r[2], r[0]);
});

test('a worker script that does not load names its URL and the likely cause', { timeout: 60_000 }, async () => {
  const r = await run('badWorkerRun');
  assert.ok(r, 'createClassifier resolved with a missing worker script');
  assert.equal(r.code, 'internal');
  assert.match(r.message, /\/no\/such\/worker\.js/);
  assert.match(r.message, /workerUrl/);
});

test('throughput of a batch with 1 and 2 workers (reported)', { timeout: 600_000 }, async (t) => {
  const count = 12;
  const seconds = 30;
  // Best of three, alternating: shared machines are noisy.
  const best = { 1: Infinity, 2: Infinity };
  const genres = {};
  for (let round = 0; round < 3; round++) {
    for (const workers of [1, 2]) {
      const r = await run('throughputRun', workers, count, seconds);
      assert.ok(r.ok, `${workers} workers: a clip failed`);
      best[workers] = Math.min(best[workers], r.elapsed);
      genres[workers] = r.genres;
    }
  }
  for (const workers of [1, 2]) {
    t.diagnostic(`${workers} worker(s): ${count} clips of ${seconds} s in ${best[workers].toFixed(2)} s (best of 3) = ${(count / best[workers]).toFixed(2)} clips/s`);
  }
  assert.deepEqual(genres[2], genres[1]);
});
