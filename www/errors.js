// Plain-language explanations of the classifier's error codes.

import { el } from './format.js';

/**
 * @import { GenreErrorCode } from '../js/index.js'
 * @typedef {GenreErrorCode | 'permission' | 'no-device' | 'unsupported'} PageErrorCode
 *   The classifier's codes and the microphone's.
 * @typedef {{ code: string, headline: string, hint: string, detail: string }} Explained
 */

/** @type {Record<PageErrorCode, string>} */
const HEADLINES = {
  empty: 'This file holds no audio.',
  'too-short': 'This recording is too short to classify.',
  'non-finite': 'The decoded audio contains invalid sample values.',
  'sample-rate': 'The sample rate of this audio is not supported.',
  'no-music': 'No music was detected.',
  decode: 'This file could not be decoded as audio.',
  cancelled: 'Cancelled.',
  model: 'The classifier model could not be loaded.',
  internal: 'Something went wrong inside the classifier.',
  training: 'A model could not be trained on these songs.',
  permission: 'Microphone access was denied.',
  'no-device': 'No microphone was found.',
  unsupported: 'This browser cannot do that.',
};

/** @type {Partial<Record<PageErrorCode, string>>} */
const HINTS = {
  decode:
    'It may not be an audio file, may be truncated or damaged, or may use a codec this browser cannot play. Try WAV, FLAC or MP3.',
  'too-short': 'Use at least a tenth of a second of audio; 30 seconds gives the most reliable answer.',
  empty: 'The file is empty or decodes to silence of zero length.',
  'sample-rate': 'Convert it to a common rate such as 44.1 or 48 kHz.',
  'no-music': 'The recording is silent or holds only a constant offset. Check the file, or the input level of the recording.',
  model: 'Reload the page. If it keeps failing, this build may lack a usable model, or this browser may not support WebAssembly.',
  internal: 'Reload the page and try again.',
  training: 'Give every label at least one song (2 to 20 labels), each song a single label.',
  permission: 'Allow microphone access for this page in the browser’s site settings, then press Start listening again.',
  'no-device': 'Connect a microphone and try again.',
};

/**
 * { headline, hint, detail, code } for any thrown value.
 * @param {any} err
 * @returns {Explained}
 */
export function explain(err) {
  const code = err && typeof err.code === 'string' ? err.code : 'internal';
  const known = /** @type {PageErrorCode} */ (code);
  const headline = HEADLINES[known] ?? HEADLINES.internal;
  const detail = err && err.message ? String(err.message) : String(err);
  return { code, headline, hint: HINTS[known] ?? '', detail };
}

/**
 * The alert box that shows an explained error (see `explain`).
 * @param {Explained} explained
 */
export function errorBox({ headline, hint, detail }) {
  return el(
    'p',
    { class: 'error-box wide', role: 'alert' },
    el('strong', { text: headline }),
    hint,
    detail && detail !== headline ? el('span', { class: 'error-detail', text: `Details: ${detail}` }) : null,
  );
}
