// Unit tests of the Teach panel's pure logic (no browser): labels and their
// songs (analysed one at a time, as they are added), when training may
// start, the estimate's wording, the loss curve's points, model and file
// names, and the page's labels when a personal model is in use.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LABELS, TrainingSet, cleanLabel, labelProblem } from '../../www/teachset.js';
import { describeEstimate } from '../../www/estimate.js';
import { curvePoints } from '../../www/losscurve.js';
import { MODEL_EXTENSION, cleanName, defaultModelName, modelFileName, nameFromFile } from '../../www/models.js';
import { labelOrder, toCsv, toPlaylists } from '../../www/export.js';

/** A picked file as collect.js hands it over. */
const found = (path, size = 10) => ({ file: new File([new Uint8Array(size)], path.slice(path.lastIndexOf('/') + 1), { lastModified: 1 }), path });

/**
 * An analysis the test settles by hand: `calls` lists each call's file
 * name and the functions that settle it.
 */
function manualAnalyse() {
  const calls = [];
  const analyse = (file, { signal, onProgress }) =>
    new Promise((resolve, reject) => {
      const call = { name: file.name, signal, onProgress, resolve, reject };
      signal.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { code: 'cancelled' })));
      calls.push(call);
    });
  return { calls, analyse };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('label names: trimmed, unique whatever the case, at most 40 characters, not the filter’s own words', () => {
  assert.equal(cleanLabel('  lo-fi   beats '), 'lo-fi beats');
  const labels = [{ id: 1, name: 'Techno' }];
  assert.equal(labelProblem('techno', labels), 'There is already a label “techno”.');
  assert.equal(labelProblem('Techno', labels, 1), null, 'renaming a label to its own name');
  assert.equal(labelProblem('   ', labels), 'Give the label a name.');
  assert.match(labelProblem('x'.repeat(41), labels), /at most 40 characters/);
  assert.match(labelProblem('Pending', labels), /choose another name/);
  assert.equal(labelProblem('K-pop', labels), null);
});

test('from 2 to 20 labels: a 21st is refused, and training needs two', () => {
  const set = new TrainingSet({ analyse: async () => ({ windows: 1, features: [] }) });
  assert.equal(set.trainProblem(), 'Add at least 2 labels.');
  for (let i = 0; i < MAX_LABELS; i++) assert.ok('label' in set.addLabel(`label ${i}`));
  const refused = set.addLabel('one more');
  assert.ok('problem' in refused);
  assert.equal(refused.problem, 'A model has at most 20 labels.');
  assert.equal(set.labels.length, MAX_LABELS);
  // Renaming is allowed at the limit.
  assert.equal(set.renameLabel(set.labels[0].id, 'first'), null);
  assert.equal(set.labels[0].name, 'first');
});

test('songs are analysed one at a time as they are added; counts of songs and windows per label', async () => {
  const { calls, analyse } = manualAnalyse();
  let changes = 0;
  const set = new TrainingSet({ analyse, onChange: () => (changes += 1) });
  const rock = /** @type {any} */ (set.addLabel('Rock')).label;
  const jazz = /** @type {any} */ (set.addLabel('Jazz')).label;
  assert.deepEqual(set.addSongs(rock.id, [found('R/a.flac'), found('R/b.flac')]), { added: 2, duplicates: 0 });
  assert.deepEqual(set.addSongs(jazz.id, [found('J/c.flac'), found('R/a.flac')]), { added: 1, duplicates: 1 }, 'the same file twice is left out');
  await tick();
  assert.equal(calls.length, 1, 'one song at a time');
  assert.equal(set.working?.name, 'a.flac');
  assert.equal(set.trainProblem(), 'Wait until every song is analysed.');
  calls[0].onProgress(0.5);
  assert.equal(set.progress().done, 0.5);
  calls[0].resolve({ windows: 13, features: ['a'] });
  await tick();
  assert.equal(calls.length, 2);
  calls[1].reject(Object.assign(new Error('not audio'), { code: 'decode' }));
  await tick();
  calls[2].resolve({ windows: 7, features: ['c'] });
  await tick();
  assert.equal(set.busy, false);
  assert.deepEqual(TrainingSet.counts(rock), { songs: 1, windows: 13, waiting: 0, failed: 1 });
  assert.deepEqual(TrainingSet.counts(jazz), { songs: 1, windows: 7, waiting: 0, failed: 0 });
  const failed = rock.songs.find((s) => s.name === 'b.flac');
  assert.equal(failed.status, 'error');
  assert.equal(failed.error.code, 'decode');
  assert.equal(failed.error.headline, 'This file could not be decoded as audio.', 'the page’s own error message');
  assert.equal(set.trainProblem(), null);
  const songIds = [rock.songs[0].id, jazz.songs[0].id];
  assert.notEqual(songIds[0], songIds[1]);
  assert.deepEqual(set.examples(), [
    { label: 'Rock', song: songIds[0], features: ['a'] },
    { label: 'Jazz', song: songIds[1], features: ['c'] },
  ]);
  assert.deepEqual(set.summary(), { Rock: { songs: 1, windows: 13 }, Jazz: { songs: 1, windows: 7 } });
  assert.ok(changes > 5, 'every step is reported');
});

test('a label without analysed songs blocks training; removing a label stops its analyses', async () => {
  const { calls, analyse } = manualAnalyse();
  const set = new TrainingSet({ analyse });
  const a = /** @type {any} */ (set.addLabel('A')).label;
  const b = /** @type {any} */ (set.addLabel('B')).label;
  set.addSongs(a.id, [found('a1.wav')]);
  set.addSongs(b.id, [found('b1.wav'), found('b2.wav')]);
  await tick();
  calls[0].resolve({ windows: 3, features: [] });
  await tick();
  assert.equal(set.working?.name, 'b1.wav');
  set.removeLabel(b.id);
  await tick();
  assert.equal(calls[1].signal.aborted, true, 'the song being analysed is cancelled');
  assert.equal(calls.length, 2, 'the waiting song of the removed label is never analysed');
  assert.equal(set.busy, false);
  assert.equal(set.trainProblem(), 'Add at least 2 labels.');
  set.addLabel('C');
  assert.equal(set.trainProblem(), 'Add songs to “C”: every label needs at least one song.');
});

