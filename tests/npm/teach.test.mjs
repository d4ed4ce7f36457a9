// Personal models in Node.js: windowFeatures, trainModel (the teach
// module, pkg/teach/), createClassifier({ model }) with the trained bytes,
// the rejections of bad input, cancellation, and the parity of the
// WebAssembly training with the native one (`genre-train teach`, the same
// core built natively, on the same features and seed). Synthetic songs of
// three kinds (a drone, a beat, a bright arpeggio), so that the test needs
// no data. Needs the package built (npm run build); the parity test builds
// genre-train with the test profile (cargo build --profile test -p
// genre-train: the artifacts `cargo test --workspace` already built).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.mjs';
import { createClassifier, trainModel, GENRES } from '../../js/node.js';
import { songSetFile } from '../../scripts/songset.mjs';
import { KINDS, RATE, song } from './songs.mjs';

const N_FEATURES = 498;
/** Largest difference of a window probability allowed between native and WebAssembly training (measured on 2026-11-30: 3e-10 frozen, 1e-13 fine-tuned). */
export const PARITY_TOLERANCE = 1e-6;

/** Training songs per label, and held-out songs per label. */
const TRAIN = 4;
const HELD_OUT = 2;

/** @type {import('../../js/index.js').Classifier} */
let classifier;
/** windowFeatures of every song, by kind: TRAIN + HELD_OUT each. */
const features = {};

before(async () => {
  classifier = await createClassifier();
  for (const kind of KINDS) {
    features[kind] = [];
    for (let k = 0; k < TRAIN + HELD_OUT; k++) {
      features[kind].push(await classifier.windowFeatures({ samples: song(kind, k), sampleRate: RATE }));
    }
  }
});

const examples = () => KINDS.flatMap((kind) => features[kind].slice(0, TRAIN).map((f) => ({ label: `my ${kind}`, features: f })));

test('windowFeatures gives the windows classification uses', async () => {
  const y = song('beat', 1, 7);
  const wf = await classifier.windowFeatures({ samples: y, sampleRate: RATE });
  const result = await classifier.classifySamples(y, RATE);
  assert.equal(wf.windows, result.windows.length);
  assert.equal(wf.features.length, wf.windows * N_FEATURES);
  assert.equal(wf.windowS, 3);
  assert.equal(wf.hopS, 1.5);
  assert.equal(wf.sampleRate, RATE);
  assert.ok(Math.abs(wf.duration - 7) < 1e-9);
  // A song of one window: its features are those of the whole signal.
  const short = song('drone', 2, 2.5);
  const one = await classifier.windowFeatures({ samples: short, sampleRate: RATE });
  assert.equal(one.windows, 1);
  assert.deepEqual(Array.from(one.features), Array.from(await classifier.features(short, RATE)));
  // Encoded audio too (a WAV written here); silence is rejected as in classification.
  await assert.rejects(classifier.windowFeatures({ samples: new Float32Array(RATE * 4), sampleRate: RATE }), { code: 'no-music' });
  await assert.rejects(classifier.windowFeatures(new Uint8Array([1, 2, 3])), { name: 'GenreError', code: 'decode' });
  assert.deepEqual(classifier.genres, GENRES);
});

