// Batch benchmark (not a test): files per second for a batch of real 30 s
// clips (default 200), on the page (its folder input, MP3s), through the
// package's worker pool in Chromium with 1 and 2 workers
// (`createClassifier({ workers: n }).classifyFiles`, the same MP3s), in
// Node.js (`classifyFiles` on WAVs: Node reads WAV only) and with the
// `genre` command (`genre classify DIR`, all cores through rayon) on both
// folders; each round runs every configuration once, in turn, so that the
// ratios are measured under the same load.
// Writes the "Batches" section of BENCHMARKS.md.
// Usage: npm run build && node scripts/bench_batch.mjs [ROUNDS] [--files N] [--no-firefox]
//
// Clips: round-robin over the genres of ../shared/data/gtzan-subset, as
// 44.1 kHz stereo 192 kbit/s MP3 (lame, upsampled from 22050 Hz) and as WAV
// (22050 Hz mono 16-bit: the clip as it is), made at run time (bench_media.mjs).

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { writeSection } from './report.mjs';
import { CHROMIUM, CHROMIUM_ARGS, CLI, assertBuilt, batch, firefox, median, pageInWorker, timeCommand, watchLoad } from './bench_media.mjs';

// Node.js child: `--node DIR` prints { ms, ok, failed } for classifyFiles of DIR's WAVs.
if (process.argv[2] === '--node') {
  const { createClassifier } = await import('../js/node.js');
  const dir = process.argv[3];
  const files = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().map((f) => join(dir, f));
  const c = await createClassifier();
  const t0 = performance.now();
  const out = await c.classifyFiles(files);
  const ms = performance.now() - t0;
  const ok = out.filter((o) => o.status === 'fulfilled').length;
  console.log(JSON.stringify({ ms, ok, failed: files.length - ok }));
  process.exit(0);
}

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const at = args.indexOf('--files');
const N = at >= 0 ? Number(args[at + 1]) : 200;
const WITH_FIREFOX = !args.includes('--no-firefox');

/** Runs in the page: notes the pick and the moment the batch panel says all files are settled. */
function installBatchTracer() {
  const trace = { start: 0, end: 0, summary: '' };
  window.__batch = trace;
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file' && !trace.start) trace.start = performance.now();
  }, { capture: true });
  const batch = document.getElementById('batch');
  new MutationObserver(() => {
    const d = batch.dataset;
    if (!trace.end && trace.start && d.state === 'idle' && Number(d.total) > 0 && d.settled === d.total) {
      trace.end = performance.now();
    }
  }).observe(batch, { attributes: true });
}

/** Runs in the page: resolves once the batch is over, with its time and the page's summary. */
function awaitBatch() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const poll = () => {
      const t = window.__batch;
      const live = document.getElementById('batch-live').textContent || '';
      if (t.end && live.startsWith('Finished')) {
        const m = live.match(/(\d+) files?: (\d+) classified, (\d+) failed/);
        resolve({ ms: t.end - t.start, total: m ? Number(m[1]) : 0, ok: m ? Number(m[2]) : 0, failed: m ? Number(m[3]) : -1 });
      } else if (performance.now() - t0 > 900000) reject(new Error(`batch not finished after 900 s: ${live}`));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

const POOL_PAGE = `<!doctype html><meta charset="utf-8"><title>pool bench</title>
<input type="file" id="files" multiple>
<script type="module">
import { createClassifier } from '/js/index.js';
window.poolRun = async (workers) => {
  const files = [...document.getElementById('files').files];
  const c = await createClassifier({ workers });
  const t0 = performance.now();
  const out = await c.classifyFiles(files);
  const ms = performance.now() - t0;
  c.terminate();
  const ok = out.filter((o) => o.status === 'fulfilled').length;
  return { ms, ok, failed: files.length - ok, workers: c.workers };
};
window.ready = true;
</script>`;

assertBuilt();
const media = await batch(N);
const server = await serve({ port: 0, pages: { '/pool.html': POOL_PAGE } });
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
let ff = null;
let firefoxNote = '';
if (WITH_FIREFOX) {
  try {
    ff = await firefox();
  } catch (err) {
    firefoxNote = `Firefox could not be driven: ${err.message}`;
    console.error(firefoxNote);
  }
}

async function chromiumPage() {
  const page = await context.newPage();
  await page.goto(`${origin}/www/`);
  await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: 120000 });
  await page.evaluate(pageInWorker);
  await page.evaluate(installBatchTracer);
  await page.setInputFiles('#folder-input', media.mp3Dir);
  const r = await page.evaluate(awaitBatch);
  await page.close();
  return r;
}

async function firefoxPage() {
  await ff.goto('about:blank');
  await ff.goto(`${origin}/www/`);
  await ff.exec(() => new Promise((resolve) => {
    const poll = () => (document.querySelector('#engine-status[data-state="ready"]') ? resolve(true) : setTimeout(poll, 20));
    poll();
  }));
  await ff.exec(pageInWorker);
  await ff.exec(installBatchTracer);
  // geckodriver cannot fill a folder input: the same files through the file input (multiple).
  await ff.sendFiles('#file-input', media.mp3s);
  return ff.exec(awaitBatch);
}

