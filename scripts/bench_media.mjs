// Shared by scripts/bench_page.mjs and scripts/bench_batch.mjs: the audio
// they feed (made at run time from the real clips of ../shared/data, never
// committed), statistics, the machine's load while they run, and a minimal
// W3C WebDriver client for Firefox (geckodriver), which playwright-core
// cannot drive in its Debian build.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './build.mjs';

export const GTZAN = resolve(ROOT, '..', 'shared', 'data', 'gtzan-subset', 'genres');
/** Where the generated audio lives (kept between runs: it is made once). */
export const MEDIA = process.env.BENCH_MEDIA || join(tmpdir(), 'genre-bench-media');
export const CLI = join(ROOT, 'target', 'release', 'genre');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const GECKODRIVER = process.env.GECKODRIVER || join(process.env.HOME || '/root', '.cargo', 'bin', 'geckodriver');

/** The real clips, per genre, sorted. */
export function clipsByGenre() {
  const out = {};
  for (const g of readdirSync(GTZAN).sort()) {
    const dir = join(GTZAN, g);
    if (!statSync(dir).isDirectory()) continue;
    out[g] = readdirSync(dir).filter((f) => /\.(flac|wav|mp3|au|ogg)$/.test(f)).sort().map((f) => join(dir, f));
  }
  return out;
}

/** `n` clips taken round-robin over the genres (each genre's clips in order). */
export function pickClips(n) {
  const by = Object.values(clipsByGenre());
  const out = [];
  for (let i = 0; out.length < n; i++) {
    let any = false;
    for (const list of by) {
      if (i < list.length && out.length < n) {
        out.push(list[i]);
        any = true;
      }
    }
    if (!any) throw new Error(`only ${out.length} clips below ${GTZAN}`);
  }
  return out;
}

function buildTools() {
  execFileSync('cargo', ['build', '--release', '--example', 'make_wav', '--example', 'decode_speed', '--bin', 'genre'], { cwd: ROOT, stdio: 'inherit' });
}

const MAKE_WAV = join(ROOT, 'target', 'release', 'examples', 'make_wav');

/** A WAV of `inputs` (decoded, joined, cut to `seconds`, at `rate` Hz, `channels` channels). */
function makeWav(out, rate, channels, seconds, inputs) {
  execFileSync(MAKE_WAV, [out, String(rate), String(channels), String(seconds), ...inputs]);
}

/** An MP3 made by lame from a WAV (CBR `kbps`). */
function lame(wav, mp3, kbps) {
  execFileSync('lame', ['--quiet', '-b', String(kbps), wav, mp3]);
}

/**
 * The two songs of the page benchmark, as 44.1 kHz stereo 192 kbit/s MP3s:
 * 4 minutes (eight real 30 s clips of eight genres in a row, upsampled from
 * 22050 Hz, both channels the same) and 30 s (one clip).
 */
export function songs() {
  buildTools();
  mkdirSync(MEDIA, { recursive: true });
  const by = clipsByGenre();
  const genres = Object.keys(by);
  const long = join(MEDIA, 'song-4min.mp3');
  const short = join(MEDIA, 'song-30s.mp3');
  const eight = genres.slice(0, 8).map((g) => by[g][0]);
  if (!existsSync(long)) {
    makeWav(join(MEDIA, 'song-4min.wav'), 44100, 2, 240, eight);
    lame(join(MEDIA, 'song-4min.wav'), long, 192);
  }
  if (!existsSync(short)) {
    makeWav(join(MEDIA, 'song-30s.wav'), 44100, 2, 30, [by.jazz?.[0] ?? eight[0]]);
    lame(join(MEDIA, 'song-30s.wav'), short, 192);
  }
  return { long: { path: long, seconds: 240, sources: eight }, short: { path: short, seconds: 30, sources: [by.jazz?.[0] ?? eight[0]] } };
}

/**
 * The batch: `n` real 30 s clips, round-robin over the genres, as WAV (the
 * clip as decoded: 22050 Hz mono, 16-bit) in `wav/` and as 44.1 kHz stereo
 * 192 kbit/s MP3 in `mp3/`. Two lame processes at a time.
 */
