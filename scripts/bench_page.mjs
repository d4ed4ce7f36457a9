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
// Stages are told apart from outside the package, by wrapping browser APIs
// the package calls (Blob.arrayBuffer, decodeAudioData, Worker.postMessage
// and the worker's messages): nothing in js/ or www/ changes for this.

import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { writeSection } from './report.mjs';
import { CHROMIUM, CHROMIUM_ARGS, CLI, assertBuilt, firefox, median, p90, pageInWorker, songs, timeCommand, watchLoad } from './bench_media.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
const WITH_FIREFOX = !args.includes('--no-firefox');

/**
 * Installed in the page once it is loaded (before any file is picked):
 * records the moments of each stage of the next pick in window.__trace.
 * Runs in the browser.
 */
function installTracer() {
  if (window.__trace) return;
  const trace = { events: [] };
  window.__trace = trace;
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
    if (msg && msg.op === 'classify') ev('post-start', { samples: msg.samples.length, rate: msg.sampleRate });
    const r = post.call(this, msg, transfer);
    if (msg && msg.op === 'classify') ev('post-end');
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
    const card = document.querySelector('#detail .card[data-state="done"], #detail .card[data-state="error"]');
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
      if (ev.some((x) => x.name === 'painted')) resolve(ev);
      else if (performance.now() - t0 > 300000) reject(new Error('no answer after 300 s'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/** Stage durations (ms) from one trace. */
function stages(events) {
  const first = (name) => {
    const e = events.find((x) => x.name === name);
    if (!e) throw new Error(`no "${name}" in the trace: ${events.map((x) => x.name).join(', ')}`);
    return e.t;
  };
  const shown = events.find((x) => x.name === 'shown');
  if (shown.state !== 'done') throw new Error(`the page showed an error: ${JSON.stringify(events)}`);
  const t = {
    pick: first('pick'),
    readStart: first('read-start'),
    readEnd: first('read-end'),
    decodeStart: first('decode-start'),
    decodeEnd: first('decode-end'),
    postStart: first('post-start'),
    analyse: first('msg-analyse'),
    mel: first('msg-mel'),
    result: first('msg-result'),
    handled: first('result-handled'),
    shown: first('shown'),
    painted: first('painted'),
  };
  return {
    genre: shown.genre,
    total: t.painted - t.pick,
    setup: t.readStart - t.pick, // the page: collect, table row, card, queue
    read: t.readEnd - t.readStart, // File → ArrayBuffer
    between: t.decodeStart - t.readEnd, // read → decode (rate sniffing, audio context)
    decode: t.decodeEnd - t.decodeStart, // decodeAudioData (MP3 → planar float)
    mix: t.postStart - t.decodeEnd, // channel mean + glue
    handoff: t.analyse - t.postStart, // postMessage (transfer) until the worker starts
    analyse: t.mel - t.analyse, // the core: resample + features + network, every window
    mel: t.result - t.mel, // mel image + result to JS + structured clone back
    render: t.painted - t.result, // package → queue → card (DOM, canvas) → next frame
  };
}

// The stages cover the whole time: setup + read + between + decode + mix +
// handoff + analyse + mel + render = total.
const STAGES = [
  ['setup', 'page before reading (collect, row, card, queue)'],
  ['read', 'read (File → ArrayBuffer)'],
  ['between', 'sniff the rate, create the audio context'],
  ['decode', 'decode (decodeAudioData, MP3 → 44.1 kHz stereo float)'],
  ['mix', 'mix to mono (main thread) and glue'],
  ['handoff', 'hand-off to the worker (transfer, until its first progress message)'],
  ['analyse', 'core classify: resample + features + network (all windows)'],
  ['mel', 'mel image + result conversion + copy back'],
  ['render', 'render (card, bars, mel canvas, timeline) and next frame'],
];

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
      await page.setInputFiles('#file-input', path);
      const events = await page.evaluate(awaitPainted);
      await page.close();
      return stages(events);
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
      await ff.sendFiles('#file-input', [path]);
      return stages(await ff.exec(awaitPainted));
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
/** results[browser][song] = stages[]; cli[song] = ms[] */
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
      console.log(`run ${run + 1} ${r.name} ${song.label}: ${s.total.toFixed(0)} ms (${s.genre}); decode ${s.decode.toFixed(0)}, analyse ${s.analyse.toFixed(0)}`);
    }
    const ms = timeCommand(CLI, ['classify', song.path, '--format', 'json']);
    cli[song.key].push(ms);
    console.log(`run ${run + 1} CLI ${song.label}: ${ms.toFixed(0)} ms`);
  }
}
const loadInfo = load.stop();
for (const r of runners) await r.close();
server.close();

