// Values typed by js/index.d.ts and checked against it by `npm run types`
// (tsconfig.json): excess or missing properties fail the type check.
// tests/npm/types.test.mjs compares them with what the package really
// exports, returns and throws, so the declarations cannot drift from the
// code, including the result objects that the Rust core makes.

/** @import { Classification, GenreErrorCode } from '../../js/index.js' */

/**
 * The package's exports (values; the rest of index.d.ts is types).
 * @type {Record<keyof typeof import('../../js/index.js'), true>}
 */
export const EXPORTS = { GENRES: true, GenreError: true, createClassifier: true, classifyFile: true, trainModel: true };

/**
 * A result with every field, the optional `mel` included.
 * @type {Required<Classification>}
 */
export const CLASSIFICATION = {
  genre: 'rock',
  confident: true,
  truncated: false,
  probabilities: [{ genre: 'rock', probability: 1 }],
  top3: [{ genre: 'rock', probability: 1 }],
  windows: [{ start: 0, end: 3, genre: 'rock', probabilities: [1] }],
  duration: 3,
  sampleRate: 22050,
  mel: { nMels: 128, nColumns: 1, secondsPerColumn: 3, db: new Float32Array(128) },
};

/**
 * Every error code.
 * @type {Record<GenreErrorCode, true>}
 */
export const ERROR_CODES = {
  empty: true,
  'too-short': true,
  'non-finite': true,
  'sample-rate': true,
  'no-music': true,
  decode: true,
  cancelled: true,
  model: true,
  internal: true,
  training: true,
};
