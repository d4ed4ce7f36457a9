// Measures the page in www/ as a first-time visitor gets it: every file the
// page, its worker and the WebAssembly module fetch (raw and gzipped), and
// how long until the page is usable and the classifier is ready (headless
// Chromium, median of several cold loads). Writes the "Page" section of
// BENCHMARKS.md.
// Usage: npm run build && node scripts/page_weight.mjs

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT } from './build.mjs';
import { writeSection } from './report.mjs';
import { serve } from './serve.mjs';

const RUNS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];

const kb = (n) => (n / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serve({ port: 0 });
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });

let files = null;
const timings = [];
try {
  for (let run = 0; run < RUNS; run++) {
    // A fresh context each time: empty HTTP cache, no service worker yet.
    const context = await browser.newContext();
    const paths = new Set();
    context.on('request', (r) => {
      // Service-worker precache fetches repeat what the page already loaded.
      if (r.serviceWorker()) return;
      const url = new URL(r.url());
      if (url.origin === origin) paths.add(url.pathname);
    });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${origin}/www/`);
    await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: 120_000 });
    const ready = Date.now() - t0;
    const nav = await page.evaluate(() => {
      const [n] = performance.getEntriesByType('navigation');
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: paint ? paint.startTime : NaN };
    });
    timings.push({ ...nav, ready });
    if (!files) {
      files = [...paths].filter((p) => !p.endsWith('/')).sort();
      if (paths.has('/www/')) files.unshift('/www/index.html');
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const groups = [
  ['Page (HTML, CSS, icon)', (p) => p.startsWith('/www/') && !p.endsWith('.js')],
  ['Page scripts (www/*.js)', (p) => p.startsWith('/www/') && p.endsWith('.js')],
  ['Package scripts (js/, wasm-bindgen glue)', (p) => p.endsWith('.js') && !p.startsWith('/www/')],
  ['WebAssembly module (with the model)', (p) => p.endsWith('.wasm')],
];
let raw = 0;
let gz = 0;
const rows = groups.map(([label, match]) => {
  let r = 0;
  let z = 0;
  const members = files.filter(match);
  for (const p of members) {
    const data = readFileSync(join(ROOT, p));
    r += data.length;
    z += gzipSync(data, { level: 9 }).length;
  }
  raw += r;
  gz += z;
  return `| ${label} | ${members.length} | ${kb(r)} | ${kb(z)} |`;
});

const ms = (k) => `${Math.round(median(timings.map((t) => t[k])))} ms`;
const body = `
Measured by \`node scripts/page_weight.mjs\` after \`npm run build\`: a
first visit to \`/www/\` in headless Chromium (Debian's, \`--disable-gpu\`)
from \`scripts/serve.mjs\` on localhost, fresh profile each time, median of
${RUNS} loads, on the development machine (2 cores, shared). Everything the
page, its worker and the WebAssembly module fetch is counted once (gzip level
9; 1 KB = 1024 bytes). The service worker then fetches the same files once
more to keep them for offline use (the local server sends ETags, as static
hosts do, so these are revalidations answered with 304s).

| What | Files | Raw (KB) | Gzipped (KB) |
|---|---:|---:|---:|
${rows.join('\n')}
| **Total** | **${files.length}** | **${kb(raw)}** | **${kb(gz)}** |

| Moment (first visit) | Median |
|---|---:|
| First contentful paint | ${ms('fcp')} |
| DOMContentLoaded | ${ms('dcl')} |
| Load event | ${ms('load')} |
| Classifier ready (worker started, WebAssembly compiled) | ${ms('ready')} |

Files: ${files.map((f) => `\`${f.slice(1)}\``).join(', ')}.
`;
writeSection('Page', body);
console.log(`page: ${files.length} files, ${kb(raw)} KB raw, ${kb(gz)} KB gzipped; ready in ${ms('ready')}`);
