// Unit tests of the page's pure logic (no browser): the genre timeline's
// runs, the microphone ring buffer, the formatting of answers, and for
// libraries: what a drop holds (folders walked with stand-in entries), the
// batch queue, the table's sorting and filter, and the exports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SPANS, genreRuns, summarise } from '../../www/timeline.js';
import { RingBuffer } from '../../www/mic.js';
import { describeTop3 } from '../../www/render.js';
import { clock, percent } from '../../www/format.js';
import { collectDropped, collectFiles, describeCollected, isAudio, splitPath } from '../../www/collect.js';
import { crc32, csvField, toCsv, toJson, toPlaylists, zip } from '../../www/export.js';
import { BatchQueue, newEntry } from '../../www/queue.js';
import { COLUMNS, comparator, matches } from '../../www/table.js';

test('overlapping windows become gap-free runs of one genre', () => {
  const windows = [
    { start: 0, end: 10, genre: 'rock' },
    { start: 5, end: 15, genre: 'rock' },
    { start: 10, end: 20, genre: 'metal' },
    { start: 15, end: 25, genre: 'rock' },
    { start: 17, end: 27, genre: 'rock' },
  ];
  assert.deepEqual(genreRuns(windows, 27), [
    { genre: 'rock', start: 0, end: 10 },
    { genre: 'metal', start: 10, end: 15 },
    { genre: 'rock', start: 15, end: 27 },
  ]);
  const runs = genreRuns(windows, 27);
  for (let i = 1; i < runs.length; i++) assert.equal(runs[i].start, runs[i - 1].end);
});

test('a single window covers the whole track', () => {
  assert.deepEqual(genreRuns([{ start: 0, end: 3, genre: 'jazz' }], 4.5), [{ genre: 'jazz', start: 0, end: 4.5 }]);
});

test('a long track\'s timeline is summarised into equal spans of its most frequent genre', () => {
  // Three hours of windows (3 s, hop 1.5 s): jazz, with rock in every fourth window.
  const windows = Array.from({ length: 7200 }, (_, i) => ({ start: i * 1.5, end: i * 1.5 + 3, genre: i % 4 === 3 ? 'rock' : 'jazz' }));
  const spans = summarise(windows, 10801.5, MAX_SPANS);
  assert.equal(spans.length, MAX_SPANS);
  assert.ok(spans.every((s) => s.genre === 'jazz'));
  assert.deepEqual(genreRuns(spans, 10801.5), [{ genre: 'jazz', start: 0, end: 10801.5 }]);
  // A change of genre halfway stays where it is, to within a span.
  const half = windows.map((w, i) => ({ ...w, genre: i < 3600 ? 'jazz' : 'metal' }));
  const runs = genreRuns(summarise(half, 10801.5, MAX_SPANS), 10801.5);
  assert.deepEqual(runs.map((r) => r.genre), ['jazz', 'metal']);
  assert.ok(Math.abs(runs[1].start - 5400) <= 10801.5 / MAX_SPANS, `${runs[1].start}`);
});

test('the ring buffer keeps the most recent samples, oldest first', () => {
  const ring = new RingBuffer(5);
  ring.push(Float32Array.of(1, 2, 3));
  assert.deepEqual([...ring.snapshot()], [1, 2, 3]);
  ring.push(Float32Array.of(4, 5, 6, 7));
  assert.deepEqual([...ring.snapshot()], [3, 4, 5, 6, 7]);
  ring.push(Float32Array.of(8));
  assert.deepEqual([...ring.snapshot()], [4, 5, 6, 7, 8]);
  ring.push(Float32Array.of(9, 10, 11, 12, 13, 14, 15));
  assert.deepEqual([...ring.snapshot()], [11, 12, 13, 14, 15]);
  assert.equal(ring.length, 5);
});

test('the multi-genre sentence follows the leading genres', () => {
  const t = (genre, probability) => ({ genre, probability });
  assert.equal(describeTop3([t('jazz', 0.9)], 'jazz'), 'Clearly jazz.');
  assert.equal(describeTop3([t('rock', 0.5), t('metal', 0.3)], 'rock'), 'Mostly rock, with elements of metal.');
  assert.equal(describeTop3([t('disco', 0.2)], 'disco'), 'Leaning towards disco, but not clearly.');
  assert.equal(
    describeTop3([t('hiphop', 0.35), t('pop', 0.3), t('disco', 0.2)], 'hiphop'),
    'A blend of hip-hop, pop and disco, with no clear winner.',
  );
  assert.equal(describeTop3([], 'blues'), 'No genre stands out; the closest is blues.');
  // When the model is unsure, never "clearly".
  assert.equal(describeTop3([t('jazz', 0.9)], 'jazz', false), 'Mostly jazz.');
  assert.equal(describeTop3([t('rock', 0.5), t('metal', 0.3)], 'rock', false), 'Mostly rock, with elements of metal.');
});