test('trainModel trains a personal model that createClassifier uses', async () => {
  const stages = new Set();
  let last = 0;
  const trained = await trainModel(examples(), {
    seed: 7,
    onProgress: (p) => {
      stages.add(p.stage);
      assert.ok(p.fraction >= last - 1e-12 && p.fraction <= 1, `fraction ${p.fraction} after ${last}`);
      last = p.fraction;
    },
  });
  assert.deepEqual(trained.labels, ['my drone', 'my beat', 'my bright']);
  assert.equal(trained.mode, 'frozen');
  assert.deepEqual([...stages], ['estimate', 'train']);
  assert.ok(trained.bytes instanceof Uint8Array && trained.bytes.length > 1000);
  assert.ok(trained.lossCurve.length > 5 && trained.lossCurve.every(Number.isFinite));
  assert.ok(trained.lossCurve.at(-1) < trained.lossCurve[0], 'the loss falls');
  assert.deepEqual(trained.counts.map((c) => [c.label, c.songs]), trained.labels.map((l) => [l, TRAIN]));
  assert.ok(trained.counts.every((c) => c.windows === TRAIN * features.drone[0].windows));
  // The estimate: 4 folds (4 songs per label), better than chance by far on these.
  const e = trained.estimate;
  assert.ok(e.available, 'an estimate');
  if (e.available) {
    assert.equal(e.folds, TRAIN);
    assert.equal(e.songs, 3 * TRAIN);
    assert.equal(e.recall.length, 3);
    assert.equal(e.confusion.flat().reduce((a, b) => a + b, 0), 3 * TRAIN);
    assert.ok(e.balancedAccuracy >= 0.75, `estimate ${e.balancedAccuracy}`);
  }

  const personal = await createClassifier({ model: trained.bytes });
  assert.deepEqual(personal.genres, trained.labels);
  let right = 0;
  for (const kind of KINDS) {
    for (let k = TRAIN; k < TRAIN + HELD_OUT; k++) {
      const r = await personal.classifySamples(song(kind, k), RATE);
      assert.ok(trained.labels.includes(r.genre));
      assert.deepEqual(r.probabilities.map((p) => p.genre), trained.labels);
      if (r.genre === `my ${kind}`) right += 1;
    }
  }
  assert.ok(right >= 5, `${right} of 6 held-out songs right`);

  // Export -> import: the same bytes (as an ArrayBuffer copy) give identical probabilities.
  const copy = trained.bytes.slice().buffer;
  const again = await createClassifier({ model: copy });
  const y = song('bright', 9);
  assert.deepEqual(await again.classifySamples(y, RATE), await personal.classifySamples(y, RATE));
  // The embedded model is still there for other classifiers on this thread.
  assert.ok(GENRES.includes((await classifier.classifySamples(y, RATE)).genre));
  // windowFeatures of a personal model's classifier: its window (the base's).
  const wf = await personal.windowFeatures({ samples: y, sampleRate: RATE });
  assert.deepEqual(wf.features, (await classifier.windowFeatures({ samples: y, sampleRate: RATE })).features);

  // The same examples and seed give the same model; another seed another.
  const twice = await trainModel(examples(), { seed: 7 });
  assert.deepEqual(twice.bytes, trained.bytes);
  const other = await trainModel(examples(), { seed: 8 });
  assert.notDeepEqual(other.bytes, trained.bytes);
});

test('trainModel analyses files and samples itself; songs group examples', async () => {
  const list = [];
  for (const kind of KINDS) {
    for (let k = 0; k < 2; k++) list.push({ label: kind, samples: song(kind, k), sampleRate: RATE });
  }
  // Two parts of one song: one song for the estimate.
  list.push({ label: 'drone', features: features.drone[2], song: 'd2' }, { label: 'drone', features: features.drone[3], song: 'd2' });
  const stages = [];
  const trained = await trainModel(list, { seed: 3, onProgress: (p) => stages.push(p.stage) });
  assert.equal(stages[0], 'analyse');
  assert.deepEqual(trained.counts.map((c) => c.songs), [3, 2, 2]);
  assert.ok(trained.estimate.available && trained.estimate.folds === 2);
  // One song of a label: a model, no estimate, and why.
  const few = await trainModel([{ label: 'a', features: features.drone[0] }, { label: 'b', features: features.beat[0] }, { label: 'b', features: features.beat[1] }]);
  assert.equal(few.estimate.available, false);
  if (!few.estimate.available) assert.match(few.estimate.reason, /"a" has only one song/);
});

test('fine-tuning trains every layer', async () => {
  const frozen = await trainModel(examples(), { seed: 5, mode: 'frozen' });
  const fine = await trainModel(examples(), { seed: 5, mode: 'fine-tune' });
  assert.equal(fine.mode, 'fine-tune');
  assert.ok(fine.lossCurve.length > frozen.lossCurve.length, 'more epochs');
  assert.notDeepEqual(fine.bytes, frozen.bytes);
  const m = await createClassifier({ model: fine.bytes });
  assert.deepEqual(m.genres, fine.labels);
});

