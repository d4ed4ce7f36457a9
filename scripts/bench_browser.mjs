// Browser benchmark (not a test): time from a Float32Array to a
// classification for a 30 s and a 10 min clip in headless Chromium, the
// WebAssembly memory high-water mark, and the native time of the same work
// (examples/bench_native.rs, release build) measured in the same run; then
// the same for real music: every clip of ../shared/data/gtzan-subset (read
// at run time, decoded in the page by the decoder module) against
// examples/bench_real.rs on the same clips.
// Writes the "Browser" section of BENCHMARKS.md.
// Usage: npm run build && node scripts/bench_browser.mjs

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { ROOT } from './build.mjs';
import { serve } from './serve.mjs';
import { writeSection } from './report.mjs';
import { GTZAN, clipsByGenre } from './bench_media.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RATE = 44100;
const CLIPS = [
  { seconds: 30, runs: 15 },
  { seconds: 600, runs: 3 },
];

// The same music-like test signal as examples/bench_native.rs: a chord, a
// bass line and a decaying beat, at RATE Hz.
const SIGNAL_JS = `
function signal(seconds, rate) {
  const y = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < y.length; i++) {
    const t = i / rate;
    const beat = Math.exp(-12 * (t % 0.5));
    const bass = [55, 73.4, 82.4, 65.4][Math.floor(t / 2) % 4];
    y[i] = 0.2 * Math.sin(2 * Math.PI * 261.6 * t) + 0.15 * Math.sin(2 * Math.PI * 329.6 * t)
      + 0.15 * Math.sin(2 * Math.PI * 392 * t) + 0.3 * Math.sin(2 * Math.PI * bass * t)
      + 0.2 * beat * Math.sin(2 * Math.PI * 1500 * t);
  }
  return y;
}`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import { createClassifier } from '/js/index.js';
import { memoryBytes } from '/js/engine.js';
${SIGNAL_JS}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
window.bench = async (clips, rate) => {
  const local = await createClassifier({ worker: false });
  const worker = await createClassifier({ worker: true });
  const out = [];
  for (const { seconds, runs } of clips) {
    const y = signal(seconds, rate);
    await local.classifySamples(y, rate);
    await worker.classifySamples(y, rate);
    const t = { seconds, local: [], worker: [] };
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await local.classifySamples(y, rate);
      t.local.push(performance.now() - t0);
      t0 = performance.now();
      await worker.classifySamples(y, rate);
      t.worker.push(performance.now() - t0);
    }
    out.push({ seconds, localMs: median(t.local), workerMs: median(t.worker), memoryBytes: await memoryBytes() });
  }
  worker.terminate();
  return out;
};
// Real clips: each fetched and decoded here (the decoder module), then
// classified on the calling thread, alternately with the synthetic 30 s
// clip; medians over the clips.
window.real = async (urls, rate) => {
  const glue = await import('/pkg/decoder/genre_decoder.js');
  await glue.default({ module_or_path: '/pkg/decoder/genre_decoder_bg.wasm' });
  const local = await createClassifier({ worker: false });
  const synth = signal(30, rate);
  await local.classifySamples(synth, rate);
  const real = [];
  const synthetic = [];
  for (const url of urls) {
    const { samples, sampleRate } = glue.decode(new Uint8Array(await (await fetch(url)).arrayBuffer()));
    let t0 = performance.now();
    await local.classifySamples(samples, sampleRate);
    real.push(performance.now() - t0);
    t0 = performance.now();
    await local.classifySamples(synth, rate);
    synthetic.push(performance.now() - t0);
  }
  return { clips: urls.length, realMs: median(real), syntheticMs: median(synthetic) };
};
window.ready = true;
</script>`;

/** Native classification of the same clips (examples/bench_real.rs): medians, in ms. */
function nativeReal() {
  execFileSync('cargo', ['build', '--release', '--example', 'bench_real'], { cwd: ROOT, stdio: 'inherit' });
  return JSON.parse(execFileSync(`${ROOT}/target/release/examples/bench_real`, [GTZAN, '1'], { cwd: ROOT, encoding: 'utf8' }));
}

function native() {
  execFileSync('cargo', ['build', '--release', '--example', 'bench_native'], { cwd: ROOT, stdio: 'inherit' });
  const args = CLIPS.flatMap(({ seconds, runs }) => [`${seconds}:${runs}`]);
  const out = execFileSync(`${ROOT}/target/release/examples/bench_native`, [String(RATE), ...args], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

async function browser() {
  const server = await serve({ port: 0, pages: { '/bench.html': PAGE } });
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
  try {
    const page = await b.newPage();
    page.on('pageerror', (e) => console.error(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/bench.html`);
    await page.waitForFunction(() => window.ready);
    const result = await page.evaluate(([clips, rate]) => window.bench(clips, rate), [CLIPS, RATE]);
    // The clips are served from the shared data folder, outside the server's root.
    const clips = Object.values(clipsByGenre()).flat();
    await page.route('**/clips/*', (route) => {
      const k = Number(new URL(route.request().url()).pathname.split('/').pop());
      return route.fulfill({ body: readFileSync(clips[k]), contentType: 'application/octet-stream' });
    });
    const real = await page.evaluate(([urls, rate]) => window.real(urls, rate), [clips.map((_, k) => `/clips/${k}`), 22050]);
    return { result, real, version: b.version() };
  } finally {
    await b.close();
    server.close();
  }
}

