// End-to-end test of the page in www/: headless Chromium (Debian's) opens
// the page from the package's static server, drops a generated WAV, a real
// GTZAN FLAC clip and bad files onto it, and checks every row and card, the
// network log, the CSP, the console, offline use and the microphone mode.
// Whole folders are tested in library.test.mjs. Screenshots go to
// tests/artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  CLASSIFY_TIMEOUT,
  GENRES,
  GTZAN,
  LAUNCH_ARGS,
  checkOffsite,
  tuneWav,
  openPage as openPageOf,
  startServer,
  tableRows,
  waitForBatch,
} from './helpers.mjs';

/** The first FLAC clip of `genre` in the shared GTZAN subset. */
function gtzanClip(genre) {
  const dir = join(GTZAN, genre);
  assert.ok(existsSync(dir), `the GTZAN subset is missing: expected ${dir}`);
  const name = readdirSync(dir).filter((f) => f.endsWith('.flac')).sort()[0];
  assert.ok(name, `no FLAC clip in ${dir}`);
  return { name, buffer: readFileSync(join(dir, name)) };
}

let server;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context and page that record every request, console error and CSP violation. */
function openPage(contextOptions = {}, from = browser) {
  return openPageOf(from, server, contextOptions);
}

/** Sets files on the file input (as the picker does). */
async function pickFiles(page, files) {
  await page.setInputFiles('#file-input', files);
}

/** Drops files onto the drop zone with a synthetic drag-and-drop DataTransfer. */
async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const { name, mimeType, base64 } of items) {
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name, { type: mimeType }));
    }
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, payload);
}

/**
 * The genre and `confident` flag the package itself gives for `files`
 * (classifyFile on the page's thread, as a user of the package would call
 * it), by file name: what the cards for the same files must show.
 */
async function packageResults(page, files) {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  return page.evaluate(async (items) => {
    const { createClassifier } = await import(new URL('../js/index.js', location.href).href);
    const classifier = await createClassifier({ worker: false });
    const out = {};
    try {
      for (const { name, mimeType, base64 } of items) {
        const bin = atob(base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const { genre, confident } = await classifier.classifyFile(new File([bytes], name, { type: mimeType }));
        out[name] = { genre, confident };
      }
    } finally {
      classifier.terminate();
    }
    return out;
  }, payload);
}

/**
 * Waits until the table has `count` rows, all finished, then opens each
 * row's card in turn (one card on show at a time) and returns what each
 * card shows, in the table's order.
 */
async function cardOutcomes(page, count) {
  await waitForBatch(page, count);
  const rows = await tableRows(page);
  assert.equal(rows.length, count, 'one row per file');
  const out = [];
  for (const row of rows) {
    await page.click(`#results-table tr[data-id="${row.id}"] .row-open`);
    await page.waitForFunction(
      (path) => {
        const card = document.querySelector('#detail > .card');
        const tr = document.querySelector('#results-table tr[data-selected="true"]');
        if (!card || !tr || tr.dataset.path !== path) return false;
        return card.dataset.state === 'error' || (card.dataset.state === 'done' && card.dataset.mel !== 'pending');
      },
      row.path,
      { timeout: CLASSIFY_TIMEOUT },
    );
    assert.equal(await page.locator('#detail > .card').count(), 1, 'one card on show');
    out.push(await page.$eval('#detail > .card', readCard));
  }
  return out;
}

/** What a card shows (run in the page). */
function readCard(card) {
  const canvas = card.querySelector('canvas.mel-canvas');
  let melPixels = null;
  if (canvas) {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const distinct = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) distinct.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    melPixels = { width: canvas.width, height: canvas.height, distinct: distinct.size };
  }
  return {
    name: card.dataset.fileName,
    state: card.dataset.state,
    errorCode: card.dataset.errorCode ?? null,
    genre: card.dataset.resultGenre ?? null,
    confident: card.dataset.confident ?? null,
    verdict: card.querySelector('.verdict-genre')?.textContent ?? null,
    headline: card.querySelector('.verdict')?.textContent ?? null,
    unsureNote: card.querySelector('.unsure-note')?.textContent ?? null,
    live: card.querySelector('[role="status"]')?.textContent ?? null,
    alert: card.querySelector('[role="alert"]')?.textContent ?? null,
    cardProbabilities: card.dataset.probabilities ? JSON.parse(card.dataset.probabilities) : null,
    bars: [...card.querySelectorAll('.bar')].map((b) => ({
      genre: b.dataset.genre,
      probability: Number(b.dataset.probability),
      top: b.dataset.top === 'true',
      text: b.querySelector('.bar-value').textContent,
    })),
    top3: [...card.querySelectorAll('.top3-list .chip')].map((c) => c.dataset.genre),
    summary: card.querySelector('.top3')?.textContent ?? null,
    windows: Number(card.dataset.windows ?? 0),
    timelineRows: [...card.querySelectorAll('.timeline-table tbody tr')].map((r) => r.lastElementChild.textContent),
    timelineLabel: card.querySelector('.timeline-strip')?.getAttribute('aria-label') ?? null,
    melPixels,
  };
}