export async function batch(n) {
  buildTools();
  const clips = pickClips(n);
  const wavDir = join(MEDIA, `batch-${n}`, 'wav');
  const mp3Dir = join(MEDIA, `batch-${n}`, 'mp3');
  const tmp = join(MEDIA, `batch-${n}`, 'tmp');
  for (const d of [wavDir, mp3Dir, tmp]) mkdirSync(d, { recursive: true });
  const names = clips.map((c) => c.split('/').pop().replace(/\.\w+$/, ''));
  const jobs = [];
  clips.forEach((clip, i) => {
    const wav = join(wavDir, `${names[i]}.wav`);
    if (!existsSync(wav)) makeWav(wav, 22050, 1, 0, [clip]);
    const mp3 = join(mp3Dir, `${names[i]}.mp3`);
    if (!existsSync(mp3)) jobs.push({ clip, mp3, stereo: join(tmp, `${names[i]}.wav`) });
  });
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      makeWav(job.stereo, 44100, 2, 0, [job.clip]);
      await new Promise((ok, fail) => {
        const p = spawn('lame', ['--quiet', '-b', '192', job.stereo, `${job.mp3}.part`]);
        p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`lame exited ${code}`))));
      });
      execFileSync('mv', [`${job.mp3}.part`, job.mp3]);
      execFileSync('rm', ['-f', job.stereo]);
    }
  };
  if (jobs.length) console.log(`encoding ${jobs.length} MP3s…`);
  await Promise.all([lane(), lane()]);
  return {
    wavDir,
    mp3Dir,
    wavs: names.map((s) => join(wavDir, `${s}.wav`)),
    mp3s: names.map((s) => join(mp3Dir, `${s}.mp3`)),
  };
}

/** Stops with a hint when the package is not built (the page would fall back to its own thread). */
export function assertBuilt() {
  for (const f of ['js/worker.js', 'pkg/genre_classifier.js', 'pkg/genre_classifier_bg.wasm']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` (or \`node scripts/build.mjs --js\`) first`);
  }
}

/** Runs in the browser: throws unless the page's classifier is ready in a worker. */
export function pageInWorker() {
  const s = document.querySelector('#engine-status');
  if (!s || s.dataset.state !== 'ready') throw new Error(`classifier not ready: ${s && s.textContent}`);
  if (/page.s thread/.test(s.textContent || '')) throw new Error(`the page fell back to its own thread: ${s.textContent}`);
  return true;
}

// Statistics ------------------------------------------------------------------

export const sorted = (v) => [...v].sort((a, b) => a - b);
export const median = (v) => {
  const s = sorted(v);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank 90th percentile. */
export const p90 = (v) => sorted(v)[Math.max(0, Math.ceil(0.9 * v.length) - 1)];

// Load ------------------------------------------------------------------------

/** Samples the 1-minute load average every 5 s until stop(); stop() describes it. */
export function watchLoad() {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 5000);
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]);
      return {
        cores: cpus().length,
        cpu: cpus()[0] ? cpus()[0].model.trim() : 'unknown CPU',
        min: Math.min(...samples),
        median: median(samples),
        max: Math.max(...samples),
        text: `load average (1 min) ${median(samples).toFixed(1)} median, ${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)} over the run, on ${cpus().length} cores`,
      };
    },
  };
}

/** Wall time of a command, in ms (its output discarded). */
export function timeCommand(cmd, args) {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// Firefox through geckodriver -------------------------------------------------

/**
 * Starts geckodriver and a headless Firefox session. Returns a tiny client:
 * goto(url), exec(fn, ...args) (async script: `fn` may return a promise),
 * sendFiles(selector, paths), version, close().
 */
export async function firefox() {
  const port = 4444 + Math.floor(Math.random() * 1000);
  const driver = spawn(GECKODRIVER, ['--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  driver.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/status`);
      break;
    } catch (err) {
      if (i > 100) throw new Error(`geckodriver did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const session = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'] },
        timeouts: { script: 600000, pageLoad: 120000, implicit: 0 },
      },
    },
  });
  const id = session.sessionId;
  const s = `/session/${id}`;
  return {
    version: session.capabilities.browserVersion,
    goto: (url) => call('POST', `${s}/url`, { url }),
    /** Runs `fn(...args)` in the page and resolves to its (awaited) value. */
    exec: (fn, ...args) =>
      call('POST', `${s}/execute/async`, {
        script: `const done = arguments[arguments.length - 1];
          Promise.resolve((${fn})(...Array.from(arguments).slice(0, -1))).then(done, (e) => done({ __error: String(e && e.stack || e) }));`,
        args,
      }).then((v) => {
        if (v && v.__error) throw new Error(v.__error);
        return v;
      }),
    async sendFiles(selector, paths) {
      const el = await call('POST', `${s}/element`, { using: 'css selector', value: selector });
      const ref = Object.values(el)[0];
      await call('POST', `${s}/element/${ref}/value`, { text: paths.join('\n') });
    },
    async close() {
      try {
        await call('DELETE', s);
      } finally {
        driver.kill();
      }
    },
  };
}
