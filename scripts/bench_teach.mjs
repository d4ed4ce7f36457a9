// Times the training of a personal model, 3 labels x 8 songs of the shared
// clips (blues, classical, metal: the first 8 clips of each), natively
// (`genre-train teach`, the training core built for this machine, one
// thread), in WebAssembly in Node.js (trainModel: the teach module) and in
// headless Chromium (trainModel in its worker, the page's way), alternating,
// in the same run, in both modes; and the analysis of the 24 songs
// (windowFeatures in Node.js). Writes the "Training a personal model" section
// of BENCHMARKS.md.
// Usage: npm run build && cargo build --release -p genre-train && node scripts/bench_teach.mjs [runs]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './build.mjs';
import { writeSection } from './report.mjs';
import { chromium } from 'playwright-core';
import { createClassifier, trainModel } from '../js/node.js';
import { serve } from './serve.mjs';
import { songSetFile } from './songset.mjs';

const GENRES_DIR = join(ROOT, '..', 'shared', 'data', 'gtzan-subset', 'genres');
const LABELS = ['blues', 'classical', 'metal'];
const SONGS = 8;
const runs = Number(process.argv[2] || 3);

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const classifier = await createClassifier();
const t0 = performance.now();
const examples = [];
for (const label of LABELS) {
  const files = readdirSync(join(GENRES_DIR, label)).filter((f) => f.endsWith('.flac')).sort().slice(0, SONGS);
  for (const f of files) examples.push({ label, features: await classifier.windowFeatures(join(GENRES_DIR, label, f)) });
}
const analyseS = (performance.now() - t0) / 1000;
const windows = examples.reduce((n, e) => n + e.features.windows, 0);
classifier.terminate();

const dir = mkdtempSync(join(tmpdir(), 'genre-bench-teach-'));
const songs = join(dir, 'songs.bin');
writeFileSync(songs, songSetFile(examples));
const cli = join(ROOT, 'target', 'release', 'genre-train');
// Load the teach module once, outside the timings.
await trainModel(examples.slice(0, 2).map((e, i) => ({ ...e, label: `l${i}` })), { seed: 1 });

// Chromium: the package as a page uses it, the features passed in.
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { trainModel } from '/js/index.js';
window.train = async (examples, mode) => {
  const list = examples.map((e) => ({ label: e.label, features: { ...e.features, features: Float32Array.from(e.features.features) } }));
  const t = performance.now();
  await trainModel(list, { seed: 1, mode });
  return (performance.now() - t) / 1000;
};
window.__ready = true;
</script>`;
const server = await serve({ root: ROOT, port: 0, pages: { '/bench-teach.html': PAGE } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/bench-teach.html`);
await page.waitForFunction(() => window.__ready);
const plain = examples.map((e) => ({ label: e.label, features: { ...e.features, features: Array.from(e.features.features) } }));
await page.evaluate(([ex]) => window.train(ex.slice(0, 2).map((e, i) => ({ ...e, label: `l${i}` })), 'frozen'), [plain]);

const rows = [];
try {
  for (const mode of ['frozen', 'fine-tune']) {
    const native = [];
    const wasm = [];
    const browserS = [];
    let estimate = null;
    for (let r = 0; r < runs; r++) {
      const out = JSON.parse(execFileSync(cli, ['teach', songs, join(dir, 'model'), '--seed', '1', '--mode', mode], { encoding: 'utf8', env: { ...process.env, RAYON_NUM_THREADS: '1' } }));
      native.push(out.seconds);
      const t = performance.now();
      const trained = await trainModel(examples, { seed: 1, mode });
      wasm.push((performance.now() - t) / 1000);
      estimate = trained.estimate;
      browserS.push(await page.evaluate(([ex, m]) => window.train(ex, m), [plain, mode]));
    }
    rows.push({ mode, native: median(native), wasm: median(wasm), browser: median(browserS), estimate });
    const list = (v) => v.map((x) => x.toFixed(2)).join(', ');
    console.log(`${mode}: native ${list(native)} s; wasm (Node.js) ${list(wasm)} s; Chromium ${list(browserS)} s`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await browser.close();
  await server.close();
}

const pct = (v) => `${(100 * v).toFixed(1)}%`;
const body = `
Measured by \`node scripts/bench_teach.mjs ${runs}\` (median of ${runs} alternating runs;
${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end; timings on a shared
machine vary: compare the ratios of one run). 3 labels x 8 songs (the first 8
shared GTZAN clips of blues, classical and metal, ${windows} analysis windows of
3 s): the training of \`trainModel\` (the estimate's cross-validation, 5 folds,
then the final model), natively (\`genre-train teach\`, the same core, one thread),
in WebAssembly in Node.js (the teach module on the calling thread) and in
headless Chromium (\`trainModel\` in its worker, from the page's call to the
result). Analysing the 24 songs first (decoding the FLAC files and
\`windowFeatures\`, Node.js) took ${analyseS.toFixed(1)} s.

| mode | native (s) | WebAssembly, Node.js (s) | WebAssembly, Chromium worker (s) | Node.js / native | Chromium / native | estimate (balanced accuracy) |
|---|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.mode} | ${r.native.toFixed(2)} | ${r.wasm.toFixed(2)} | ${r.browser.toFixed(2)} | ${(r.wasm / r.native).toFixed(1)} | ${(r.browser / r.native).toFixed(1)} | ${r.estimate && r.estimate.available ? pct(r.estimate.balancedAccuracy) : '-'} |`).join('\n')}
`;
writeSection('Training a personal model', body);
