// One file shared among the pool's workers (a single file on every core):
// the worker that decodes it, the leader (js/stream.js), sends each piece of
// mono samples to the others, its followers, over MessagePorts. Every worker
// checks and resamples all of it but computes only the windows dealt to it
// (ClassifierStream.share); the followers hand their windows back for the
// leader's finish, and the first follower draws the mel image. The result
// equals one worker's bit for bit. (The main thread deals the windows:
// js/index.js, #shareFile.)
//
// Messages from the leader: { type: "open", sampleRate, expectedLength,
// maxSeconds }, { type: "piece", samples }, { type: "end" } or { type:
// "abort" }. From a follower: { type: "ack", buffer } per piece (the piece's
// buffer, handed back for the next pieces: no garbage however long the
// file), then { type: "part", rows, mel } or { type: "error", error }.

import * as core from '../pkg/genre_classifier.js';
import { GenreError, cancelled, serializeError } from './errors.js';
import { openStream } from './engine.js';

/** Pieces the leader may send ahead of its slowest follower (bounded memory). */
const AHEAD = 8;

/**
 * A follower's part: its windows' rows (ClassifierStream.finishPart) and,
 * from the first follower, the mel image.
 * @typedef {{ rows: Float32Array, mel?: import('./index.js').MelImage }} PartMessage
 */

/** The shared file this worker leads, for `abandonShared`. @type {{ token: string, followers: Followers } | null} */
let leading = null;

/**
 * The leader's side: the ports to its followers, with flow control (a
 * follower more than AHEAD pieces behind holds the leader back).
 */
export class Followers {
  /**
   * @param {MessagePort[]} ports
   * @param {string} token Names the shared file (see abandonShared).
   */
  constructor(ports, token) {
    this.ports = ports;
    this.acked = ports.map(() => 0);
    this.sent = 0;
    /** Buffers handed back by each follower, for the next pieces. @type {ArrayBuffer[][]} */
    this.spare = ports.map(() => []);
    /** @type {(PartMessage | null)[]} */
    this.parts = ports.map(() => null);
    /** @type {GenreError | null} */
    this.failure = null;
    this.ended = false;
    /** @type {(() => void) | null} */
    this.wake = null;
    ports.forEach((port, i) => {
      port.onmessage = ({ data }) => this.#receive(i, data);
    });
    leading = { token, followers: this };
  }

  /**
   * @param {number} i
   * @param {any} data
   */
  #receive(i, data) {
    if (data.type === 'ack') {
      this.acked[i] += 1;
      if (data.buffer) this.spare[i].push(data.buffer);
    } else if (data.type === 'part') this.parts[i] = data;
    else if (data.type === 'error') this.fail(new GenreError(data.error.code, data.error.message, data.error.reason));
    if (this.wake) this.wake();
  }

  /**
   * Stops waiting for the followers: the shared file fails with `err`.
   * @param {GenreError} err
   */
  fail(err) {
    if (!this.failure) this.failure = err;
    if (this.wake) this.wake();
  }

  /** The next message from any follower. */
  #next() {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve(undefined);
      };
    });
  }

  #check() {
    if (this.failure) throw this.failure;
  }

  /**
   * The input's header, before the first piece.
   * @param {{ sampleRate: number, expectedLength: number | undefined, maxSeconds: number | undefined }} header
   */
  open(header) {
    for (const port of this.ports) port.postMessage({ type: 'open', ...header });
  }

  /**
   * Sends a piece of mono samples (a copy) to every follower; resolves
   * once none is more than AHEAD pieces behind.
   * @param {Float32Array} piece
   */
  async send(piece) {
    this.ports.forEach((port, i) => {
      const spare = this.spare[i].pop();
      const buffer = spare && spare.byteLength >= piece.byteLength ? spare : new ArrayBuffer(piece.byteLength);
      const samples = new Float32Array(buffer, 0, piece.length);
      samples.set(piece);
      port.postMessage({ type: 'piece', samples }, [buffer]);
    });
    this.sent += 1;
    while (!this.failure && Math.min(...this.acked) < this.sent - AHEAD) await this.#next();
    this.#check();
  }

  /**
   * Ends the input; resolves to the followers' parts.
   * @returns {Promise<PartMessage[]>}
   */
  async end() {
    this.ended = true;
    for (const port of this.ports) port.postMessage({ type: 'end' });
    while (!this.failure && this.parts.some((p) => !p)) await this.#next();
    this.#check();
    return /** @type {PartMessage[]} */ (this.parts);
  }

  /** Stops the followers (unless ended) and closes the ports. */
  close() {
    for (const port of this.ports) {
      if (!this.ended) port.postMessage({ type: 'abort' });
      port.onmessage = null;
      port.close();
    }
    if (leading && leading.followers === this) leading = null;
  }

  /**
   * The rows of every part, one after another (for ClassifierStream.finish).
   * @param {PartMessage[]} parts
   */
  static rows(parts) {
    const out = new Float32Array(parts.reduce((n, p) => n + p.rows.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p.rows, at);
      at += p.rows.length;
    }
    return out;
  }
}