const nat = native();
const natReal = nativeReal();
const { result, real, version } = await browser();
const cpu = cpus()[0] ? cpus()[0].model.trim() : 'unknown CPU';
const rows = result.map((r) => {
  const n = nat.find((x) => x.seconds === r.seconds);
  const clip = r.seconds >= 60 ? `${r.seconds / 60} min` : `${r.seconds} s`;
  return `| ${clip} | ${n.ms.toFixed(1)} | ${r.localMs.toFixed(1)} | ${(r.localMs / n.ms).toFixed(2)}× | ${r.workerMs.toFixed(1)} | ${(r.memoryBytes / 2 ** 20).toFixed(1)} |`;
});
const body = `
Measured by \`node scripts/bench_browser.mjs\` after \`npm run build\`, in one
run on ${cpu} (${cpus().length} cores, shared with other work), headless
Chromium ${version}. Input: a synthetic music-like mono signal at ${RATE} Hz
as a \`Float32Array\` (resampled to 22050 Hz by the core); time to a full
\`Classification\` (features and network for every window), median of ${CLIPS.map((c) => c.runs).join(' and ')}
runs after a warm-up. *Native* is \`examples/bench_native.rs\` (release build,
same signal, same work); *calling thread* is \`createClassifier({ worker: false })\`;
*worker* adds the copy and transfer to a module Web Worker. Memory is the
WebAssembly memory size after the runs, its high-water mark (memory never
shrinks). Goals: 30 s clip under 100 ms in the browser, WebAssembly at most
2× native.

| Clip | Native (ms) | Browser, calling thread (ms) | Browser / native | Browser, worker (ms) | Wasm memory (MiB) |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

Real music: the ${real.clips} clips of \`../shared/data/gtzan-subset\` (30 s, 22050 Hz, FLAC, read at
run time), each classified once on the calling thread (decoded beforehand by the decoder
module), alternately with the synthetic 30 s clip at 22050 Hz; natively
\`examples/bench_real.rs\` on the same ${natReal.clips} clips, in the same run. Medians over the clips.

| Clip | Native (ms) | Browser, calling thread (ms) | Browser / native |
|---|---:|---:|---:|
| real 30 s clips (median) | ${natReal.real_ms.toFixed(1)} | ${real.realMs.toFixed(1)} | ${(real.realMs / natReal.real_ms).toFixed(2)}× |
| synthetic 30 s, 22050 Hz | ${natReal.synthetic_ms.toFixed(1)} | ${real.syntheticMs.toFixed(1)} | ${(real.syntheticMs / natReal.synthetic_ms).toFixed(2)}× |
`;
writeSection('Browser', body);
console.log(body);