test('times and probabilities are formatted for people', () => {
  assert.equal(clock(0), '0:00');
  assert.equal(clock(65.4), '1:05');
  assert.equal(clock(3725), '1:02:05');
  assert.equal(percent(0.6243), '62.4%');
});

test('audio files are recognised by extension or MIME type; playlists and hidden files are not', () => {
  assert.ok(isAudio('song.mp3'));
  assert.ok(isAudio('SONG.FLAC'));
  assert.ok(isAudio('a.b.c.opus'));
  assert.ok(isAudio('no-extension', 'audio/wav'));
  assert.ok(!isAudio('cover.jpg', 'image/jpeg'));
  assert.ok(!isAudio('notes.txt'));
  assert.ok(!isAudio('list.m3u', 'audio/x-mpegurl'), 'a playlist typed as audio/*');
  assert.ok(!isAudio('._song.mp3'), 'a macOS resource fork');
  assert.ok(!isAudio('.DS_Store'));
  assert.deepEqual(splitPath('Music/Rock/a, "b".mp3'), { folder: 'Music/Rock', name: 'a, "b".mp3' });
  assert.deepEqual(splitPath('loose.wav'), { folder: '', name: 'loose.wav' });
});

/** A File with a webkitRelativePath, as a folder input gives it. */
function pickedFile(path, type = '') {
  const file = new File([new Uint8Array(1)], path.slice(path.lastIndexOf('/') + 1), { type });
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

test('a picked folder: audio in natural path order, the rest counted', () => {
  const c = collectFiles([
    pickedFile('Music/Track 10.mp3'),
    pickedFile('Music/notes.txt', 'text/plain'),
    pickedFile('Music/Track 2.mp3'),
    pickedFile('Music/sub/x.flac'),
  ]);
  assert.deepEqual(c.audio.map((a) => a.path), ['Music/sub/x.flac', 'Music/Track 2.mp3', 'Music/Track 10.mp3']);
  assert.equal(c.skipped, 1);
  assert.deepEqual(c.roots, ['Music']);
  assert.equal(describeCollected(c), 'Added 3 audio files from “Music”; 1 file skipped (not audio).');
  const loose = collectFiles([new File([], 'a.wav'), new File([], 'b.txt')]);
  assert.deepEqual(loose.audio.map((a) => a.path), ['a.wav']);
  assert.equal(describeCollected(loose), 'Added 1 audio file; 1 file skipped (not audio).');
});

/**
 * Stand-ins for the entries of a drop (FileSystemEntry): `tree` maps names
 * to File contents (strings) or sub-trees; null is an unreadable file.
 * Folders answer readEntries two entries at a time, as browsers answer in batches.
 */
function entry(name, node, parent = '') {
  const fullPath = `${parent}/${name}`;
  if (node === null || typeof node === 'string') {
    return {
      name,
      fullPath,
      isFile: true,
      isDirectory: false,
      file(ok, fail) {
        if (node === null) fail(new Error('unreadable'));
        else ok(new File([node], name));
      },
    };
  }
  return {
    name,
    fullPath,
    isFile: false,
    isDirectory: true,
    createReader() {
      const children = Object.entries(node).map(([n, v]) => entry(n, v, fullPath));
      let at = 0;
      return {
        readEntries(ok) {
          setTimeout(() => ok(children.slice(at, (at += 2))));
        },
      };
    },
  };
}

test('a dropped folder is walked recursively, in batches of entries', async () => {
  const music = entry('Music', {
    'b.mp3': 'x',
    'a.flac': 'x',
    'cover.jpg': 'x',
    Live: { '2019': { 'Night, "One"': { 'ünï 🎵.wav': 'x', 'broken.ogg': null } } },
    Empty: {},
    'c.txt': 'x',
  });
  const loose = new File(['x'], 'loose.mp3');
  const c = await collectDropped([music, loose]);
  assert.deepEqual(c.audio.map((a) => a.path), ['loose.mp3', 'Music/a.flac', 'Music/b.mp3', 'Music/Live/2019/Night, "One"/ünï 🎵.wav']);
  assert.equal(c.skipped, 2);
  assert.deepEqual(c.unreadable, ['Music/Live/2019/Night, "One"/broken.ogg']);
  assert.equal(describeCollected(c), 'Added 4 audio files from “Music”; 2 files skipped (not audio); 1 entry could not be read.');
});

test('empty folders and folders without audio say so', async () => {
  assert.equal(describeCollected(await collectDropped([entry('Empty', { sub: {} })])), '“Empty” is empty: no files in it or its subfolders.');
  assert.equal(
    describeCollected(await collectDropped([entry('Docs', { 'a.txt': 'x', sub: { 'b.pdf': 'x' } })])),
    'No audio files in “Docs”: 2 files skipped (not audio).',
  );
  assert.equal(
    describeCollected(await collectDropped([entry('A', {}), entry('B', {})])),
    'The dropped folders are empty: no files in them or their subfolders.',
  );
});

/** A classification as the package returns it, for `genre` at probability `p`. */
function result(genre, p, extra = {}) {
  const genres = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
  const rest = (1 - p) / 9;
  const probabilities = genres.map((g) => ({ genre: g, probability: g === genre ? p : rest }));
  return {
    genre,
    confident: p >= 0.5,
    probabilities,
    top3: [{ genre, probability: p }],
    windows: [{ start: 0, end: 3, genre, probabilities: probabilities.map((x) => x.probability) }],
    duration: 30,
    sampleRate: 22050,
    ...extra,
  };
}

function makeEntries(paths) {
  return paths.map((path, i) => newEntry(i + 1, new File([path], path.slice(path.lastIndexOf('/') + 1)), path));
}

test('the queue classifies two files at a time, keeps no mel image, and goes on after failures', async () => {
  const entries = makeEntries(['a.wav', 'bad.mp3', 'c.wav', 'd.wav', 'e.wav']);
  let running = 0;
  let most = 0;
  const asked = [];
  const queue = new BatchQueue({
    concurrency: 2,
    melColumns: 480,
    wantsMel: (e) => e.name === 'c.wav',
    async classify(file, { melColumns, onProgress }) {
      running += 1;
      most = Math.max(most, running);
      asked.push([file.name, melColumns]);
      onProgress(0.5, 'analyse');
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      if (file.name === 'bad.mp3') throw Object.assign(new Error('not audio'), { code: 'decode' });
      return result('jazz', 0.8, melColumns ? { mel: { nMels: 1, nColumns: 1, secondsPerColumn: 1, db: new Float32Array(1) } } : {});
    },
  });
  const full = [];
  queue.events.onResult = (e, r) => full.push([e.name, 'mel' in r]);
  const idle = new Promise((r) => (queue.events.onIdle = r));
  queue.add(entries);
  await idle;
  assert.equal(most, 2, 'two at a time');
  assert.deepEqual(asked.map(([n]) => n), ['a.wav', 'bad.mp3', 'c.wav', 'd.wav', 'e.wav'], 'in order');
  assert.deepEqual(asked.find(([n]) => n === 'c.wav'), ['c.wav', 480], 'the mel image only for the file on show');
  assert.deepEqual(full.find(([n]) => n === 'c.wav'), ['c.wav', true]);
  assert.deepEqual(entries.map((e) => e.status), ['done', 'error', 'done', 'done', 'done']);
  assert.ok(entries.every((e) => !e.result || !('mel' in e.result)), 'the table keeps no mel image');
  assert.equal(entries[1].error.code, 'decode');
  assert.ok(entries.every((e) => e.ms >= 0));
  assert.deepEqual(queue.run.total, 5);
  assert.deepEqual(queue.run.settled, 5);
  assert.ok(!queue.busy);
});

test('cancelling stops the batch: the files being classified are aborted, the waiting ones settle at once', async () => {
  const entries = makeEntries(['1.wav', '2.wav', '3.wav', '4.wav', '5.wav', '6.wav']);
  const queue = new BatchQueue({
    concurrency: 2,
    classify: (file, { signal }) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => resolve(result('rock', 0.9)), 20);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(Object.assign(new Error('cancelled'), { code: 'cancelled' }));
        });
      }),
  });
  const idle = new Promise((r) => (queue.events.onIdle = r));
  queue.add(entries);
  // A waiting file cancelled from its card settles before its turn.
  entries[4].controller.abort();
  assert.equal(entries[4].status, 'cancelled');
  await new Promise((r) => setTimeout(r, 30));
  queue.cancel();
  await idle;
  assert.deepEqual(entries.map((e) => e.status), ['done', 'done', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  assert.ok(entries.slice(2).every((e) => e.error.code === 'cancelled'));
  assert.equal(queue.run.settled, 6);
});

