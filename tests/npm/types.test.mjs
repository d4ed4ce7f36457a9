// The hand-written types (js/index.d.ts) against the running package, in
// Node (no browser): the exports, the fields of a result and the error codes
// must be those of tests/npm/api-types.js, which `npm run types` checks
// against index.d.ts. Needs the package built (npm run build).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/build.mjs';
import { CLASSIFICATION, ERROR_CODES, EXPORTS, TRAINED, WINDOW_FEATURES } from './api-types.js';

const WASM = join(ROOT, 'pkg', 'genre_classifier_bg.wasm');

/** Asserts that `actual` has the shape of `example`: the same keys, the same kinds of values. */
function assertShape(actual, example, path) {
  if (Array.isArray(example)) {
    assert.ok(Array.isArray(actual), `${path} is not an array`);
    actual.forEach((v, i) => assertShape(v, example[0], `${path}[${i}]`));
  } else if (example instanceof Float32Array) {
    assert.ok(actual instanceof Float32Array, `${path} is not a Float32Array`);
  } else if (example instanceof Uint8Array) {
    assert.ok(actual instanceof Uint8Array, `${path} is not a Uint8Array`);
  } else if (example !== null && typeof example === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path} is not an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(example).sort(), `the fields of ${path}`);
    for (const key of Object.keys(example)) assertShape(actual[key], example[key], `${path}.${key}`);
  } else {
    assert.equal(typeof actual, typeof example, `${path} is a ${typeof actual}`);
  }
}

function chord(sampleRate, seconds) {
  const y = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < y.length; i++) {
    const t = i / sampleRate;
    y[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 330 * t) + 0.2 * Math.exp(-20 * (t % 0.5)) * Math.sin(2 * Math.PI * 60 * t);
  }
  return y;
}

test('the package exports what index.d.ts declares', async () => {
  const api = await import('../../js/index.js');
  assert.deepEqual(Object.keys(api).sort(), Object.keys(EXPORTS).sort());
});

test('results and errors of the core have the fields and codes of index.d.ts', async () => {
  assert.ok(existsSync(WASM), 'build the package first (npm run build)');
  const { run } = await import('../../js/engine.js');
  const { GENRES } = await import('../../js/index.js');
  const wasm = readFileSync(WASM);
  const samples = chord(44100, 7);

  const result = await run({ op: 'classify', samples, sampleRate: 44100, melColumns: 40 }, undefined, wasm);
  assertShape(result, CLASSIFICATION, 'result');
  assert.ok(result.windows.length >= 2, 'several windows');
  for (const g of [result, ...result.probabilities, ...result.top3, ...result.windows]) {
    assert.ok(GENRES.includes(g.genre), `genre ${g.genre}`);
  }
  const plain = await run({ op: 'classify', samples, sampleRate: 44100 }, undefined, wasm);
  assert.equal('mel' in plain, false, 'mel only when asked for');
  const { mel: _, ...withoutMel } = CLASSIFICATION;
  assertShape(plain, withoutMel, 'result');

  const bad = [
    [new Float32Array(0), 22050],
    [new Float32Array(100), 22050],
    [Float32Array.of(...chord(22050, 1).subarray(0, 4000), NaN), 22050],
    [chord(22050, 1), 1000],
    [new Float32Array(22050), 22050],
  ];
  const codes = [];
  for (const [y, rate] of bad) {
    await assert.rejects(run({ op: 'classify', samples: y, sampleRate: rate }, undefined, wasm), (err) => {
      assert.equal(err.name, 'GenreError');
      codes.push(err.code);
      return true;
    });
  }
  for (const code of codes) assert.ok(Object.hasOwn(ERROR_CODES, code), `error code ${code} is not in index.d.ts`);
  assert.deepEqual([...new Set(codes)].sort(), ['empty', 'no-music', 'non-finite', 'sample-rate', 'too-short']);
});

test('windowFeatures and trainModel return the fields of index.d.ts', async () => {
  const { createClassifier, trainModel } = await import('../../js/node.js');
  const c = await createClassifier();
  const f = (k) => c.windowFeatures({ samples: chord(22050 + 50 * k, 4), sampleRate: 22050 + 50 * k });
  const features = await Promise.all([0, 1, 2, 3].map(f));
  assertShape(features[0], WINDOW_FEATURES, 'windowFeatures');
  const trained = await trainModel(features.map((x, i) => ({ label: i % 2 ? 'b' : 'a', features: x })));
  assertShape(trained, TRAINED, 'trainModel');
  const few = await trainModel(features.slice(0, 3).map((x, i) => ({ label: i % 2 ? 'b' : 'a', features: x })));
  assertShape(few.estimate, { available: false, reason: '' }, 'estimate');
  c.terminate();
});