async function chromiumPool(workers) {
  const page = await context.newPage();
  await page.goto(`${origin}/pool.html`);
  await page.waitForFunction(() => window.ready);
  await page.setInputFiles('#files', media.mp3s);
  const r = await page.evaluate((n) => window.poolRun(n), workers);
  await page.close();
  if (r.workers !== workers) throw new Error(`asked for ${workers} workers, got ${r.workers}`);
  return r;
}

/** Node.js, in a child process (a fresh one per batch, like the CLI). */
function node() {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--node', media.wavDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop());
}

const cli = (dir) => () => ({ ms: timeCommand(CLI, ['classify', dir, '--format', 'json']), ok: N, failed: 0 });

const CONFIGS = [
  { key: 'page', label: 'Page (Chromium), folder input, MP3', input: 'MP3', run: chromiumPage },
  ...(ff ? [{ key: 'ffpage', label: `Page (Firefox), file input, MP3`, input: 'MP3', run: firefoxPage }] : []),
  { key: 'pool1', label: 'Pool, Chromium, `workers: 1`, MP3', input: 'MP3', run: () => chromiumPool(1) },
  { key: 'pool2', label: 'Pool, Chromium, `workers: 2`, MP3', input: 'MP3', run: () => chromiumPool(2) },
  { key: 'node', label: 'Node.js `classifyFiles` (calling thread), WAV', input: 'WAV', run: node },
  { key: 'climp3', label: '`genre classify DIR` (rayon, 2 threads), MP3', input: 'MP3', run: cli(media.mp3Dir) },
  { key: 'cliwav', label: '`genre classify DIR` (rayon, 2 threads), WAV', input: 'WAV', run: cli(media.wavDir) },
];

const results = Object.fromEntries(CONFIGS.map((c) => [c.key, []]));
const load = watchLoad();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...CONFIGS].reverse() : CONFIGS;
  for (const c of order) {
    const r = await c.run();
    if (r.ok !== N) throw new Error(`${c.label}: ${r.ok} of ${N} classified (${r.failed} failed)`);
    results[c.key].push(r.ms);
    console.log(`round ${round + 1} ${c.label}: ${(r.ms / 1000).toFixed(1)} s, ${((N * 1000) / r.ms).toFixed(2)} files/s`);
  }
}
const loadInfo = load.stop();
const versions = `Chromium ${browser.version()}${ff ? `, Firefox ${ff.version}` : ''}`;
await browser.close();
if (ff) await ff.close();
server.close();

// Per round, every configuration's rate relative to the CLI on the MP3s of that round.
const rate = (ms) => (N * 1000) / ms;
const rows = CONFIGS.map((c) => {
  const rates = results[c.key].map(rate);
  const rel = results[c.key].map((ms, i) => rate(ms) / rate(results.climp3[i]));
  const relPool1 = results[c.key].map((ms, i) => rate(ms) / rate(results.pool1[i]));
  return `| ${c.label} | ${median(rates).toFixed(2)} | ${Math.min(...rates).toFixed(2)}–${Math.max(...rates).toFixed(2)} | ${median(rel).toFixed(2)} | ${median(relPool1).toFixed(2)} |`;
});
const body = `
Measured by \`node scripts/bench_batch.mjs ${ROUNDS}\` after \`npm run build\`, on ${loadInfo.cpu}
(${loadInfo.cores} cores), **${loadInfo.text}** (a shared machine:
compare the ratios, not the absolute figures). ${versions}, headless. A batch of ${N} real 30 s
clips (round-robin over the ten genres of \`../shared/data/gtzan-subset\`), made at run time as
44.1 kHz stereo MP3 at 192 kbit/s (lame, upsampled from 22050 Hz) and as WAV (22050 Hz mono,
16-bit: the clips as they are). Time from the pick (or the call) to the last result, per batch;
${ROUNDS} rounds, each running every configuration once in turn (the order reversed every other
round); the ratios are medians of per-round ratios. *Page*: the real page (\`www/\`), files
picked through its folder input (Chromium, Playwright) or its file input with all ${N} files
(Firefox: geckodriver cannot fill a folder input), timed until its batch panel shows all files
settled (the panel redraws at most every 200 ms); the page classifies two files at a time with the
package's default pool (2 workers here, one per core), without mel images. *Pool*: a bare page
calling \`createClassifier({ workers: n }).classifyFiles(files)\` on the same ${N} \`File\`s (the
workers started by the call, beyond the first, are included). *Node.js*: \`classifyFiles\` of
\`js/node.js\` on the WAVs, one thread. *CLI*: \`target/release/genre classify DIR --format json\`,
wall time including process start.

| Configuration | Files/s, median | Range | vs CLI on MP3 | vs pool, 1 worker |
|---|---:|---:|---:|---:|
${rows.join('\n')}
`;
writeSection('Batches', body);
console.log(body);
