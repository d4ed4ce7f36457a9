// Times training a personal model on the page (3 labels x 8 songs of the
// shared GTZAN clips, the Teach panel's defaults) in headless Chromium, and
// weighs what the Teach panel adds to the download: everything fetched
// from opening the panel to the end of a training, against the
// classify-only first visit. Writes the "Teach panel" section of
// BENCHMARKS.md.
// Usage: npm run build && node scripts/bench_teach_page.mjs [runs]   (default 3)

import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT } from './build.mjs';
import { writeSection } from './report.mjs';
import { serve } from './serve.mjs';
import { addLabelsAndSongs, openTeach, teachSplit, trainOnPage } from './teach_page.mjs';

const RUNS = Number(process.argv[2] || 3);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
const GTZAN = resolve(ROOT, '..', 'shared', 'data', 'gtzan-subset');
const LABELS = ['classical', 'country', 'metal'];

const kb = (n) => (n / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Raw and gzipped (level 9) bytes of files served from the repository, by URL path. */
function weigh(paths) {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const p of [...paths].sort()) {
    const file = join(ROOT, p.endsWith('/') ? `${p}index.html` : p);
    const data = readFileSync(file);
    const z = gzipSync(data, { level: 9 }).length;
    raw += data.length;
    gz += z;
    rows.push({ path: p, raw: data.length, gz: z });
  }
  return { raw, gz, rows };
}

const split = teachSplit(GTZAN, LABELS);
const server = await serve({ port: 0 });
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const times = [];
const loads = [];
let first = null;
let teach = null;
let version = '';
try {
  version = browser.version();
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    /** @type {Set<string>} */
    let paths = new Set();
    context.on('request', (r) => {
      if (r.serviceWorker()) return;
      const url = new URL(r.url());
      if (url.origin === origin) paths.add(url.pathname);
    });
    const page = await context.newPage();
    await page.goto(`${origin}/www/`);
    await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: 120_000 });
    const visit = paths;
    paths = new Set();
    await openTeach(page);
    await addLabelsAndSongs(page, split);
    // Audio files are the user's, not the page's download.
    const teachOnly = new Set([...paths].filter((p) => !p.endsWith('.flac')));
    paths = new Set();
    const { seconds } = await trainOnPage(page);
    for (const p of paths) teachOnly.add(p);
    times.push(seconds);
    loads.push(loadavg()[0]);
    console.log(`run ${run + 1}: ${seconds.toFixed(1)} s`);
    if (!first) {
      first = weigh([...visit].filter((p) => !p.endsWith('/')).concat(visit.has('/www/') ? ['/www/index.html'] : []));
      teach = weigh([...teachOnly].filter((p) => !visit.has(p)));
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const body = `
Measured by \`node scripts/bench_teach_page.mjs ${RUNS}\` after \`npm run build\`, headless
Chromium ${version} (\`--disable-gpu\`), ${cpus().length} logical CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}),
load average (1 min) ${median(loads).toFixed(1)} median over the runs (the machine is shared: compare ratios).
Each run: a fresh profile; the Teach panel opened; labels ${LABELS.join(', ')} made; 8 songs of the shared
GTZAN clips picked for each (\`scripts/teach_page.mjs\`: the same split as the end-to-end test) and analysed
as they are added; then **Train** with the panel's defaults, timed in the page from the button to the model
kept in IndexedDB (training in the worker, the grouped cross-validation estimate included).

| Training, 3 labels x 8 songs (${RUNS} runs) | Seconds |
|---|---:|
| median | ${median(times).toFixed(1)} |
| fastest | ${Math.min(...times).toFixed(1)} |
| slowest | ${Math.max(...times).toFixed(1)} |

What the page downloads (gzip level 9; 1 KB = 1024 bytes): the classify-only first visit (page to
classifier ready), and what the Teach panel adds when it is opened and trains (its scripts and the
training module, fetched only then; the songs are the user's and not counted). The first visit's
budget is 400 KB gzipped.

| Download | Files | Raw (KB) | Gzipped (KB) |
|---|---:|---:|---:|
| First visit, classify only | ${first.rows.length} | ${kb(first.raw)} | ${kb(first.gz)} |
| Teach panel, added | ${teach.rows.length} | ${kb(teach.raw)} | ${kb(teach.gz)} |

Teach panel files: ${teach.rows.map((r) => `\`${r.path}\` (${kb(r.gz)} KB)`).join(', ')}.
`;
writeSection('Teach panel', body);
console.log(`training median ${median(times).toFixed(1)} s; first visit ${kb(first.gz)} KB gz; teach adds ${kb(teach.gz)} KB gz`);