// Report ---------------------------------------------------------------------------

const f0 = (x) => x.toFixed(0);
const totals = [];
for (const [i, r] of runners.entries()) {
  for (const song of SONGS) {
    const runs = results[i][song.key];
    const tot = runs.map((s) => s.total);
    // Ratio to the CLI per run (measured alternately), then its median.
    const ratios = runs.map((s, k) => s.total / cli[song.key][k]);
    totals.push(`| ${r.name} | ${song.label} | ${f0(median(tot))} | ${f0(p90(tot))} | ${f0(median(cli[song.key]))} | ${median(ratios).toFixed(1)}× |`);
  }
}
const stageRows = STAGES.map(([key, label]) => {
  const cells = [];
  for (const [i] of runners.entries()) {
    for (const song of SONGS) {
      const runs = results[i][song.key];
      const v = median(runs.map((s) => s[key]));
      const share = median(runs.map((s) => s[key] / s.total));
      cells.push(`${f0(v)} (${Math.round(share * 100)}%)`);
    }
  }
  return `| ${label} | ${cells.join(' | ')} |`;
});
const heads = runners.flatMap((r) => SONGS.map((s) => `${r.name.split(' ')[0]}, ${s.label}`));
const genres = runners.flatMap((r, i) => SONGS.map((s) => `${r.name.split(' ')[0]} ${s.label}: ${results[i][s.key][0].genre}`)).join('; ');
const body = `
Measured by \`node scripts/bench_page.mjs ${RUNS}\` after \`npm run build\`, on ${loadInfo.cpu}
(${loadInfo.cores} cores), **${loadInfo.text}** (another job ran the test suite on the same machine:
compare the ratios, not the absolute figures). ${runners.map((r) => `Headless ${r.name}`).join(', ')}${firefoxNote ? ` (${firefoxNote})` : ''}.
Songs made at run time from the shared clips and encoded by lame at 192 kbit/s, 44.1 kHz stereo:
*4 min* is eight real 30 s clips of eight genres in a row (${(media.long.sources.length)} files from \`../shared/data/gtzan-subset\`,
upsampled from 22050 Hz), *30 s* one clip. Each is picked through the page's own file input
(\`#file-input\`; Playwright's \`setInputFiles\`, WebDriver's send-keys for Firefox) on a freshly
loaded page whose classifier is ready, and timed in the page from the input's \`change\` event to
the answer shown (the card's result rendered, then the next frame). ${RUNS} runs after a warm-up;
each browser and the \`genre\` command (\`target/release/genre classify FILE --format json\`,
wall time, process start included) take turns on the same file, so the page/CLI ratio is the
median of per-run ratios. The page asks the worker for the 480-column mel image of the card with
the classification, as it does for a single file.

| Browser | Song | Pick to answer, median (ms) | p90 (ms) | \`genre\` CLI, median (ms) | Page / CLI |
|---|---|---:|---:|---:|---:|
${totals.join('\n')}

Where the time goes: median ms of each stage (and its median share of the total). The stages
are told apart from outside the package, by wrapping the browser APIs it calls
(\`Blob.arrayBuffer\`, \`decodeAudioData\`, \`Worker.postMessage\` and the worker's messages:
the core's first \`analyse\` progress, its \`mel\` progress, the result); worker stages are
seen when their message reaches the page's thread, which is idle meanwhile.

| Stage | ${heads.join(' | ')} |
|---|${heads.map(() => '---:').join('|')}|
${stageRows.join('\n')}

Answers (first run): ${genres}.
`;
writeSection('Real music on the page', body);
console.log(body);