test('trainModel rejects bad input with a GenreError', async () => {
  const f = features.drone[0];
  const bad = [
    [[], 'training'],
    ['not an array', 'training'],
    [[{ label: 'a', features: f }], 'training'], // one label
    [[{ label: '', features: f }, { label: 'b', features: f }], 'training'],
    [[{ features: f }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a' }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: f, samples: new Float32Array(10), sampleRate: RATE }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: new Float32Array(N_FEATURES + 1) }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: new Float32Array(N_FEATURES).fill(NaN) }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: Float32Array.of(...f.features.subarray(0, N_FEATURES - 1), Infinity) }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: { ...f, windows: f.windows + 1 } }, { label: 'b', features: f }], 'training'],
    [[{ label: 'a', features: f, song: 1 }, { label: 'b', features: f, song: 1 }], 'training'],
    [Array.from({ length: 21 }, (_, i) => ({ label: `l${i}`, features: f })), 'training'],
    [[{ label: 'a', samples: new Float32Array(RATE * 4), sampleRate: RATE }, { label: 'b', features: f }], 'no-music'],
    [[{ label: 'a', samples: song('beat', 0), sampleRate: 3 }, { label: 'b', features: f }], 'sample-rate'],
  ];
  for (const [input, code] of bad) {
    await assert.rejects(trainModel(/** @type {any} */ (input)), (err) => {
      assert.equal(err.name, 'GenreError');
      assert.equal(err.code, code, `${err.message}`);
      return true;
    });
  }
  for (const options of [{ seed: -1 }, { seed: 1.5 }, { seed: NaN }, { mode: 'thaw' }, { seed: 'x' }]) {
    await assert.rejects(trainModel(examples(), /** @type {any} */ (options)), { code: 'training' });
  }
});

test('trainModel stops when aborted', async () => {
  const before = new AbortController();
  before.abort();
  await assert.rejects(trainModel(examples(), { signal: before.signal }), { code: 'cancelled' });
  const during = new AbortController();
  let calls = 0;
  await assert.rejects(trainModel(examples(), {
    signal: during.signal,
    onProgress: () => {
      calls += 1;
      if (calls === 3) during.abort();
    },
  }), { code: 'cancelled' });
  assert.equal(calls, 3, 'no progress after the abort');
  // The module trains again afterwards.
  assert.ok((await trainModel(examples(), { seed: 2 })).bytes.length > 0);
});

test('createClassifier rejects bytes that are not a model', async () => {
  const trained = await trainModel(examples(), { seed: 1 });
  const bad = [
    new Uint8Array([1, 2, 3]),
    new Uint8Array(0),
    trained.bytes.subarray(0, trained.bytes.length - 10),
    (() => {
      const longer = new Uint8Array(trained.bytes.length + 1);
      longer.set(trained.bytes);
      return longer;
    })(),
    'model.bin',
  ];
  const damaged = trained.bytes.slice();
  damaged[8] = 1; // the format version
  bad.push(damaged);
  for (const model of bad) {
    await assert.rejects(createClassifier({ model: /** @type {any} */ (model) }), (err) => {
      assert.equal(err.name, 'GenreError');
      assert.equal(err.code, 'model');
      assert.ok(err.message.length > 10, err.message);
      return true;
    });
  }
});

test('WebAssembly and native training give the same model', async (t) => {
  execFileSync('cargo', ['build', '--quiet', '--profile', 'test', '-p', 'genre-train'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'genre-teach-parity-'));
  try {
    const list = examples();
    const songs = join(dir, 'songs.bin');
    writeFileSync(songs, songSetFile(list));
    const y = KINDS.flatMap((kind) => [song(kind, TRAIN), song(kind, TRAIN + 1)]);
    for (const mode of ['frozen', 'fine-tune']) {
      const out = join(dir, `${mode}.model`);
      execFileSync(join(ROOT, 'target', 'debug', 'genre-train'), ['teach', songs, out, '--seed', '11', '--mode', mode], { cwd: ROOT, encoding: 'utf8' });
      const native = readFileSync(out);
      const wasm = await trainModel(list, { seed: 11, mode: /** @type {any} */ (mode) });
      const a = await createClassifier({ model: native });
      const b = await createClassifier({ model: wasm.bytes });
      let maxDiff = 0;
      for (const s of y) {
        const [ra, rb] = [await a.classifySamples(s, RATE), await b.classifySamples(s, RATE)];
        assert.equal(ra.genre, rb.genre);
        ra.windows.forEach((w, i) => w.probabilities.forEach((p, j) => {
          maxDiff = Math.max(maxDiff, Math.abs(p - rb.windows[i].probabilities[j]));
        }));
      }
      t.diagnostic(`${mode}: ${native.equals(Buffer.from(wasm.bytes)) ? 'identical bytes' : 'different bytes'}; largest window probability difference ${maxDiff.toExponential(2)}`);
      assert.ok(maxDiff <= PARITY_TOLERANCE, `${mode}: ${maxDiff}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
