// The npm package as a user gets it: `npm pack`, a fresh app that installs
// the tarball and imports the package, built with Vite, esbuild (with the
// README's one-line recipe) and Rollup (node-resolve and the import.meta
// assets plugin), each bundle run in headless Chromium in worker and
// calling-thread modes; and esbuild without the recipe, whose worker error
// must name the URL and the fix. Needs the package built (npm run build)
// and network access to the npm registry for the bundlers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/build.mjs';
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VITE = '8.3.8';
const ESBUILD = '0.28.2';
const ROLLUP = '4.68.8';
const NODE_RESOLVE = '16.0.3';
const IMPORT_META_ASSETS = '2.3.3';

// The README's recipes.
const ESBUILD_ARGS = ['main.js', 'worker=genre-classifier/worker.js', 'genre_classifier_bg=genre-classifier/genre_classifier_bg.wasm',
  '--bundle', '--format=esm', '--loader:.wasm=copy', '--log-level=warning'];
const ROLLUP_CONFIG = `import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'main.js',
  output: { dir: 'dist-rollup', format: 'es' },
  plugins: [nodeResolve(), importMetaAssets()],
};
`;

const MAIN_JS = `
import { createClassifier, GENRES, GenreError } from 'genre-classifier';

// Two seconds of a chord with a beat, at 44.1 kHz (resampled by the core).
function signal(sampleRate, seconds) {
  const y = new Float32Array(sampleRate * seconds);
  for (let i = 0; i < y.length; i++) {
    const t = i / sampleRate;
    const beat = Math.exp(-20 * (t % 0.5));
    y[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 330 * t) + 0.3 * beat * Math.sin(2 * Math.PI * 60 * t);
  }
  return y;
}

// A 16-bit PCM mono WAV file of \`samples\`.
function wavBytes(samples, sampleRate) {
  const b = new DataView(new ArrayBuffer(44 + 2 * samples.length));
  const ascii = (at, str) => [...str].forEach((ch, i) => b.setUint8(at + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF'); b.setUint32(4, 36 + 2 * samples.length, true); ascii(8, 'WAVEfmt ');
  b.setUint32(16, 16, true); b.setUint16(20, 1, true); b.setUint16(22, 1, true);
  b.setUint32(24, sampleRate, true); b.setUint32(28, 2 * sampleRate, true);
  b.setUint16(32, 2, true); b.setUint16(34, 16, true); ascii(36, 'data');
  b.setUint32(40, 2 * samples.length, true);
  samples.forEach((x, i) => b.setInt16(44 + 2 * i, Math.round(Math.max(-1, Math.min(1, x)) * 32767), true));
  return new Uint8Array(b.buffer);
}

// Bad inputs, each with the error codes that are a defined answer to it
// (null: a result is defined too).
function badInputs() {
  const good = signal(22050, 1);
  const withSample = (v) => { const y = good.slice(); y[300] = v; return y; };
  const wav = wavBytes(good, 22050);
  const text = new TextEncoder().encode('Track list: 1. Intro, 2. Outro. '.repeat(100));
  const noise = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
  return {
    samples: [
      ['empty', new Float32Array(0), 22050, ['empty']],
      ['one sample', new Float32Array(1), 22050, ['too-short']],
      ['shorter than a frame', good.slice(0, 2047), 22050, ['too-short']],
      ['NaN', withSample(NaN), 22050, ['non-finite']],
      ['+Inf', withSample(Infinity), 22050, ['non-finite']],
      ['-Inf', withSample(-Infinity), 22050, ['non-finite']],
      ['too loud', withSample(1e30), 22050, ['non-finite']],
      ['rate 7999 Hz', good, 7999, ['sample-rate']],
      ['rate NaN', good, NaN, ['sample-rate']],
      ['rate 44100.5 Hz', good, 44100.5, ['sample-rate']],
      ['all zeros', new Float32Array(44100), 22050, null],
      ['DC offset', new Float32Array(44100).fill(0.5), 22050, null],
      ['square wave', Float32Array.from({ length: 44100 }, (_, i) => ((i / 50) | 0) % 2 ? 1 : -1), 22050, null],
      ['denormals', new Float32Array(44100).fill(1e-45), 22050, null],
      ['8 kHz', signal(8000, 2), 8000, null],
      ['192 kHz', signal(192000, 1), 192000, null],
    ],
    files: [
      ['empty file', new Uint8Array(0), 'empty.wav', ['empty', 'decode']],
      ['WAV cut in its header', wav.slice(0, 20), 'cut.wav', ['decode']],
      ['WAV header only', wav.slice(0, 44), 'header.wav', ['decode', 'empty', 'too-short']],
      ['text named .mp3', text, 'song.mp3', ['decode']],
      ['noise named .flac', noise, 'noise.flac', ['decode']],
      ['MP3 frame header only', Uint8Array.of(0xff, 0xfb, 0x90, 0x64), 'cut.mp3', ['decode']],
      ['fLaC magic only', new TextEncoder().encode('fLaC'), 'cut.flac', ['decode']],
    ],
  };
}

// Each bad input rejects with a GenreError (or resolves, where that is
// defined), and the classifier then still answers a good request.
async function badInputRun(classifier, reference) {
  const good = signal(44100, 2);
  const out = [];
  const { samples, files } = badInputs();
  const attempt = async (name, codes, call) => {
    const row = { name, codes };
    try {
      const value = await call();
      row.ok = true;
      row.finite = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value).every(Number.isFinite) : true;
    } catch (e) {
      row.ok = false;
      row.isGenreError = e instanceof GenreError;
      row.code = e.code;
      row.message = e.message;
    }
    const next = await classifier.features(good, 44100);
    row.servesNext = next.length === reference.length && next.every((v, i) => v === reference[i]);
    out.push(row);
  };
  for (const [name, y, rate, codes] of samples) await attempt(name, codes, () => classifier.features(y, rate));
  for (const [name, bytes, file, codes] of files) {
    await attempt(name, codes, () => classifier.classifyFile(new File([bytes], file)));
  }
  return out;
}

// A 16-bit PCM WAV file of \`y\` at \`rate\` Hz, as a Blob.
function wav(y, rate) {
  return new Blob([wavBytes(y, rate)], { type: 'audio/wav' });
}

async function main() {
  const out = { genres: GENRES };
  for (const worker of [true, false]) {
    const classifier = await createClassifier({ worker });
    const samples = signal(44100, 2);
    const features = await classifier.features(samples, 44100);
    const progress = [];
    const result = await classifier.classifySamples(samples, 44100, {
      onProgress: (fraction, stage) => progress.push([fraction, stage]),
    });
    let error = null;
    try {
      await classifier.classifySamples(new Float32Array(0), 44100);
    } catch (e) {
      error = { isGenreError: e instanceof GenreError, name: e.name, code: e.code, message: e.message };
    }
    const again = await classifier.features(samples, 44100);
    const withMel = await classifier.classifySamples(samples, 44100, { melColumns: 50 });
    const mel = withMel.mel;
    const controller = new AbortController();
    let cancelled = null;
    try {
      await classifier.classifySamples(signal(44100, 20), 44100, {
        signal: controller.signal,
        onProgress: (fraction, stage) => { if (stage === 'analyse' && fraction > 0) controller.abort(); },
      });
    } catch (e) {
      cancelled = e.code;
    }
    const fromFile = await classifier.classifyFile(wav(samples, 44100));
    let silence = null;
    try {
      await classifier.classifySamples(new Float32Array(44100), 22050);
    } catch (e) {
      silence = { isGenreError: e instanceof GenreError, code: e.code };
    }
    const bad = await badInputRun(classifier, features);
    const batch = (await classifier.classifyFiles([wav(samples, 44100), new Blob(['not audio']), wav(samples, 44100)]))
      .map((o) => (o.status === 'fulfilled' ? o.value.genre : o.reason.code));
    out[worker ? 'worker' : 'local'] = {
      workers: classifier.workers,
      batch,
      featureLength: features.length,
      featuresFinite: features.every(Number.isFinite),
      sameAfterError: again.every((v, i) => v === features[i]),
      samplesIntact: samples.length === 88200,
      result,
      mel: { nMels: mel.nMels, nColumns: mel.nColumns, secondsPerColumn: mel.secondsPerColumn,
        isFloat32: mel.db instanceof Float32Array, length: mel.db.length, finite: mel.db.every(Number.isFinite) },
      sameWithMel: JSON.stringify(withMel.probabilities) === JSON.stringify(result.probabilities),
      cancelled,
      silence,
      fromFile,
      progress,
      error,
      bad,
    };
    classifier.terminate();
  }
  return out;
}
main().then((r) => { window.__result = r; }, (e) => { window.__error = String(e && e.stack || e); });
`;

