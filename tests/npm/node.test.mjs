// The package in Node.js, as a consumer gets it: `npm pack`, the tarball
// unpacked into a fresh node_modules, and `import ... from 'genre-classifier'`
// (the `node` condition of the exports map). No browser: classifySamples and
// features against an independent instance of the same WebAssembly module,
// the WAV reader against the samples it was written from (every encoding it
// reads), every kind of input, FLAC, MP3 and Ogg Vorbis through the decoder
// module against the native CLI on the same files, and the rejections for
// what Node.js does not decode. Needs the package built (npm run build); the
// FLAC clip comes from ../shared/data (skipped without it), the MP3 is made
// with `lame` (skipped without it), and the native results from the CLI
// (cargo build --release --bin genre, then target/release/genre).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../scripts/build.mjs';
import { EXPORTS } from './api-types.js';
import { decodeWav } from '../../js/wav.js';

const WASM = join(ROOT, 'pkg', 'genre_classifier_bg.wasm');
const GENRES_DIR = join(ROOT, '..', 'shared', 'data', 'gtzan-subset', 'genres');
const CLI = join(ROOT, 'target', 'release', 'genre');

let cliBuilt = false;

/** `genre classify FILE --json` of the native CLI, built from this checkout on first use (a no-op when fresh). */
function nativeClassify(file) {
  if (!cliBuilt) {
    execFileSync('cargo', ['build', '--quiet', '--release', '--bin', 'genre'], { cwd: ROOT, stdio: 'inherit' });
    cliBuilt = true;
  }
  return JSON.parse(execFileSync(CLI, ['classify', file, '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

/** The first FLAC clip of the data set, or null. */
function flacClip() {
  if (!existsSync(GENRES_DIR)) return null;
  for (const genre of readdirSync(GENRES_DIR).sort()) {
    const flac = readdirSync(join(GENRES_DIR, genre)).sort().find((f) => f.endsWith('.flac'));
    if (flac) return join(GENRES_DIR, genre, flac);
  }
  return null;
}

function hasLame() {
  try {
    execFileSync('lame', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let dir;
/** @type {typeof import('../../js/index.js') & { resolved: string }} */
let api;
/** An instance of the module of its own, loaded without the package's JavaScript. */
let core;

before(async () => {
  assert.ok(existsSync(WASM) && existsSync(join(ROOT, 'js', 'worker.js')), 'build the package first (npm run build)');
  dir = mkdtempSync(join(tmpdir(), 'genre-classifier-node-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }));
  const target = join(dir, 'node_modules', 'genre-classifier');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', join(dir, packed[0].filename), '-C', target, '--strip-components=1']);
  writeFileSync(join(dir, 'consumer.mjs'), [
    "export * from 'genre-classifier';",
    "export const resolved = import.meta.resolve('genre-classifier');",
  ].join('\n'));
  api = await import(pathToFileURL(join(dir, 'consumer.mjs')).href);
  // The repository's glue under another URL: a module instance of its own.
  core = await import(`${pathToFileURL(join(ROOT, 'pkg', 'genre_classifier.js')).href}?reference`);
  await core.default({ module_or_path: readFileSync(WASM) });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A tune: chords, a bass on the beat, some noise; `k` varies it. */
function tune(k, seconds, rate) {
  const y = new Float32Array(Math.round(seconds * rate));
  let seed = 99 + k;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const root = 110 * 2 ** (((k * 5) % 12) / 12);
  for (let i = 0; i < y.length; i++) {
    const t = i / rate;
    let v = 0;
    for (const r of [2, 2.52, 3]) v += 0.1 * Math.sin(2 * Math.PI * root * r * t);
    v += 0.3 * Math.sin(2 * Math.PI * root * t) * Math.exp(-(t % 0.5) * 6);
    v += 0.05 * noise() * Math.exp(-((t + 0.25) % 0.5) * 40);
    y[i] = v * (0.7 + 0.1 * k);
  }
  return y;
}

const ENCODINGS = {
  u8: { format: 1, bits: 8, write: (b, at, x) => b.writeUInt8(Math.max(0, Math.min(255, Math.round(x * 128 + 128))), at), read: (b, at) => (b.readUInt8(at) - 128) / 128 },
  s16: { format: 1, bits: 16, write: (b, at, x) => b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), at), read: (b, at) => b.readInt16LE(at) / 32768 },
  s24: { format: 1, bits: 24, write: (b, at, x) => b.writeIntLE(Math.max(-(2 ** 23), Math.min(2 ** 23 - 1, Math.round(x * 2 ** 23))), at, 3), read: (b, at) => b.readIntLE(at, 3) / 2 ** 23 },
  s32: { format: 1, bits: 32, write: (b, at, x) => b.writeInt32LE(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(x * 2 ** 31))), at), read: (b, at) => b.readInt32LE(at) / 2 ** 31 },
  f32: { format: 3, bits: 32, write: (b, at, x) => b.writeFloatLE(x, at), read: (b, at) => b.readFloatLE(at) },
  f64: { format: 3, bits: 64, write: (b, at, x) => b.writeDoubleLE(x, at), read: (b, at) => b.readDoubleLE(at) },
};

/**
 * A WAV file of `channels` (arrays of samples) in `encoding`, with an extra
 * chunk before the data (as real files have); `extensible` writes the
 * WAVE_FORMAT_EXTENSIBLE header. Returns the file and the mono samples a
 * reader should get from it (the mean of the channels as written).
 */
function wavFile(channels, rate, encoding, { extensible = false } = {}) {
  const enc = ENCODINGS[encoding];
  const c = channels.length;
  const n = channels[0].length;
  const width = enc.bits / 8;
  const fmtSize = extensible ? 40 : 16;
  const list = Buffer.from('LIST\x05\x00\x00\x00abcde\x00', 'latin1'); // odd size: padded
  const header = 12 + 8 + fmtSize;
  const b = Buffer.alloc(header + list.length + 8 + n * c * width);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(b.length - 8, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(fmtSize, 16);
  b.writeUInt16LE(extensible ? 0xfffe : enc.format, 20);
  b.writeUInt16LE(c, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * c * width, 28);
  b.writeUInt16LE(c * width, 32);
  b.writeUInt16LE(enc.bits, 34);
  if (extensible) {
    b.writeUInt16LE(22, 36);
    b.writeUInt16LE(enc.bits, 38);
    b.writeUInt32LE(0, 40);
    b.writeUInt16LE(enc.format, 44); // the sub-format GUID starts with the format tag
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(b, 46);
  }
  list.copy(b, header);
  const data = header + list.length;
  b.write('data', data, 'latin1');
  b.writeUInt32LE(n * c * width, data + 4);
  const mono = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let ch = 0; ch < c; ch++) {
      const at = data + 8 + (i * c + ch) * width;
      enc.write(b, at, channels[ch][i]);
      sum += enc.read(b, at);
    }
    mono[i] = sum / c;
  }
  return { file: b, mono };
}

function assertSameResult(actual, expected, label, tolerance = 1e-6) {
  assert.equal(actual.genre, expected.genre, label);
  assert.equal(actual.probabilities.length, 10, label);
  actual.probabilities.forEach((p, i) => {
    assert.equal(p.genre, expected.probabilities[i].genre, label);
    assert.ok(Math.abs(p.probability - expected.probabilities[i].probability) <= tolerance, `${label}: ${p.genre} ${p.probability} vs ${expected.probabilities[i].probability}`);
  });
  assert.equal(actual.windows.length, expected.windows.length, label);
}

test('the package resolves to its Node.js entry and exports what index.d.ts declares', () => {
  assert.match(api.resolved, /node_modules\/genre-classifier\/js\/node\.js$/);
  const names = Object.keys(api).filter((k) => k !== 'resolved').sort();
  assert.deepEqual(names, Object.keys(EXPORTS).sort());
  assert.equal(api.GENRES.length, 10);
});

test('classifySamples and features equal the WebAssembly module called directly', async () => {
  const c = await api.createClassifier();
  assert.equal(c.workers, 0, 'Node.js runs on the calling thread');
  for (const [k, rate, seconds] of [[0, 22050, 4], [1, 44100, 7], [2, 48000, 3]]) {
    const y = tune(k, seconds, rate);
    const label = `${rate} Hz, ${seconds} s`;
    const expected = core.classify(y.slice(), rate, undefined, 0);
    const result = await c.classifySamples(y, rate);
    assertSameResult(result, expected, label);
    assert.equal(result.sampleRate, rate, label);
    assert.ok(Math.abs(result.duration - seconds) < 1e-3, label);
    const features = await c.features(y, rate);
    const reference = core.features(y.slice(), rate);
    assert.equal(features.length, 498, label);
    features.forEach((v, i) => assert.ok(Math.abs(v - reference[i]) <= 1e-6 * Math.max(1, Math.abs(reference[i])), `${label}: feature ${i}`));
  }
  const withMel = await c.classifySamples(tune(3, 3, 22050), 22050, { melColumns: 20 });
  assert.ok(withMel.mel && withMel.mel.db instanceof Float32Array && withMel.mel.nMels === 128, 'mel image');
  await assert.rejects(c.classifySamples(new Float32Array(0), 22050), { name: 'GenreError', code: 'empty' });
  await assert.rejects(c.classifySamples(new Float32Array(22050), 22050), { name: 'GenreError', code: 'no-music' });
  await assert.rejects(c.classifySamples(tune(0, 1, 22050), 1000), { name: 'GenreError', code: 'sample-rate' });
  c.terminate();
});

test('the WAV reader reads every encoding it claims, mixing channels to mono', () => {
  const left = tune(4, 0.5, 22050);
  const right = tune(5, 0.5, 22050);
  const third = tune(6, 0.5, 22050);
  for (const encoding of Object.keys(ENCODINGS)) {
    for (const [channels, extensible] of [[[left], false], [[left, right], false], [[left, right, third], true], [[left, right, third, left, right, third], true]]) {
      const label = `${encoding}, ${channels.length} channel(s)${extensible ? ', extensible' : ''}`;
      const { file, mono } = wavFile(channels, 22050, encoding, { extensible });
      const { samples, sampleRate } = decodeWav(new Uint8Array(file));
      assert.equal(sampleRate, 22050, label);
      assert.equal(samples.length, mono.length, label);
      let worst = 0;
      for (let i = 0; i < mono.length; i++) worst = Math.max(worst, Math.abs(samples[i] - mono[i]));
      assert.ok(worst <= 1e-7, `${label}: off by ${worst}`);
    }
  }
  // A file cut in its data, or with a data size of 0 (written while streaming): what is there.
  const { file, mono } = wavFile([left, right], 22050, 's16');
  const cut = decodeWav(new Uint8Array(file.subarray(0, file.length - 3)));
  assert.equal(cut.samples.length, mono.length - 1);
  const streamed = Buffer.from(file);
  streamed.writeUInt32LE(0, file.indexOf('data', 0, 'latin1') + 4);
  assert.equal(decodeWav(new Uint8Array(streamed)).samples.length, mono.length);
});

test('classifyFile reads WAV from a path, a file: URL, a Buffer, a Uint8Array, an ArrayBuffer and a Blob', async () => {
  const c = await api.createClassifier();
  const l = tune(7, 5, 44100);
  const r = tune(8, 5, 44100);
  const { file, mono } = wavFile([l, r], 44100, 's24');
  const expected = core.classify(mono.slice(), 44100, undefined, 0);
  const path = join(dir, 'tune.wav');
  writeFileSync(path, file);
  const copy = new Uint8Array(file);
  const inputs = {
    path,
    'file: URL': pathToFileURL(path),
    Buffer: file,
    Uint8Array: copy,
    ArrayBuffer: copy.buffer.slice(0),
    Blob: new Blob([copy]),
  };
  for (const [kind, input] of Object.entries(inputs)) {
    const progress = [];
    const result = await c.classifyFile(input, { onProgress: (f, stage) => progress.push([f, stage]) });
    assertSameResult(result, expected, kind);
    assert.equal(result.sampleRate, 44100, kind);
    assert.deepEqual(progress[0], [0, 'decode'], kind);
    assert.deepEqual(progress.at(-1), [1, 'done'], kind);
  }
  assert.deepEqual(copy, new Uint8Array(file), 'the input was not changed');
  // The shared classifier of the package's own classifyFile.
  assertSameResult(await api.classifyFile(path), expected, 'classifyFile()');
  // A batch: a bad file in the middle fails alone.
  const outcomes = await c.classifyFiles([path, Buffer.from('not audio'), file], { onProgress: () => {} });
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(outcomes[1].reason.code, 'decode');
  assert.ok(outcomes[1].reason instanceof api.GenreError);
  assertSameResult(outcomes[2].value, expected, 'batch');
  c.terminate();
});

/** A mono 32-bit float WAV file of `samples`. */
function floatWav(samples, rate) {
  const b = Buffer.alloc(44 + 4 * samples.length);
  b.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  b.writeUInt32LE(b.length - 8, 4);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(3, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(4 * rate, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(32, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(4 * samples.length, 40);
  samples.forEach((x, i) => b.writeFloatLE(x, 44 + 4 * i));
  return b;
}

test('classifyFile decodes FLAC, MP3 and Ogg Vorbis with the CLI\'s decoder, as the native CLI classifies them', async (t) => {
  const c = await api.createClassifier();
  // The decoder module called directly (the repository's copy), for the samples.
  const decoder = await import(`${pathToFileURL(join(ROOT, 'pkg', 'decoder', 'genre_decoder.js')).href}?reference`);
  decoder.initSync({ module: readFileSync(join(ROOT, 'pkg', 'decoder', 'genre_decoder_bg.wasm')) });
  /** The native CLI on the module's decoded samples (a float WAV) equals it on the file: the same decoder output, bit for bit. */
  const sameSamplesAsNative = (file, expected, label) => {
    const { samples, sampleRate } = decoder.decode(readFileSync(file));
    const wav = join(dir, 'decoded.wav');
    writeFileSync(wav, floatWav(samples, sampleRate));
    const native = nativeClassify(wav);
    assert.deepEqual(native.probabilities, expected.probabilities, `${label}: the native CLI on the module's samples`);
  };

  await t.test('FLAC (a clip of the data set) from every kind of input', async (t) => {
    const clip = flacClip();
    if (!clip) return t.skip(`no FLAC clip under ${GENRES_DIR}`);
    const expected = nativeClassify(clip);
    const bytes = readFileSync(clip);
    const copy = new Uint8Array(bytes);
    const inputs = { path: clip, 'file: URL': pathToFileURL(clip), Buffer: bytes, Uint8Array: copy, ArrayBuffer: copy.buffer.slice(0), Blob: new Blob([copy]) };
    for (const [kind, input] of Object.entries(inputs)) {
      const result = await c.classifyFile(input);
      assertSameResult(result, expected, `FLAC ${kind}`, 1e-5);
      assert.equal(result.sampleRate, expected.sampleRate, kind);
      assert.ok(Math.abs(result.duration - expected.duration) < 1e-4, kind);
      assert.equal(result.truncated, false, kind);
    }
    assertSameResult(await api.classifyFile(clip), expected, 'FLAC, classifyFile()', 1e-5);
    sameSamplesAsNative(clip, expected, 'FLAC');
  });

  await t.test('MP3 (made with lame from a WAV)', async (t) => {
    if (!hasLame()) return t.skip('lame is not installed');
    const { file } = wavFile([tune(9, 8, 44100), tune(10, 8, 44100)], 44100, 's16');
    const wav = join(dir, 'tune-for-mp3.wav');
    const mp3 = join(dir, 'tune.mp3');
    writeFileSync(wav, file);
    execFileSync('lame', ['--quiet', '-b', '160', wav, mp3]);
    const expected = nativeClassify(mp3);
    assertSameResult(await c.classifyFile(mp3), expected, 'MP3 path', 1e-5);
    assertSameResult(await c.classifyFile(new Blob([readFileSync(mp3)])), expected, 'MP3 Blob', 1e-5);
  });

  await t.test('Ogg Vorbis (tests/fixtures/tone.ogg)', async (t) => {
    const ogg = join(ROOT, 'tests', 'fixtures', 'tone.ogg');
    if (!existsSync(ogg)) return t.skip('no tests/fixtures/tone.ogg');
    const expected = nativeClassify(ogg);
    // The samples are the native decoder's bit for bit (below); the results
    // differ by ~1e-4 because this pure sine is ill-conditioned for the
    // wasm-vs-native features (the same samples as a WAV differ as much).
    assertSameResult(await c.classifyFile(ogg), expected, 'Ogg path', 1e-3);
    sameSamplesAsNative(ogg, expected, 'Ogg');
  });

  await t.test('a FLAC file cut short is classified as far as it goes, marked truncated', async (t) => {
    const clip = flacClip();
    if (!clip) return t.skip(`no FLAC clip under ${GENRES_DIR}`);
    const bytes = readFileSync(clip);
    const cut = join(dir, 'cut.flac');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const expected = nativeClassify(cut);
    const result = await c.classifyFile(cut);
    assertSameResult(result, expected, 'cut FLAC', 1e-5);
    assert.equal(expected.truncated, true, 'the CLI marks it truncated');
    assert.equal(result.truncated, true, 'so does Node.js');
  });
  c.terminate();
});

test('what Node.js does not decode rejects with code "decode", saying what it reads', async () => {
  const c = await api.createClassifier();
  const { file } = wavFile([tune(0, 1, 22050)], 22050, 's16');
  const fmt12 = Buffer.from(file);
  fmt12.writeUInt16LE(12, 34);
  const noData = Buffer.from(file.subarray(0, 36));
  const flac = Buffer.concat([Buffer.from('fLaC\x00\x00\x00\x22', 'latin1'), Buffer.alloc(200)]);
  let seed = 7;
  const garbage = Buffer.from(Array.from({ length: 4000 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
  const cases = [
    ['text', Buffer.from('Track list: 1. Intro, 2. Outro. '.repeat(50)), 'decode', /not a recognised audio file.*FLAC, MP3, Ogg Vorbis/],
    ['random bytes', garbage, 'decode', /not a recognised audio file/],
    ['damaged FLAC', flac, 'decode', /damaged/],
    ['a few bytes', Buffer.from('ID3'), 'decode', /./],
    ['12-bit WAV', fmt12, 'decode', /12-bit/],
    ['WAV without data', noData, 'decode', /no data chunk/],
    ['empty', Buffer.alloc(0), 'empty', /empty/],
    ['WAV header only', file.subarray(0, file.indexOf('data', 0, 'latin1') + 8), 'empty', /no samples/],
    ['missing file', join(dir, 'no-such-file.wav'), 'decode', /no-such-file\.wav/],
    ['a number', 42, 'decode', /expected a file path/],
  ];
  for (const [name, input, code, message] of cases) {
    await assert.rejects(c.classifyFile(input), (err) => {
      assert.ok(err instanceof api.GenreError, name);
      assert.equal(err.code, code, `${name}: ${err.message}`);
      assert.match(err.message, message, name);
      if (code === 'decode' && ['text', 'random bytes', '12-bit WAV'].includes(name)) {
        assert.match(err.message, /WAV/, `${name}: says what Node.js decodes`);
      }
      return true;
    }, name);
  }
  // The classifier still serves.
  assert.equal((await c.classifyFile(file)).sampleRate, 22050);
  c.terminate();
});

test('Node.js runs on the calling thread: asking for workers rejects; wasmUrl takes a path', async () => {
  await assert.rejects(api.createClassifier({ worker: true }), { code: 'internal', message: /Web Workers/ });
  await assert.rejects(api.createClassifier({ workers: 2 }), { code: 'internal' });
  assert.equal((await api.createClassifier({ workers: 0 })).workers, 0);
  const wasm = join(dir, 'node_modules', 'genre-classifier', 'pkg', 'genre_classifier_bg.wasm');
  const byPath = await api.createClassifier({ wasmUrl: wasm });
  assert.equal((await byPath.features(tune(0, 1, 22050), 22050)).length, 498);
  await assert.rejects(api.createClassifier({ wasmUrl: join(dir, 'missing.wasm') }), { code: 'model', message: /missing\.wasm/ });
});