test('the table sorts each column with missing values last, and filters by genre', () => {
  const [a, b, c, d] = makeEntries(['x/Track 10.mp3', 'x/Track 2.mp3', 'y/bad.mp3', 'z/a.mp3']);
  Object.assign(a, { status: 'done', result: result('rock', 0.9), ms: 300 });
  Object.assign(b, { status: 'done', result: result('jazz', 0.4), ms: 100 });
  Object.assign(c, { status: 'error', error: { code: 'decode', headline: 'x', hint: '', detail: 'x' }, ms: 5 });
  Object.assign(d, { status: 'queued' });
  const sorted = (key, dir) => [a, b, c, d].sort(comparator(COLUMNS.find((k) => k.key === key), dir)).map((e) => e.name);
  assert.deepEqual(sorted('file', 1), ['a.mp3', 'bad.mp3', 'Track 2.mp3', 'Track 10.mp3']);
  assert.deepEqual(sorted('confidence', 1), ['Track 2.mp3', 'Track 10.mp3', 'bad.mp3', 'a.mp3']);
  assert.deepEqual(sorted('confidence', -1), ['Track 10.mp3', 'Track 2.mp3', 'bad.mp3', 'a.mp3']);
  assert.deepEqual(sorted('genre', 1), ['Track 2.mp3', 'Track 10.mp3', 'bad.mp3', 'a.mp3']);
  assert.deepEqual(sorted('time', -1), ['Track 10.mp3', 'Track 2.mp3', 'bad.mp3', 'a.mp3']);
  assert.deepEqual(sorted('status', 1), ['a.mp3', 'Track 10.mp3', 'Track 2.mp3', 'bad.mp3']);
  assert.deepEqual([a, b, c, d].filter((e) => matches(e, 'rock')), [a]);
  assert.deepEqual([a, b, c, d].filter((e) => matches(e, 'failed')), [c]);
  assert.deepEqual([a, b, c, d].filter((e) => matches(e, 'pending')), [d]);
  assert.equal([a, b, c, d].filter((e) => matches(e, '')).length, 4);
});

