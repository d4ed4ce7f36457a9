// Teaching the page its own labels, as a person would, for the Teach
// panel's end-to-end test (tests/e2e/teach.test.mjs) and its benchmark
// (scripts/bench_teach_page.mjs): which shared clips train and which are held
// out, and the steps through the panel (labels, songs, training).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Songs per label to train on. */
export const TRAIN_SONGS = 8;
/** At most this many held-out songs per label. */
export const HELD_OUT = 5;
/** Generous bounds for a loaded machine: analysis of all songs, and training. */
export const ANALYSE_TIMEOUT = 300_000;
export const TRAIN_TIMEOUT = 600_000;

/**
 * The artist of every clip (GTZAN's index, `artists.tsv`: clip, artist,
 * title); an unknown artist counts as an artist of its own.
 * @param {string} tsv
 */
function artistsOf(tsv) {
  const artists = new Map();
  for (const line of readFileSync(tsv, 'utf8').split('\n').slice(1)) {
    const [clip, artist] = line.split('\t');
    if (clip) artists.set(clip, artist?.trim() || `unknown ${clip}`);
  }
  return artists;
}

/**
 * For each genre: TRAIN_SONGS clips to train on and the held-out clips, by
 * artists none of the training clips is by. The held-out artists are the
 * genre's least represented ones, taken whole until HELD_OUT clips (or all
 * but TRAIN_SONGS) are held out; the training clips then go round the other
 * artists, so that as many artists as possible are heard.
 * @param {string} root gtzan-subset (with genres/ and artists.tsv)
 * @param {string[]} genres
 * @returns {{ genre: string, train: string[], heldOut: string[], trainArtists: string[], heldOutArtists: string[] }[]}
 */
export function teachSplit(root, genres) {
  const artists = artistsOf(join(root, 'artists.tsv'));
  return genres.map((genre) => {
    const dir = join(root, 'genres', genre);
    const clips = readdirSync(dir).filter((f) => f.endsWith('.flac')).sort();
    /** @type {Map<string, string[]>} */
    const byArtist = new Map();
    for (const f of clips) {
      const artist = artists.get(f.replace(/\.flac$/, '')) ?? `unknown ${f}`;
      byArtist.set(artist, [...(byArtist.get(artist) ?? []), f]);
    }
    const order = [...byArtist].sort((a, b) => a[1].length - b[1].length || a[0].localeCompare(b[0]));
    const want = Math.min(HELD_OUT, clips.length - TRAIN_SONGS);
    const heldOut = [];
    const heldOutArtists = [];
    for (const [artist, files] of order) {
      if (heldOut.length >= want || clips.length - heldOut.length - files.length < TRAIN_SONGS) continue;
      heldOut.push(...files);
      heldOutArtists.push(artist);
    }
    const rest = order.filter(([a]) => !heldOutArtists.includes(a)).map(([a, files]) => [a, [...files]]);
    const train = [];
    const trainArtists = new Set();
    while (train.length < TRAIN_SONGS && rest.some(([, files]) => files.length > 0)) {
      for (const [artist, files] of rest) {
        if (train.length >= TRAIN_SONGS || files.length === 0) continue;
        train.push(files.shift());
        trainArtists.add(artist);
      }
    }
    if (train.length < TRAIN_SONGS) throw new Error(`${genre} has too few clips (${clips.length}) for ${TRAIN_SONGS} training songs`);
    return {
      genre,
      train: train.map((f) => join(dir, f)),
      heldOut: heldOut.map((f) => join(dir, f)),
      trainArtists: [...trainArtists],
      heldOutArtists,
    };
  });
}

/** A file for Playwright's setInputFiles. @param {string} path */
export function fileOf(path) {
  return { name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'audio/flac', buffer: readFileSync(path) };
}

/** Opens the Teach panel and waits for it (and the package's training API) to be ready. */
export async function openTeach(page) {
  if ((await page.getAttribute('#teach-open', 'aria-expanded')) !== 'true') await page.click('#teach-open');
  await page.waitForSelector('#teach-body[data-state="ready"], #teach-body[data-state="error"]', { timeout: 120_000 });
  const state = await page.getAttribute('#teach-body', 'data-state');
  if (state !== 'ready') throw new Error(`the Teach panel did not open: ${await page.textContent('#teach-body')}`);
}

/**
 * Makes one label per entry of `split` (named after the genre) and adds
 * its training songs through the label's file input; waits until every
 * song is analysed.
 */
export async function addLabelsAndSongs(page, split) {
  for (const { genre } of split) {
    await page.fill('#label-name', genre);
    await page.press('#label-name', 'Enter');
    await page.waitForSelector(`.label-card[data-label="${genre}"]`);
  }
  for (const { genre, train } of split) {
    await page.setInputFiles(`.label-card[data-label="${genre}"] input[type="file"]:not([webkitdirectory])`, train.map(fileOf));
  }
  await page.waitForFunction(
    (want) => {
      const cards = [...document.querySelectorAll('.label-card')];
      return cards.length === want.length && cards.every((c) => c.dataset.waiting === '0' && Number(c.dataset.songs) + Number(c.dataset.failed) === want[0]);
    },
    split.map((s) => s.train.length),
    { timeout: ANALYSE_TIMEOUT, polling: 200 },
  );
}

/**
 * Trains with the panel's defaults; resolves to the seconds the page
 * reports (Train pressed to the model kept) and the wall time seen here.
 */
export async function trainOnPage(page) {
  await page.waitForSelector('#train-button:not([disabled])');
  const t0 = Date.now();
  await page.click('#train-button');
  await page.waitForSelector('#train-status[data-seconds], #train-result .error-box', { timeout: TRAIN_TIMEOUT });
  const wall = (Date.now() - t0) / 1000;
  const seconds = await page.getAttribute('#train-status', 'data-seconds');
  if (seconds === null) throw new Error(`training failed: ${await page.textContent('#train-result')}`);
  return { seconds: Number(seconds), wall };
}