test('the estimate is stated with chance level and per-label recall; without one, the reason is given', () => {
  const labels = ['Rock', 'Jazz', 'Blues'];
  const counts = { Rock: { songs: 8 }, Jazz: { songs: 8 }, Blues: { songs: 8 } };
  const view = describeEstimate(
    { available: true, accuracy: 0.75, balancedAccuracy: 0.7083, recall: { Rock: 1, Jazz: 0.75, Blues: 0.375 }, folds: 4 },
    labels,
    { counts },
  );
  assert.equal(view.ok, true);
  assert.equal(view.headline, 'Estimated accuracy on songs it has not heard: 75.0% (balanced over labels: 70.8%).');
  assert.match(view.notes[0], /cross-validation over your 24 songs \(4 folds\), each song held out whole/);
  assert.match(view.notes[0], /right 33\.3% of the time/);
  assert.equal(view.notes[1], 'Often missed: “Blues”. More (and more varied) songs for these labels should help.');
  assert.match(view.notes[2], /rough/);
  assert.deepEqual(view.rows, [
    { label: 'Rock', recall: 1, songs: 8 },
    { label: 'Jazz', recall: 0.75, songs: 8 },
    { label: 'Blues', recall: 0.375, songs: 8 },
  ]);
  // Recall in label order is read the same way.
  assert.deepEqual(describeEstimate({ accuracy: 1, balancedAccuracy: 1, recall: [1, 0.5, 0] }, labels).rows.map((r) => r.recall), [1, 0.5, 0]);

  const none = describeEstimate({ available: false, reason: 'each label needs at least 2 songs' }, ['A', 'B']);
  assert.equal(none.ok, false);
  assert.equal(none.headline, 'No estimate of its accuracy: too few songs to hold some out.');
  assert.equal(none.notes[0], 'Why: each label needs at least 2 songs');
  assert.match(none.notes[1], /right 50\.0% of the time/);
  // An imported model comes without an estimate, and says why.
  assert.equal(describeEstimate(null, ['A', 'B'], { imported: true }).headline, 'No estimate of its accuracy: it was imported from a file.');
});

test('the loss curve spans the planned epochs, from 0 at the bottom to the highest loss at the top', () => {
  const points = curvePoints([2, 1, 0.5], 104, 54, { epochs: 5, pad: 2 });
  assert.deepEqual(points, [
    { x: 2, y: 2 },
    { x: 27, y: 27 },
    { x: 52, y: 39.5 },
  ]);
  assert.deepEqual(curvePoints([], 100, 50), []);
  const gaps = curvePoints([1, NaN, 1], 12, 12, { pad: 1 });
  assert.deepEqual(gaps, [{ x: 1, y: 1 }, { x: 11, y: 1 }], 'non-finite losses are left out');
});

test('model names and the names of exported model files', () => {
  assert.equal(cleanName('  My   model '), 'My model');
  assert.equal(cleanName('x'.repeat(100)).length, 80);
  assert.equal(modelFileName('Lo-fi / Techno: "best"?'), `Lo-fi - Techno- -best${MODEL_EXTENSION}`);
  assert.equal(modelFileName('...'), `model${MODEL_EXTENSION}`);
  assert.equal(nameFromFile('Mine.GenreModel'), 'Mine');
  assert.equal(nameFromFile('.genremodel'), 'Imported model');
  const day = new Date(Date.UTC(2026, 10, 30, 12));
  assert.equal(defaultModelName(['Lo-fi', 'Techno', 'K-pop'], day), 'Lo-fi, Techno, K-pop · 30 Nov 2026');
  assert.equal(defaultModelName(['a', 'b', 'c', 'd', 'e'], day), 'a, b, c and 2 more · 30 Nov 2026');
});

test('with a personal model the page lists its labels first, then older results’ genres; exports follow', () => {
  assert.deepEqual(labelOrder(['Techno', 'Lo-fi'], ['jazz', 'Lo-fi', 'blues', 'jazz']), ['Techno', 'Lo-fi', 'blues', 'jazz']);
  const result = (genre, probabilities) => ({
    genre,
    confident: true,
    probabilities: Object.entries(probabilities).map(([g, p]) => ({ genre: g, probability: p })),
    top3: [{ genre, probability: probabilities[genre] }],
    windows: [],
    duration: 30,
    truncated: false,
    sampleRate: 22050,
  });
  const rows = [
    { path: 'a.mp3', folder: '', status: 'done', result: result('Lo-fi', { Techno: 0.2, 'Lo-fi': 0.8 }), error: null, ms: 1000 },
    { path: 'b.mp3', folder: '', status: 'done', result: result('Techno', { Techno: 0.9, 'Lo-fi': 0.1 }), error: null, ms: 1000 },
  ];
  const csv = toCsv(rows, ['Techno', 'Lo-fi']).split('\r\n');
  assert.equal(csv[0], 'file,folder,status,genre,confident,probability,top3,duration,seconds,Techno,Lo-fi,error');
  assert.equal(csv[1], 'a.mp3,,done,Lo-fi,true,0.8000,Lo-fi 80%,30.00,1.000,0.2000,0.8000,');
  assert.deepEqual([...toPlaylists(rows, ['Techno', 'Lo-fi']).keys()], ['Techno', 'Lo-fi']);
});
