/** @import { GenreErrorCode, GenreErrorReason, GenreError as GenreErrorApi } from './index.js' */

/**
 * The one error type of the package: `name` is "GenreError" and `code` says
 * what went wrong ("empty", "too-short", "non-finite", "sample-rate",
 * "no-music", "decode", "cancelled", "model" or "internal").
 * @implements {GenreErrorApi}
 */
export class GenreError extends Error {
  /**
   * @param {GenreErrorCode} code
   * @param {string} message
   * @param {GenreErrorReason} [reason] A finer cause within the code.
   */
  constructor(code, message, reason) {
    super(message);
    /** @type {'GenreError'} */
    this.name = 'GenreError';
    this.code = code;
    if (reason) this.reason = reason;
  }
}

/**
 * The error as a plain object that survives postMessage.
 * @param {unknown} err
 * @returns {{ code: GenreErrorCode, message: string, reason?: GenreErrorReason }}
 */
export function serializeError(err) {
  const e = asGenreError(err);
  return e.reason ? { code: e.code, message: e.message, reason: e.reason } : { code: e.code, message: e.message };
}

/**
 * A GenreError for anything thrown: GenreErrors pass through, the rest become "internal".
 * @param {any} err
 * @returns {GenreError}
 */
export function asGenreError(err) {
  if (err instanceof GenreError) return err;
  if (err && err.name === 'GenreError' && typeof err.code === 'string') {
    return new GenreError(err.code, err.message, err.reason);
  }
  const detail = err && err.message ? err.message : String(err);
  return new GenreError('internal', `internal error: ${detail}`);
}

/**
 * What reading a picked file threw, as a GenreError when the file was moved,
 * deleted or changed after it was picked (code "decode", reason
 * "unreadable", a message naming the cause); anything else as it is.
 * @param {any} err
 */
export function readError(err) {
  const name = err && err.name;
  if (name === 'NotReadableError' || name === 'NotFoundError' || name === 'SecurityError') {
    return new GenreError(
      'decode',
      `the file could not be read (${name}): it was moved, deleted or changed after it was picked. Pick it again`,
      'unreadable',
    );
  }
  return err;
}

export function cancelled() {
  return new GenreError('cancelled', 'the request was cancelled');
}
