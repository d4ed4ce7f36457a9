// Values typed by js/index.d.ts and checked against it by `npm run types`
// (tsconfig.json): excess or missing properties fail the type check.
// tests/npm/types.test.mjs compares them with what the package really
// exports, returns and throws, so the declarations cannot drift from the
// code, including the result objects that the Rust core makes.

/** @import { Classification, GenreErrorCode, TrainedModel, WindowFeatures } from '../../js/index.js' */

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

/**
 * What windowFeatures returns.
 * @type {Required<WindowFeatures>}
 */
export const WINDOW_FEATURES = {
  windows: 1,
  features: new Float32Array(498),
  windowS: 3,
  hopS: 1.5,
  duration: 3,
  sampleRate: 22050,
};

/**
 * What trainModel returns, with an estimate.
 * @type {Required<TrainedModel>}
 */
export const TRAINED = {
  bytes: new Uint8Array(1),
  labels: ['mine'],
  mode: 'frozen',
  estimate: { available: true, folds: 2, songs: 4, accuracy: 1, balancedAccuracy: 1, recall: [1], confusion: [[1]] },
  lossCurve: [1],
  counts: [{ label: 'mine', songs: 2, windows: 2 }],
};

/**
 * A classifier of the embedded model serves trainModel's analysis (checked by `npm run types`).
 * @param {import('../../js/index.js').Classifier} classifier
 * @returns {import('../../js/index.js').TrainOptions}
 */
export function trainOptionsWith(classifier) {
  return { classifier, seed: 1, mode: 'frozen' };
}