function checkClassified(card) {
  assert.equal(card.state, 'done', `${card.name} should be classified, got ${card.state}: ${card.alert}`);
  assert.ok(GENRES.includes(card.genre), `${card.name}: unknown genre ${card.genre}`);
  assert.ok(card.verdict && card.verdict.trim().length > 0, `${card.name}: no genre shown`);
  checkConfidence(card);
  assert.deepEqual(card.bars.map((b) => b.genre), GENRES, `${card.name}: one bar per genre, in model order`);
  const sum = card.bars.reduce((s, b) => s + b.probability, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `${card.name}: displayed probabilities sum to ${sum}`);
  for (const b of card.bars) assert.ok(b.probability >= 0 && b.probability <= 1, `${card.name}: ${b.genre} = ${b.probability}`);
  assert.deepEqual(card.bars.map((b) => b.probability), card.cardProbabilities);
  const best = card.bars.reduce((a, b) => (b.probability > a.probability ? b : a));
  assert.equal(best.genre, card.genre, `${card.name}: the shown genre is the most probable one`);
  assert.deepEqual(card.bars.filter((b) => b.top).map((b) => b.genre), [card.genre]);
  const ranked = [...card.bars].sort((a, b) => b.probability - a.probability).map((b) => b.genre);
  assert.ok(card.top3.length <= 3, `${card.name}: at most three leading genres`);
  assert.deepEqual(card.top3, ranked.slice(0, card.top3.length), `${card.name}: leading genres, best first`);
  assert.ok(card.summary && card.summary.length > 5, `${card.name}: a multi-genre sentence`);
  assert.ok(card.melPixels, `${card.name}: mel spectrogram drawn`);
  assert.ok(card.melPixels.width > 10 && card.melPixels.height > 10, `${card.name}: mel image size`);
  assert.ok(card.melPixels.distinct > 20, `${card.name}: the mel image is not flat`);
  if (card.windows > 1) {
    assert.ok(card.timelineLabel, `${card.name}: ${card.windows} windows but no timeline`);
    assert.ok(card.timelineRows.length >= 1);
  } else {
    assert.equal(card.timelineLabel, null);
  }
}

/** The card marks whether the model is sure; when it is not, the genre reads as a guess. */
function checkConfidence(card) {
  assert.ok(['true', 'false'].includes(card.confident), `${card.name}: data-confident is ${card.confident}`);
  const unsure = card.confident === 'false';
  assert.equal(card.unsureNote !== null, unsure, `${card.name}: the unsure note is shown iff the model is unsure`);
  if (unsure) {
    assert.match(card.unsureNote, /^Not sure: .+ The best guess is .+\.$/, card.name);
    assert.ok(card.headline.startsWith(`Best guess: ${card.verdict}`), `${card.name}: headline "${card.headline}"`);
  } else {
    assert.ok(!card.headline.includes('Best guess'), `${card.name}: headline "${card.headline}"`);
  }
  assert.ok(card.live && card.live.includes(card.genre), `${card.name}: live region "${card.live}"`);
  assert.equal(card.live.includes('(unsure)'), unsure, `${card.name}: live region "${card.live}"`);
}

