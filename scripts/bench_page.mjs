// Page benchmark (not a test): real music, picked as MP3 through the page's
// file input, timed from the pick (the input's change event) to the answer
// shown (the card's result rendered and a frame painted), in headless
// Chromium and Firefox, with each stage separated; and the `genre` command
// classifying the same file, timed alternately in the same run.
// Writes the "Real music on the page" section of BENCHMARKS.md.
// Usage: npm run build && node scripts/bench_page.mjs [RUNS] [--no-firefox]
//
// The songs are made at run time from the shared GTZAN clips (see
// bench_media.mjs): 4 minutes (eight clips of eight genres in a row) and
// 30 s, upsampled to 44.1 kHz stereo and encoded by lame at 192 kbit/s.
//
// Stages are told apart by wrapping browser APIs the package calls
// (Worker.postMessage and the worker's messages) and by the stage timings the
// worker sends beside a streamed file's result (js/stream.js): decoding and
// analysis run interleaved in the worker, so only it can tell them apart.
//
// Also writes "Decoding speed": the streaming decoder (the decoder module,
// WebAssembly) against the browser's decodeAudioData and the CLI's decoder
// (examples/decode_speed.rs, native), on the same files in the same run.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './build.mjs';
import { serve } from './serve.mjs';
import { writeSection } from './report.mjs';
import { CHROMIUM, CHROMIUM_ARGS, CLI, assertBuilt, firefox, median, p90, pageInWorker, songs, timeCommand, watchLoad } from './bench_media.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
const WITH_FIREFOX = !args.includes('--no-firefox');
/** How long after the classifier is ready the first file is picked (ms). */
const IDLE_MS = 2000;

/**
 * Installed in the page once it is loaded (before any file is picked):
 * records the moments of each stage of the next pick in window.__trace.
 * Runs in the browser.
 */