const row = (path, genre, p, extra = {}) => ({
  path,
  folder: splitPath(path).folder,
  status: genre ? 'done' : 'error',
  result: genre ? result(genre, p) : null,
  error: genre ? null : { code: 'decode', message: 'could not decode, "really"' },
  ms: 123.4,
  ...extra,
});

test('CSV quotes fields with commas, quotes and line breaks; a failed file keeps its row', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  const csv = toCsv([row('M/Night, "One"/ünï 🎵.flac', 'jazz', 0.8), row('M/bad.mp3', null, 0)]).split('\r\n');
  assert.equal(csv[0], 'file,folder,status,genre,confident,probability,top3,duration,seconds,blues,classical,country,disco,hiphop,jazz,metal,pop,reggae,rock,error');
  assert.ok(csv[1].startsWith('"M/Night, ""One""/ünï 🎵.flac","M/Night, ""One""",done,jazz,true,0.8000,jazz 80%,30.00,0.123,'));
  assert.equal(csv[2], 'M/bad.mp3,M,error,,,,,,0.123,,,,,,,,,,,"could not decode, ""really"""');
  assert.equal(csv[3], '');
});

test('JSON rows are the package\'s result plus file and folder', () => {
  const [ok, bad] = JSON.parse(toJson([row('M/a.flac', 'rock', 0.9), row('M/b.mp3', null, 0)]));
  assert.deepEqual(Object.keys(ok), ['file', 'folder', 'status', 'genre', 'confident', 'probabilities', 'top3', 'windows', 'duration', 'sampleRate']);
  assert.equal(ok.file, 'M/a.flac');
  assert.deepEqual(bad, { file: 'M/b.mp3', folder: 'M', status: 'error', error: { code: 'decode', message: 'could not decode, "really"' } });
});

test('one M3U per genre, with the paths as dropped, in natural order', () => {
  const lists = toPlaylists([
    row('M/Track 10.flac', 'rock', 0.9),
    row('M/Track 2.flac', 'rock', 0.9),
    row('M/x/j, "q".flac', 'jazz', 0.9),
    row('M/bad.mp3', null, 0),
    row('M/line\nbreak.flac', 'jazz', 0.9),
  ]);
  assert.deepEqual([...lists.keys()], ['jazz', 'rock']);
  assert.equal(lists.get('rock'), '#EXTM3U\n#EXTINF:30,Track 2\nM/Track 2.flac\n#EXTINF:30,Track 10\nM/Track 10.flac\n');
  assert.equal(lists.get('jazz'), '#EXTM3U\n#EXTINF:30,j, "q"\nM/x/j, "q".flac\n');
});

test('the playlists zip is a valid stored archive', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = zip([{ name: 'rock.m3u', text: '#EXTM3U\n' }, { name: 'jazz.m3u', text: '#EXTM3U\nä\n' }], new Date(2024, 0, 2, 3, 4, 6));
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(0, true), 0x04034b50);
  const end = bytes.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), 2, 'two entries');
  const central = view.getUint32(end + 16, true);
  assert.equal(view.getUint32(central, true), 0x02014b50);
  assert.equal(view.getUint32(central + 16, true), crc32(new TextEncoder().encode('#EXTM3U\n')));
});