test('the page classifies dropped and picked files, keeps bad files on their own cards', { timeout: 300_000 }, async () => {
  const { context, page, requests, problems } = await openPage();

  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.ok(csp, 'CSP meta tag present');
  for (const directive of [
    "default-src 'self'",
    "connect-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "img-src 'self' data: blob:",
  ]) {
    assert.ok(csp.includes(directive), `CSP has ${directive}`);
  }
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
  assert.equal(await page.locator('[style]').count(), 0, 'no inline style attributes');
  assert.match(await page.textContent('#privacy'), /Nothing is uploaded/);

  const wav = { name: 'synthetic-tune.wav', mimeType: 'audio/wav', buffer: tuneWav(15, 22050, 1) };
  const clip = gtzanClip('classical');
  const flac = { name: clip.name, mimeType: 'audio/flac', buffer: clip.buffer };
  const notes = Buffer.from('These are notes, not music.\n'.repeat(40));
  const skipped = { name: 'notes.txt', mimeType: 'text/plain', buffer: notes };
  const text = { name: 'notes.mp3', mimeType: 'audio/mpeg', buffer: notes };
  const empty = { name: 'empty.wav', mimeType: 'audio/wav', buffer: Buffer.alloc(0) };
  const truncated = { name: 'truncated.mp3', mimeType: 'audio/mpeg', buffer: wav.buffer.subarray(0, 30) };

  // Bad files first: the worker must keep serving the files after them. A
  // file that is not audio is skipped, and counted.
  await pickFiles(page, [skipped, text, empty, truncated]);
  await page.waitForSelector('#collect-note[data-audio="3"][data-skipped="1"]');
  assert.match(await page.textContent('#collect-note'), /^Added 3 audio files; 1 file skipped \(not audio\)\.$/);
  await dropFiles(page, [wav, flac]);
  const cards = await cardOutcomes(page, 5);
  const byName = Object.fromEntries(cards.map((c) => [c.name, c]));

  checkClassified(byName[wav.name]);
  checkClassified(byName[flac.name]);
  // The cards show what the package answers for the same files.
  const expected = await packageResults(page, [wav, flac]);
  for (const f of [wav, flac]) {
    const { genre, confident } = expected[f.name];
    assert.equal(typeof confident, 'boolean', `${f.name}: the package's result has a boolean "confident"`);
    assert.equal(byName[f.name].genre, genre, f.name);
    assert.equal(byName[f.name].confident, String(confident), `${f.name}: data-confident`);
  }
  assert.ok(byName[flac.name].windows > 1, 'a 30 s clip is classified in several windows');

  for (const bad of [text, empty, truncated]) {
    const card = byName[bad.name];
    assert.equal(card.state, 'error', `${bad.name} should fail`);
    assert.ok(card.alert && card.alert.length > 20, `${bad.name}: a clear message, got ${card.alert}`);
    assert.equal(card.genre, null);
    assert.equal(card.bars.length, 0);
  }
  assert.equal(byName[text.name].errorCode, 'decode');
  assert.match(byName[text.name].alert, /could not be decoded/);
  assert.equal(byName[empty.name].errorCode, 'empty');

  await page.screenshot({ path: join(ARTIFACTS, 'page-desktop.png'), fullPage: true });

  checkOffsite(requests, server.origin);
  assert.deepEqual(problems, [], 'no console errors');
  await context.close();
});

test('the page fits a phone screen, in dark mode too', { timeout: 300_000 }, async () => {
  const { context, page, requests, problems } = await openPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'dark',
  });
  const clip = gtzanClip('rock');
  await pickFiles(page, [{ name: clip.name, mimeType: 'audio/flac', buffer: clip.buffer }]);
  const [card] = await cardOutcomes(page, 1);
  checkClassified(card);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  await page.screenshot({ path: join(ARTIFACTS, 'page-phone-dark.png'), fullPage: true });
  checkOffsite(requests, server.origin);
  assert.deepEqual(problems, [], 'no console errors');
  await context.close();
});