function installTracer() {
  if (window.__trace) return;
  const trace = { events: [], timings: null, origin: performance.timeOrigin, stale: new Set() };
  window.__trace = trace;
  // For the next pick on the same page: a fresh trace; the card shown now is not its answer.
  window.__resetTrace = () => {
    trace.events = [];
    trace.timings = null;
    trace.stale = new Set(document.querySelectorAll('#detail .card'));
  };
  const ev = (name, extra = {}) => trace.events.push({ name, t: performance.now(), ...extra });
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file') ev('pick');
  }, { capture: true });
  const arrayBuffer = Blob.prototype.arrayBuffer;
  Blob.prototype.arrayBuffer = function () {
    ev('read-start');
    return arrayBuffer.call(this).then((b) => (ev('read-end'), b));
  };
  const proto = (window.BaseAudioContext || window.OfflineAudioContext).prototype;
  const decode = proto.decodeAudioData;
  proto.decodeAudioData = function (bytes, ok, fail) {
    ev('decode-start', { bytes: bytes.byteLength });
    let ended = false;
    const end = () => {
      if (!ended) ev('decode-end');
      ended = true;
    };
    const p = decode.call(this, bytes, (b) => (end(), ok && ok(b)), fail);
    return p && p.then ? p.then((b) => (end(), b)) : p;
  };
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, transfer) {
    const traced = msg && (msg.op === 'classify' || msg.op === 'file');
    if (traced) ev('post-start', { op: msg.op });
    const r = post.call(this, msg, transfer);
    if (traced) ev('post-end');
    return r;
  };
  // The worker's replies: each message is noted once, as it arrives (before
  // the package's listener sees it); a result also when the listener is done.
  const seen = new WeakSet();
  const wrapped = new WeakMap();
  const add = Worker.prototype.addEventListener;
  const remove = Worker.prototype.removeEventListener;
  Worker.prototype.addEventListener = function (type, fn, options) {
    if (type !== 'message' || typeof fn !== 'function') return add.call(this, type, fn, options);
    const w = function (event) {
      const d = event.data || {};
      const first = !seen.has(event);
      if (first) {
        seen.add(event);
        if (d.type === 'progress') {
          const last = trace.events.findLast((x) => x.name.startsWith('msg-'));
          const name = `msg-${d.stage}`;
          if (!last || last.name !== name) ev(name, { fraction: d.fraction });
        } else ev(`msg-${d.type}`);
        if (d.type === 'result' && d.timings) trace.timings = d.timings;
      }
      const r = fn.call(this, event);
      if (first && d.type === 'result') ev('result-handled');
      return r;
    };
    wrapped.set(fn, w);
    return add.call(this, type, w, options);
  };
  Worker.prototype.removeEventListener = function (type, fn, options) {
    return remove.call(this, type, (type === 'message' && wrapped.get(fn)) || fn, options);
  };
  // The answer shown: the card's state becomes "done"; painted: after the next frame.
  new MutationObserver(() => {
    const card = [...document.querySelectorAll('#detail .card[data-state="done"], #detail .card[data-state="error"]')]
      .find((c) => !trace.stale.has(c));
    if (!card || trace.events.some((x) => x.name === 'shown')) return;
    ev('shown', { state: card.dataset.state, genre: card.querySelector('.verdict-genre')?.textContent ?? '' });
    requestAnimationFrame(() => setTimeout(() => ev('painted')));
  }).observe(document.getElementById('detail'), { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

/** Resolves to the trace once the answer is painted (runs in the browser). */
function awaitPainted() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const poll = () => {
      const ev = window.__trace.events;
      const { timings, origin } = window.__trace;
      if (ev.some((x) => x.name === 'painted')) resolve({ events: ev, timings, origin });
      else if (performance.now() - t0 > 300000) reject(new Error('no answer after 300 s'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/** Stage durations (ms) from one trace (`{ events, timings, origin }`). */
function stages({ events, timings, origin }) {
  const first = (name) => {
    const e = events.find((x) => x.name === name);
    if (!e) throw new Error(`no "${name}" in the trace: ${events.map((x) => x.name).join(', ')}`);
    return e.t;
  };
  const shown = events.find((x) => x.name === 'shown');
  if (shown.state !== 'done') throw new Error(`the page showed an error: ${JSON.stringify(events)}`);
  if (!timings) throw new Error('the worker sent no stage timings: was the file streamed?');
  const t = {
    pick: first('pick'),
    post: first('post-start'),
    result: first('msg-result'),
    painted: first('painted'),
    workerStart: timings.start - origin,
    workerEnd: timings.end - origin,
  };
  return {
    genre: shown.genre,
    total: t.painted - t.pick,
    setup: t.post - t.pick, // the page: collect, table row, card, queue, the File posted
    start: t.workerStart - t.post, // the message reaches the worker
    open: timings.open, // the decoder module (first file of a page) and the header
    decode: timings.decode, // the streaming decoder: MP3 → mono
    analyse: timings.analyse, // resample + features + network + mel frames, piece by piece
    wait: timings.wait, // the other workers sharing the file: flow control, their windows
    finish: timings.finish, // last windows, mel image, result to JS
    back: t.result - t.workerEnd, // the result's message to the page
    render: t.painted - t.result, // package → queue → card (DOM, canvas) → next frame
  };
}

// The stages cover the whole time: their sum is the total.
const STAGES = [
  ['setup', 'page before the worker (collect, row, card, queue, post the File)'],
  ['start', 'message to the worker'],
  ['open', 'open: load the decoder module (first file of a page), read the header'],
  ['decode', 'decode (streaming decoder, MP3 → mono, in the worker)'],
  ['analyse', 'resample + features + network (+ mel frames unless shared), as the pieces arrive'],
  ['wait', 'waiting for the other workers sharing the file (their windows, the mel image)'],
  ['finish', 'last windows, mel image, result conversion'],
  ['back', 'result back to the page'],
  ['render', 'render (card, bars, mel canvas, timeline) and next frame'],
];

/**
 * Decoding alone, in the page (runs in the browser): `input` holds the
 * file; decodeAudioData (an OfflineAudioContext at the file's rate) and the
 * streaming decoder module over the file's bytes in memory, each timed `runs`
 * times, alternately. Resolves to { webAudio: ms[], stream: ms[] }.
 */
async function decodeInPage({ selector, runs }) {
  const file = document.querySelector(selector).files[0];
  const bytes = new Uint8Array(await file.arrayBuffer());
  const glue = await import(new URL('../pkg/decoder/genre_decoder.js', location.href).href);
  await glue.default({ module_or_path: new URL('../pkg/decoder/genre_decoder_bg.wasm', location.href) });
  const out = { webAudio: [], stream: [] };
  for (let i = 0; i < runs; i++) {
    const ctx = new OfflineAudioContext(1, 1, 44100);
    const copy = bytes.slice().buffer;
    let t0 = performance.now();
    await ctx.decodeAudioData(copy);
    out.webAudio.push(performance.now() - t0);
    t0 = performance.now();
    const dec = new glue.StreamDecoder((a, b) => bytes.subarray(a, b), bytes.length, 'mp3');
    while (dec.next(1 << 16));
    dec.finish();
    dec.free();
    out.stream.push(performance.now() - t0);
  }
  return out;
}

/** Adds a file input for decodeInPage (runs in the browser). */
function addDecodeInput() {
  if (document.getElementById('bench-decode')) return;
  const input = document.createElement('input');
  input.type = 'file';
  input.id = 'bench-decode';
  document.body.append(input);
}

// Browsers ---------------------------------------------------------------------

async function chromiumRunner(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return {
    name: `Chromium ${browser.version()}`,
    async pick(path) {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('pageerror', e.message));
      await page.goto(url);
      await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: 120000 });
      await page.evaluate(pageInWorker);
      await page.evaluate(installTracer);
      await page.waitForTimeout(IDLE_MS);
      await page.setInputFiles('#file-input', path);
      const first = stages(await page.evaluate(awaitPainted));
      await page.evaluate(() => window.__resetTrace());
      await page.setInputFiles('#file-input', path);
      const next = stages(await page.evaluate(awaitPainted));
      await page.close();
      return { first, next };
    },
    async decodeOnly(path, runs) {
      const page = await context.newPage();
      await page.goto(url);
      await page.evaluate(addDecodeInput);
      await page.setInputFiles('#bench-decode', path);
      const r = await page.evaluate(decodeInPage, { selector: '#bench-decode', runs });
      await page.close();
      return r;
    },
    close: () => browser.close(),
  };
}

async function firefoxRunner(url) {
  const ff = await firefox();
  return {
    name: `Firefox ${ff.version}`,
    async pick(path) {
      await ff.goto('about:blank');
      await ff.goto(url);
      await ff.exec(() => new Promise((resolve, reject) => {
        const t0 = performance.now();
        const poll = () => {
          if (document.querySelector('#engine-status[data-state="ready"]')) resolve(true);
          else if (performance.now() - t0 > 120000) reject(new Error('classifier not ready'));
          else setTimeout(poll, 20);
        };
        poll();
      }));
      await ff.exec(pageInWorker);
      await ff.exec(installTracer);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      await ff.sendFiles('#file-input', [path]);
      const first = stages(await ff.exec(awaitPainted));
      await ff.exec(() => window.__resetTrace());
      await ff.sendFiles('#file-input', [path]);
      const next = stages(await ff.exec(awaitPainted));
      return { first, next };
    },
    async decodeOnly(path, runs) {
      await ff.goto('about:blank');
      await ff.goto(url);
      await ff.exec(addDecodeInput);
      await ff.sendFiles('#bench-decode', [path]);
      return ff.exec(decodeInPage, { selector: '#bench-decode', runs });
    },
    close: () => ff.close(),
  };
}

// Run ----------------------------------------------------------------------------

assertBuilt();
const media = songs();
const server = await serve({ port: 0 });
const url = `http://127.0.0.1:${server.address().port}/www/`;
const runners = [await chromiumRunner(url)];
let firefoxNote = '';
if (WITH_FIREFOX) {
  try {
    runners.push(await firefoxRunner(url));
  } catch (err) {
    firefoxNote = `Firefox could not be driven: ${err.message}`;
    console.error(firefoxNote);
  }
}
const SONGS = [
  { key: 'long', label: '4 min MP3', ...media.long },
  { key: 'short', label: '30 s MP3', ...media.short },
];
/** The two picks timed on each page: the first file, and the same file again. */
const WHICH = [['first', 'first file'], ['next', 'next file']];
/** results[browser][song] = { first, next }[] (stages); cli[song] = ms[] */
const results = runners.map(() => ({ long: [], short: [] }));
const cli = { long: [], short: [] };
const load = watchLoad();
// Warm-up (not counted): one pick per browser and song, one CLI run per song.
for (const song of SONGS) {
  for (const r of runners) await r.pick(song.path);
  timeCommand(CLI, ['classify', song.path, '--format', 'json']);
}
for (let run = 0; run < RUNS; run++) {
  // Alternately: each browser, then the CLI, song by song; the order of the
  // songs alternates from run to run.
  const order = run % 2 ? [...SONGS].reverse() : SONGS;
  for (const song of order) {
    for (const [i, r] of runners.entries()) {
      const s = await r.pick(song.path);
      results[i][song.key].push(s);
      for (const [key, label] of WHICH) {
        const x = s[key];
        console.log(`run ${run + 1} ${r.name} ${song.label}, ${label}: ${x.total.toFixed(0)} ms (${x.genre}); decode ${x.decode.toFixed(0)}, analyse ${x.analyse.toFixed(0)}, wait ${x.wait.toFixed(0)}`);
      }
    }
    const ms = timeCommand(CLI, ['classify', song.path, '--format', 'json']);
    cli[song.key].push(ms);
    console.log(`run ${run + 1} CLI ${song.label}: ${ms.toFixed(0)} ms`);
  }
}
// Decoding alone: each browser's decodeAudioData and the streaming decoder
// module in the same page, alternately; the CLI's decoder natively.
const DECODE_SPEED = join(ROOT, 'target', 'release', 'examples', 'decode_speed');
/** decoding[browser][song] = { webAudio: ms[], stream: ms[] }; nativeDecode[song] = ms[] */
const decoding = runners.map(() => ({}));
const nativeDecode = {};
for (const song of SONGS) {
  for (const [i, r] of runners.entries()) {
    decoding[i][song.key] = await r.decodeOnly(song.path, RUNS);
    console.log(`${r.name} ${song.label}: decodeAudioData ${median(decoding[i][song.key].webAudio).toFixed(0)} ms, streaming decoder ${median(decoding[i][song.key].stream).toFixed(0)} ms`);
  }
  const line = execFileSync(DECODE_SPEED, [String(RUNS), song.path], { encoding: 'utf8' });
  nativeDecode[song.key] = JSON.parse(line).ms;
  console.log(`native ${song.label}: ${median(nativeDecode[song.key]).toFixed(0)} ms`);
}
const loadInfo = load.stop();
for (const r of runners) await r.close();
server.close();

// Report ---------------------------------------------------------------------------

const f0 = (x) => x.toFixed(0);
const totals = [];
for (const [i, r] of runners.entries()) {
  for (const song of SONGS) {
    for (const [which, label] of WHICH) {
      const runs = results[i][song.key].map((s) => s[which]);
      const tot = runs.map((s) => s.total);
      // Ratio to the CLI per run (measured alternately), then its median.
      const ratios = runs.map((s, k) => s.total / cli[song.key][k]);
      totals.push(`| ${r.name} | ${song.label} | ${label} | ${f0(median(tot))} | ${f0(p90(tot))} | ${f0(median(cli[song.key]))} | ${median(ratios).toFixed(2)}× |`);
    }
  }
}
const columns = runners.flatMap((r, i) => SONGS.flatMap((song) => WHICH.map(([which, label]) => ({
  head: `${r.name.split(' ')[0]}, ${song.label}, ${label}`,
  runs: results[i][song.key].map((s) => s[which]),
}))));
const stageRows = STAGES.map(([key, label]) => {
  const cells = columns.map(({ runs }) => {
    const v = median(runs.map((s) => s[key]));
    const share = median(runs.map((s) => s[key] / s.total));
    return `${f0(v)} (${Math.round(share * 100)}%)`;
  });
  return `| ${label} | ${cells.join(' | ')} |`;
});
const heads = columns.map((c) => c.head);
const genres = runners.flatMap((r, i) => SONGS.map((s) => `${r.name.split(' ')[0]} ${s.label}: ${results[i][s.key][0].first.genre}`)).join('; ');
const body = `
Measured by \`node scripts/bench_page.mjs ${RUNS}\` after \`npm run build\`, on ${loadInfo.cpu}
(${loadInfo.cores} cores), **${loadInfo.text}** (a shared machine:
compare the ratios, not the absolute figures). ${runners.map((r) => `Headless ${r.name}`).join(', ')}${firefoxNote ? ` (${firefoxNote})` : ''}.
Songs made at run time from the shared clips and encoded by lame at 192 kbit/s, 44.1 kHz stereo:
*4 min* is eight real 30 s clips of eight genres in a row (${(media.long.sources.length)} files from \`../shared/data/gtzan-subset\`,
upsampled from 22050 Hz), *30 s* one clip. Each is picked through the page's own file input
(\`#file-input\`; Playwright's \`setInputFiles\`, WebDriver's send-keys for Firefox) and timed in
the page from the input's \`change\` event to the answer shown (the card's result rendered, then
the next frame). *First file*: on a freshly loaded page, ${IDLE_MS / 1000} s after its classifier is ready
(a visitor's first drop; the browser holds the page's files from earlier visits: the warm-up
picks). *Next file*: the same file again on that page. ${RUNS} runs after a warm-up; each browser
and the \`genre\` command (\`target/release/genre classify FILE --format json\`, wall time,
process start included) take turns on the same file, so the page/CLI ratio is the median of
per-run ratios. The page asks for the 480-column mel image of the card with the
classification, as it does for a single file, and its pool (one worker per core: 2 here) shares
the file: one worker decodes it and sends the samples to the other, each computes its share of
the analysis windows (\`js/share.js\`).

| Browser | Song | Pick | Pick to answer, median (ms) | p90 (ms) | \`genre\` CLI, median (ms) | Page / CLI |
|---|---|---|---:|---:|---:|---:|
${totals.join('\n')}

Where the time goes: median ms of each stage (and its median share of the total), as the
worker that decodes the file sees it. It decodes and classifies as a stream (\`js/stream.js\`):
decoding, sending the pieces to the other worker and analysing its own windows alternate piece
by piece there, so it times them itself and sends the times beside the result; *waiting* is the
time it is held back by the other worker (flow control, then its windows and the mel image at
the end). The page's side is seen by wrapping \`Worker.postMessage\` and the worker's messages.

| Stage | ${heads.join(' | ')} |
|---|${heads.map(() => '---:').join('|')}|
${stageRows.join('\n')}

Answers (first run): ${genres}.
`;
writeSection('Real music on the page', body);
console.log(body);

const decodeRows = [];
for (const song of SONGS) {
  const native = median(nativeDecode[song.key]);
  decodeRows.push(`| ${song.label} | CLI's decoder (symphonia, native, \`examples/decode_speed.rs\`) | ${f0(native)} | 1.0× |`);
  for (const [i, r] of runners.entries()) {
    const d = decoding[i][song.key];
    const name = r.name.split(' ')[0];
    decodeRows.push(`| ${song.label} | ${name}: streaming decoder (the same, WebAssembly, \`pkg/decoder/\`) | ${f0(median(d.stream))} | ${(median(d.stream) / native).toFixed(1)}× |`);
    decodeRows.push(`| ${song.label} | ${name}: \`decodeAudioData\` (the browser's decoder, to stereo) | ${f0(median(d.webAudio))} | ${(median(d.webAudio) / native).toFixed(1)}× |`);
  }
}
const decodeBody = `
Measured by \`node scripts/bench_page.mjs ${RUNS}\` in the same run as *Real music on the page*
(same machine, same load, same files: the 4-minute and 30 s MP3s, 44.1 kHz stereo, 192 kbit/s).
Decoding alone, to samples, median of ${RUNS} runs: the CLI's decoder natively (\`MonoPackets\`,
packet by packet to mono, as \`genre classify\` reads a file); the same decoder compiled to
WebAssembly (the decoder module the page's worker streams files through; here run on the
page's thread over the file's bytes in memory, without the worker's file reads); the browser's
\`decodeAudioData\` (an \`OfflineAudioContext\` at 44.1 kHz, to planar stereo: what the page
used before, and still uses for codecs the decoder module does not read). The two browser
figures are timed alternately in the same page.

| Song | Decoder | ms, median | vs native |
|---|---|---:|---:|
${decodeRows.join('\n')}
`;
writeSection('Decoding speed', decodeBody);
console.log(decodeBody);
