// Unit tests of the page's pure logic (no browser): the genre timeline's
// runs, the microphone ring buffer, and the formatting of answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genreRuns } from '../../www/timeline.js';
import { RingBuffer } from '../../www/mic.js';
import { describeTop3 } from '../../www/render.js';
import { clock, percent } from '../../www/format.js';

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