test('every control is reachable and named for keyboard and screen-reader users', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await openPage();
  const reached = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  assert.ok(reached.includes('file-input'), `Tab reaches the file picker (${reached.join(', ')})`);
  assert.ok(reached.includes('mic-button'), `Tab reaches the microphone button (${reached.join(', ')})`);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, input, [role="img"]')]
      .filter((e) => !e.hidden && !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, []);
  await page.focus('#file-input');
  await page.screenshot({ path: join(ARTIFACTS, 'page-keyboard-focus.png') });
  const outline = await page.$eval('label[for="file-input"]', (l) => getComputedStyle(l).outlineStyle);
  assert.equal(outline, 'solid', 'the visible picker button shows keyboard focus');
  assert.deepEqual(problems, []);
  await context.close();
});

test('animations stop when the user prefers reduced motion', { timeout: 120_000 }, async () => {
  const durations = {};
  for (const reducedMotion of ['no-preference', 'reduce']) {
    const { context, page } = await openPage({ reducedMotion });
    durations[reducedMotion] = await page.$eval('#mic-button', (b) => parseFloat(getComputedStyle(b).transitionDuration));
    await context.close();
  }
  assert.ok(durations['no-preference'] >= 0.1, `transitions normally (${durations['no-preference']} s)`);
  assert.ok(durations.reduce < 0.001, `none with reduced motion (${durations.reduce} s)`);
});

/** Text whose contrast with its background is below WCAG AA (4.5:1, or 3:1 for large text). */
function lowContrastText() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor) ?? { r: 255, g: 255, b: 255 };
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.checkVisibility({ visibilityProperty: true })) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.visually-hidden, [hidden]')) continue;
    const fg = parse(style.color);
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}"`);
  }
  return bad;
}