const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>package test</title></head>
<body><script type="module" src="/main.js"></script></body></html>`;

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function checkClassification(c, label) {
  const names = c.probabilities.map((p) => p.genre);
  assert.equal(names.length, 10, label);
  const sum = c.probabilities.reduce((s, p) => s + p.probability, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `${label}: probabilities sum to ${sum}`);
  for (const p of c.probabilities) assert.ok(p.probability >= 0 && p.probability <= 1, label);
  const best = c.probabilities.reduce((a, b) => (b.probability > a.probability ? b : a));
  assert.equal(c.genre, best.genre, label);
  // Whether the model is sure of it depends on the model's threshold: only the type is fixed.
  assert.equal(typeof c.confident, 'boolean', `${label}: confident is ${c.confident}`);
  // top3: the genres above 0.15, best first, at most three.
  assert.ok(c.top3.length <= 3, label);
  const expected = [...c.probabilities].filter((p) => p.probability > 0.15)
    .sort((a, b) => b.probability - a.probability).slice(0, 3);
  assert.deepEqual(c.top3, expected, label);
  assert.ok(Math.abs(c.duration - 2) < 1e-3, `${label}: duration ${c.duration}`);
  assert.equal(c.sampleRate, 44100, label);
  assert.ok(Array.isArray(c.windows) && c.windows.length >= 1, label);
  for (const w of c.windows) {
    assert.ok(w.start >= 0 && w.end > w.start && w.end <= c.duration + 1e-6, `${label}: window ${w.start}-${w.end}`);
    assert.equal(w.probabilities.length, 10, label);
    assert.ok(names.includes(w.genre), label);
  }
  assert.equal(c.mel, undefined, label);
}

let dir;
let app;
let browser;

before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'genre_classifier_bg.wasm')), 'build the package first (npm run build)');
  assert.ok(existsSync(join(ROOT, 'js', 'worker.js')), 'build the package first (npm run build)');
  dir = mkdtempSync(join(tmpdir(), 'genre-classifier-app-'));

  const packed = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
  const files = packed[0].files.map((f) => f.path);
  for (const f of ['js/index.js', 'js/index.d.ts', 'js/worker.js', 'js/node.js', 'js/wav.js', 'pkg/genre_classifier.js', 'pkg/genre_classifier_bg.wasm', 'pkg/decoder/genre_decoder.js', 'pkg/decoder/genre_decoder_bg.wasm', 'js/teach.js', 'js/teach-engine.js', 'js/teach-worker.js', 'pkg/teach/genre_teach.js', 'pkg/teach/genre_teach_bg.wasm']) {
    assert.ok(files.includes(f), `tarball lacks ${f}`);
  }
  assert.ok(!files.some((f) => /^(src|tests|types)\/|^tsconfig|worker-entry/.test(f)), `tarball holds sources, tests or type-check files: ${files}`);

  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'genre-classifier-test-app',
    private: true,
    type: 'module',
    dependencies: { 'genre-classifier': `file:../${packed[0].filename}` },
    devDependencies: {
      vite: VITE,
      esbuild: ESBUILD,
      rollup: ROLLUP,
      '@rollup/plugin-node-resolve': NODE_RESOLVE,
      '@web/rollup-plugin-import-meta-assets': IMPORT_META_ASSETS,
    },
  }, null, 2));
  writeFileSync(join(app, 'index.html'), INDEX_HTML);
  writeFileSync(join(app, 'main.js'), MAIN_JS);
  writeFileSync(join(app, 'rollup.config.mjs'), ROLLUP_CONFIG);
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], app);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const bin = (name) => join(app, 'node_modules', '.bin', name);

/** Every file under `root`, relative. */
function listFiles(root, rel = '') {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? listFiles(root, join(rel, e.name)) : [join(rel, e.name)]));
}

/** Serves `dist` and opens its index.html; resolves to window.__result or window.__error. */
async function runApp(t, dist) {
  const js = listFiles(dist).filter((f) => f.endsWith('.js'));
  for (const f of js) {
    assert.ok(!readFileSync(join(dist, f), 'utf8').includes('node:fs'), `${f}: the Node.js entry was bundled for the browser`);
  }
  const server = await serve({ root: dist, port: 0, index: '/index.html' });
  t.after(() => server.close());
  const page = await browser.newPage();
  t.after(() => page.close());
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.__result || window.__error, null, { timeout: 120_000 });
  const [result, error] = await page.evaluate(() => [window.__result, window.__error]);
  return { result, error, logs, files: listFiles(dist) };
}

function checkApp(out, bundler) {
  assert.equal(out.genres.length, 10);
  for (const mode of ['worker', 'local']) {
    const r = out[mode];
    const label = `${bundler}, ${mode}`;
    assert.equal(r.featureLength, 498, label);
    assert.ok(r.featuresFinite, label);
    assert.ok(r.sameAfterError, `${label}: the classifier serves after an error`);
    assert.ok(r.samplesIntact, `${label}: the caller's samples were detached`);
    checkClassification(r.result, label);
    assert.deepEqual(r.result.probabilities.map((p) => p.genre), out.genres, label);
    const fractions = r.progress.map(([f]) => f);
    assert.ok(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1])), `${label}: progress ${fractions}`);
    assert.deepEqual(r.progress.at(-1), [1, 'done'], label);
    assert.deepEqual([r.error.isGenreError, r.error.name, r.error.code], [true, 'GenreError', 'empty'], label);
    assert.deepEqual(r.silence, { isGenreError: true, code: 'no-music' }, `${label}: silence is no music`);
    assert.ok(r.bad.length > 20, label);
    for (const b of r.bad) {
      const what = `${label}: ${b.name}: ${JSON.stringify(b)}`;
      assert.ok(b.servesNext, `${what}: the classifier no longer serves`);
      if (b.ok) {
        assert.equal(b.codes, null, `${what}: accepted`);
        assert.ok(b.finite, what);
      } else {
        assert.ok(b.isGenreError, what);
        if (b.codes !== null) assert.ok(b.codes.includes(b.code), what);
      }
    }
    assert.equal(r.mel.nMels, 128, label);
    assert.ok(r.mel.nColumns >= 1 && r.mel.nColumns <= 50, `${label}: ${r.mel.nColumns} mel columns`);
    assert.ok(r.mel.isFloat32 && r.mel.finite && r.mel.length === r.mel.nMels * r.mel.nColumns, label);
    assert.ok(Math.abs(r.mel.secondsPerColumn * r.mel.nColumns - 2) < 0.1, `${label}: mel covers ${r.mel.secondsPerColumn * r.mel.nColumns} s`);
    assert.ok(r.sameWithMel, label);
    assert.equal(r.cancelled, 'cancelled', label);
    // The WAV holds the samples rounded to 16 bits: the same classification,
    // nearly. This synthetic signal's quietest mel bands lie at the level of
    // 16-bit quantisation noise, which the model sees (its inputs are mel
    // statistics in dB): natively the probabilities move by up to 0.04.
    checkClassification(r.fromFile, `${label} file`);
    assert.equal(r.fromFile.sampleRate, 44100, label);
    assert.equal(r.fromFile.genre, r.result.genre, label);
    r.fromFile.probabilities.forEach((p, i) => assert.ok(Math.abs(p.probability - r.result.probabilities[i].probability) < 0.05, `${label}: ${p.genre} ${p.probability} vs ${r.result.probabilities[i].probability}`));
    // A batch: the bad file in the middle fails alone.
    assert.deepEqual(r.batch, [r.fromFile.genre, 'decode', r.fromFile.genre], label);
  }
  assert.equal(out.local.workers, 0, bundler);
  assert.ok(out.worker.workers >= 1, bundler);
  assert.deepEqual(out.worker.result, out.local.result, `${bundler}: worker and calling thread agree`);
}

