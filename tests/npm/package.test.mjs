// The npm package as a user gets it: `npm pack`, a fresh Vite app that
// installs the tarball and imports the package, built and run in headless
// Chromium. Needs the package built (npm run build) and network access to
// the npm registry for Vite.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/build.mjs';
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VITE = '8.3.8';

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

async function main() {
  const out = { genres: GENRES };
  for (const worker of [true, false]) {
    const classifier = await createClassifier({ worker });
    const samples = signal(44100, 2);
    const features = await classifier.features(samples, 44100);
    let error = null;
    try {
      await classifier.features(new Float32Array(0), 44100);
    } catch (e) {
      error = { isGenreError: e instanceof GenreError, name: e.name, code: e.code, message: e.message };
    }
    const again = await classifier.features(samples, 44100);
    out[worker ? 'worker' : 'local'] = {
      featureLength: features.length,
      featuresFinite: features.every(Number.isFinite),
      sameAfterError: again.every((v, i) => v === features[i]),
      samplesIntact: samples.length === 88200,
      error,
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

test('the packed package works in a fresh Vite app in Chromium', { timeout: 600_000 }, async (t) => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'genre_classifier_bg.wasm')), 'build the package first (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'genre-classifier-app-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const packed = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
  const files = packed[0].files.map((f) => f.path);
  for (const f of ['js/index.js', 'js/index.d.ts', 'js/worker.js', 'pkg/genre_classifier.js', 'pkg/genre_classifier_bg.wasm']) {
    assert.ok(files.includes(f), `tarball lacks ${f}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/')), 'tarball holds sources or tests');

  const app = join(dir, 'app');
  sh('mkdir', ['-p', app], dir);
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'genre-classifier-test-app',
    private: true,
    type: 'module',
    dependencies: { 'genre-classifier': `file:../${packed[0].filename}` },
    devDependencies: { vite: VITE },
  }, null, 2));
  writeFileSync(join(app, 'index.html'), INDEX_HTML);
  writeFileSync(join(app, 'main.js'), MAIN_JS);
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
  sh(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], app);

  const server = await serve({ root: join(app, 'dist'), port: 0, index: '/index.html' });
  t.after(() => server.close());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.__result || window.__error, null, { timeout: 120_000 });
  const error = await page.evaluate(() => window.__error);
  assert.equal(error, undefined, `${error}\n${logs.join('\n')}`);
  const out = await page.evaluate(() => window.__result);

  assert.equal(out.genres.length, 10);
  for (const mode of ['worker', 'local']) {
    const r = out[mode];
    assert.equal(r.featureLength, 498, mode);
    assert.ok(r.featuresFinite, mode);
    assert.ok(r.sameAfterError, `${mode}: the classifier serves after an error`);
    assert.ok(r.samplesIntact, `${mode}: the caller's samples were detached`);
    assert.deepEqual([r.error.isGenreError, r.error.name, r.error.code], [true, 'GenreError', 'empty'], mode);
  }
});