for (const colorScheme of ['light', 'dark']) {
  test(`text meets WCAG AA contrast in ${colorScheme} mode`, { timeout: 300_000 }, async () => {
    const { context, page, problems } = await openPage({ colorScheme });
    const clip = gtzanClip('jazz');
    await pickFiles(page, [
      { name: clip.name, mimeType: 'audio/flac', buffer: clip.buffer },
      { name: 'notes.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('not audio') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not audio') },
    ]);
    // The table, the error card, then the result card with its timeline open.
    const [first] = await cardOutcomes(page, 2);
    assert.equal(first.name, clip.name);
    assert.deepEqual(await page.evaluate(lowContrastText), [], 'the table and the error card');
    await page.click('#results-table tr[data-status="done"] .row-open');
    await page.waitForSelector('#detail .card[data-state="done"]:not([data-mel="pending"])');
    await page.click('.timeline-text summary');
    assert.deepEqual(await page.evaluate(lowContrastText), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('an unsure result reads as a guess, with a note; a confident one states the genre', { timeout: 120_000 }, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await openPage({ colorScheme });
    // Whether the real model is sure of a clip depends on the model: render
    // the same result both ways instead.
    const shown = await page.evaluate(async (genres) => {
      const { createFileCard } = await import(new URL('card.js', location.href).href);
      const probabilities = genres.map((genre, i) => ({ genre, probability: [0.1, 0.05, 0.05, 0.05, 0.15, 0.34, 0.04, 0.1, 0.06, 0.06][i] }));
      const top3 = [...probabilities].sort((a, b) => b.probability - a.probability).slice(0, 2);
      const windows = [{ start: 0, end: 3, genre: 'jazz', probabilities: probabilities.map((p) => p.probability) }];
      const out = {};
      for (const [name, confident] of [['sure', true], ['unsure', false], ['older-package', undefined]]) {
        const card = createFileCard(new File([new Uint8Array(8)], `${name}.wav`, { type: 'audio/wav' }));
        document.getElementById('detail').append(card.element);
        card.done({ genre: 'jazz', confident, probabilities, top3, windows, duration: 3, sampleRate: 22050 });
        const q = (s) => card.element.querySelector(s);
        out[name] = {
          confident: card.element.dataset.confident ?? null,
          headline: q('.verdict').textContent,
          note: q('.unsure-note')?.textContent ?? null,
          noteVisible: q('.unsure-note')?.checkVisibility() ?? false,
          live: q('[role="status"]').textContent,
        };
      }
      return out;
    }, GENRES);
    assert.deepEqual(shown.unsure, {
      confident: 'false',
      headline: 'Best guess: Jazz34.0% sure',
      note: "Not sure: the music doesn't clearly match one genre. The best guess is jazz.",
      noteVisible: true,
      live: 'unsure.wav: jazz (unsure).',
    });
    assert.deepEqual(shown.sure, {
      confident: 'true',
      headline: 'Genre: Jazz34.0% sure',
      note: null,
      noteVisible: false,
      live: 'sure.wav: jazz.',
    });
    // Without the field (an older package), the result is shown as before.
    assert.deepEqual(shown['older-package'], { ...shown.sure, confident: null, live: 'older-package.wav: jazz.' });
    await page.screenshot({ path: join(ARTIFACTS, `page-unsure-${colorScheme}.png`), fullPage: true });
    assert.deepEqual(await page.evaluate(lowContrastText), [], `${colorScheme} mode`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the page works offline once loaded', { timeout: 300_000 }, async () => {
  const { context, page, problems } = await openPage();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  // Take the server away: from now on only the service worker's cache can answer.
  await server.close();
  try {
    await page.reload();
    await page.waitForSelector('#engine-status[data-state="ready"]', { timeout: CLASSIFY_TIMEOUT });
    await pickFiles(page, [{ name: 'offline.wav', mimeType: 'audio/wav', buffer: tuneWav(6, 22050, 1) }]);
    const [card] = await cardOutcomes(page, 1);
    checkClassified(card);
    assert.deepEqual(problems, [], 'no console errors');
  } finally {
    await server.listen();
    await context.close();
  }
});

test('microphone mode classifies what the microphone hears', { timeout: 120_000 }, async () => {
  // Chromium's fake capture device plays a beeping tone; the fake UI grants access.
  const micBrowser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...LAUNCH_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const { page, requests, problems } = await openPage({ permissions: ['microphone'] }, micBrowser);
    await page.click('#mic-button');
    assert.equal(await page.getAttribute('#mic-button', 'aria-pressed'), 'true');
    assert.match(await page.textContent('#mic-button'), /Stop listening/);
    await page.waitForSelector('#mic-card[data-state="done"]', { timeout: 60_000 });
    const probs = await page.$$eval('#mic-card .bar', (bars) => bars.map((b) => Number(b.dataset.probability)));
    assert.equal(probs.length, 10);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.ok(GENRES.includes(await page.getAttribute('#mic-card', 'data-result-genre')));
    // Read together: the card is updated every few seconds.
    const mic = await page.$eval('#mic-card', (card) => ({
      confident: card.dataset.confident,
      notes: card.querySelectorAll('.unsure-note').length,
      status: card.querySelector('[role="status"]').textContent,
    }));
    assert.ok(['true', 'false'].includes(mic.confident), `data-confident is ${mic.confident}`);
    assert.equal(mic.notes, mic.confident === 'false' ? 1 : 0, JSON.stringify(mic));
    if (mic.status.includes('sound like')) {
      assert.equal(mic.status.includes('(unsure)'), mic.confident === 'false', JSON.stringify(mic));
    }
    await page.click('#mic-button');
    assert.equal(await page.getAttribute('#mic-button', 'aria-pressed'), 'false');
    checkOffsite(requests, server.origin);
    assert.deepEqual(problems, [], 'no console errors');
  } finally {
    await micBrowser.close();
  }
});

test('microphone mode explains a refused permission', { timeout: 120_000 }, async () => {
  // Without the fake UI flag and without the permission, the request is refused.
  const micBrowser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...LAUNCH_ARGS, '--use-fake-device-for-media-stream'],
  });
  try {
    const { page, problems } = await openPage({}, micBrowser);
    await page.click('#mic-button');
    await page.waitForSelector('#mic-card[data-state="error"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('#mic-card', 'data-error-code'), 'permission');
    assert.match(await page.textContent('#mic-card [role="alert"]'), /Microphone access was denied/);
    assert.equal(await page.getAttribute('#mic-button', 'aria-pressed'), 'false');
    assert.deepEqual(problems, [], 'no console errors');
  } finally {
    await micBrowser.close();
  }
});