test('the packed package works in a fresh Vite app in Chromium', { timeout: 300_000 }, async (t) => {
  sh(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', 'dist-vite'], app);
  const { result, error, logs } = await runApp(t, join(app, 'dist-vite'));
  assert.equal(error, undefined, `${error}\n${logs.join('\n')}`);
  checkApp(result, 'Vite');
});

test('esbuild with the README recipe: worker and module copied by the same command', { timeout: 300_000 }, async (t) => {
  const dist = join(app, 'dist-esbuild');
  sh(bin('esbuild'), [...ESBUILD_ARGS, `--outdir=${dist}`], app);
  copyFileSync(join(app, 'index.html'), join(dist, 'index.html'));
  const { result, error, logs, files } = await runApp(t, dist);
  assert.equal(error, undefined, `${error}\n${logs.join('\n')}`);
  assert.deepEqual(files.sort(), ['genre_classifier_bg.wasm', 'index.html', 'main.js', 'worker.js'], 'esbuild output');
  checkApp(result, 'esbuild');
});

test('esbuild without the recipe: the error names the worker script and the fix', { timeout: 300_000 }, async (t) => {
  const dist = join(app, 'dist-esbuild-plain');
  sh(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--log-level=warning', `--outdir=${dist}`], app);
  copyFileSync(join(app, 'index.html'), join(dist, 'index.html'));
  const { error } = await runApp(t, dist);
  assert.ok(error, 'the app ran without its worker script');
  assert.match(error, /the worker could not start: http:\/\/127\.0\.0\.1:\d+\/worker\.js/);
  assert.match(error, /did not copy the package's worker\.js.*workerUrl/s);
});

test('Rollup with node-resolve and the import.meta assets plugin', { timeout: 300_000 }, async (t) => {
  sh(bin('rollup'), ['-c', '--silent'], app);
  const dist = join(app, 'dist-rollup');
  copyFileSync(join(app, 'index.html'), join(dist, 'index.html'));
  const { result, error, logs, files } = await runApp(t, dist);
  assert.equal(error, undefined, `${error}\n${logs.join('\n')}`);
  assert.ok(files.some((f) => /^assets\/worker-.*\.js$/.test(f)) && files.some((f) => /^assets\/genre_classifier_bg-.*\.wasm$/.test(f)), `Rollup output: ${files}`);
  checkApp(result, 'Rollup');
});