/**
 * Stops the shared file named `token` that this worker leads: a follower
 * failed (the main thread saw its worker fail), so its windows will not come.
 * @param {string} token
 * @param {{ code: import('./index.js').GenreErrorCode, message: string }} error
 */
export function abandonShared(token, error) {
  if (leading && leading.token === token) leading.followers.fail(new GenreError(error.code, error.message));
}

/** Whether a trap (a bug) in a followed file left the module unusable: the worker must be replaced. */
let broken = false;

/** Whether a trap in a followed file left the module unusable. */
export function isFollowerBroken() {
  return broken;
}

/** The shared file this worker follows, for `unfollow`. @type {{ token: string, stop: () => void } | null} */
let following = null;

/**
 * The follower's side: computes the windows dealt to `part` of what the
 * leader sends on `port`; resolves once its part is sent back.
 * @param {{ port: MessagePort, cycle: number[], part: number, melColumns?: number, token: string, model?: core.Model | null }} request
 * @returns {Promise<null>}
 */
export function follow({ port, cycle, part, melColumns = 0, token, model }) {
  return new Promise((resolve, reject) => {
    /** @type {core.ClassifierStream | null} */
    let stream = null;
    /** @param {unknown} err */
    const close = (err) => {
      port.onmessage = null;
      port.close();
      following = null;
      if (stream) stream.free();
      stream = null;
      if (err) reject(err);
      else resolve(null);
    };
    following = { token, stop: () => close(cancelled()) };
    port.onmessage = ({ data }) => {
      try {
        if (data.type === 'open') {
          const { sampleRate, expectedLength, maxSeconds } = data;
          stream = openStream(model, sampleRate, expectedLength, melColumns, maxSeconds);
          stream.share(Uint8Array.from(cycle), part);
        } else if (data.type === 'piece') {
          if (!stream) throw new GenreError('internal', 'a piece before the header');
          stream.push(data.samples, undefined);
          port.postMessage({ type: 'ack', buffer: data.samples.buffer }, [data.samples.buffer]);
        } else if (data.type === 'end') {
          if (!stream) throw new GenreError('internal', 'the end before the header');
          const rows = stream.finishPart();
          const mel = stream.melImage();
          const transfer = mel ? [rows.buffer, mel.db.buffer] : [rows.buffer];
          port.postMessage({ type: 'part', rows, mel }, transfer);
          close(null);
        } else if (data.type === 'abort') {
          close(cancelled());
        }
      } catch (err) {
        if (err instanceof WebAssembly.RuntimeError) {
          broken = true;
          stream = null;
        }
        port.postMessage({ type: 'error', error: serializeError(err) });
        close(err);
      }
    };
  });
}

/**
 * Stops following the shared file named `token` (its leader failed).
 * @param {string} token
 */
export function unfollow(token) {
  if (following && following.token === token) following.stop();
}
