// Microphone mode: keep the last few seconds of what the microphone hears
// in a ring buffer and classify it in the worker every few seconds.

import { errorBox, explain } from './errors.js';
import { el } from './format.js';
import { renderResult } from './render.js';

/** Seconds of audio classified each time. */
const WINDOW_S = 8;
/** Seconds between classifications. */
const EVERY_S = 3;
/** Seconds needed before the first classification. */
const FIRST_S = 3;
/** RMS below which the input counts as silence and is not classified. */
const SILENCE_RMS = 1e-4;

/**
 * @import { Classifier } from '../js/index.js'
 * @typedef {object} Session A listening session; start() fills it in step by step.
 * @property {boolean} busy Whether a classification is under way.
 * @property {MediaStream} [stream]
 * @property {AudioContext} [ctx]
 * @property {RingBuffer} [ring]
 * @property {ReturnType<typeof setInterval>} [timer]
 */

/** Fixed-size buffer that keeps the most recent samples. */
export class RingBuffer {
  /** @param {number} capacity */
  constructor(capacity) {
    this.data = new Float32Array(capacity);
    this.write = 0;
    this.length = 0;
  }

  /** @param {Float32Array} block */
  push(block) {
    const cap = this.data.length;
    const src = block.length > cap ? block.subarray(block.length - cap) : block;
    const first = Math.min(src.length, cap - this.write);
    this.data.set(src.subarray(0, first), this.write);
    this.data.set(src.subarray(first), 0);
    this.write = (this.write + src.length) % cap;
    this.length = Math.min(cap, this.length + src.length);
  }

  /** The buffered samples, oldest first, as a new array. */
  snapshot() {
    const cap = this.data.length;
    const out = new Float32Array(this.length);
    const start = (this.write - this.length + cap) % cap;
    const first = Math.min(this.length, cap - start);
    out.set(this.data.subarray(start, start + first), 0);
    out.set(this.data.subarray(0, this.length - first), first);
    return out;
  }
}

/** @param {Float32Array} samples */
function rms(samples) {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/**
 * @param {any} err
 * @returns {any}
 */
function micError(err) {
  const name = err?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return { code: 'permission', message: 'The browser or the user refused access to the microphone.' };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
    return { code: 'no-device', message: err.message || 'No usable microphone.' };
  }
  return err;
}

/**
 * Wires the start/stop button and the live result panel.
 * @param {{ button: HTMLElement, panel: HTMLElement, classifier: () => Promise<Classifier> }} parts
 */
export function setupMicrophone({ button, panel, classifier }) {
  const label = /** @type {HTMLElement} */ (button.querySelector('.mic-label'));
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const meterFill = el('span', { class: 'mic-meter-fill' });
  const meter = el('div', { class: 'mic-meter', 'aria-hidden': 'true' }, meterFill);
  const body = el('div', { class: 'result' });
  const card = el('div', { class: 'card', id: 'mic-card', 'data-state': 'idle' }, status, meter, body);
  panel.append(card);

  /** @type {Session | null} */
  let session = null;

  /** @param {boolean} on */
  const setPressed = (on) => {
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    label.textContent = on ? 'Stop listening' : 'Start listening';
  };

  /** @param {any} err */
  const showError = (err) => {
    const explained = explain(micError(err));
    card.dataset.state = 'error';
    card.dataset.errorCode = explained.code;
    status.textContent = '';
    meter.hidden = true;
    body.replaceChildren(errorBox(explained));
  };

  /** @param {Session} s */
  async function tick(s) {
    if (s.busy || session !== s || !s.ctx || !s.ring) return;
    const rate = s.ctx.sampleRate;
    if (s.ring.length < FIRST_S * rate) {
      status.textContent = `Listening… ${Math.floor(s.ring.length / rate)} of ${FIRST_S} seconds gathered.`;
      return;
    }
    const samples = s.ring.snapshot();
    if (rms(samples) < SILENCE_RMS) {
      status.textContent = 'Listening… it is silent, nothing to classify.';
      return;
    }
    s.busy = true;
    try {
      const c = await classifier();
      const result = await c.classifySamples(samples, rate, { melColumns: 240 });
      if (session !== s) return;
      card.dataset.state = 'done';
      delete card.dataset.errorCode;
      renderResult(body, card, result, 'the microphone input');
      const unsure = result.confident === false ? ' (unsure)' : '';
      status.textContent = `Listening… the last ${Math.round(samples.length / rate)} seconds sound like ${result.genre}${unsure}.`;
    } catch (err) {
      if (session === s) showError(err);
    } finally {
      s.busy = false;
    }
  }

  async function start() {
    panel.hidden = false;
    card.dataset.state = 'starting';
    meter.hidden = false;
    body.replaceChildren();
    status.textContent = 'Asking for microphone access…';
    if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
      showError({ code: 'unsupported', message: 'Microphone capture needs a secure (https) page in a current browser.' });
      return;
    }
    /** @type {Session} */
    const s = { busy: false };
    session = s;
    setPressed(true);
    try {
      s.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      if (session !== s) return s.stream.getTracks().forEach((t) => t.stop());
      s.ctx = new AudioContext();
      await s.ctx.audioWorklet.addModule(new URL('mic-worklet.js', import.meta.url));
      if (session !== s) return teardown(s);
      const ring = new RingBuffer(Math.round(WINDOW_S * s.ctx.sampleRate));
      s.ring = ring;
      const source = s.ctx.createMediaStreamSource(s.stream);
      const tap = new AudioWorkletNode(s.ctx, 'mic-tap');
      const mute = s.ctx.createGain();
      mute.gain.value = 0;
      source.connect(tap).connect(mute).connect(s.ctx.destination);
      tap.port.onmessage = (e) => {
        ring.push(e.data);
        meterFill.style.setProperty('--level', String(Math.min(1, rms(e.data) * 4)));
      };
      await s.ctx.resume();
      card.dataset.state = 'listening';
      status.textContent = 'Listening…';
      s.timer = setInterval(() => tick(s), EVERY_S * 1000);
      setTimeout(() => tick(s), FIRST_S * 1000 + 200);
    } catch (err) {
      teardown(s);
      if (session === s) session = null;
      setPressed(false);
      showError(err);
    }
  }

  /** @param {Session} s */
  function teardown(s) {
    clearInterval(s.timer);
    s.stream?.getTracks().forEach((t) => t.stop());
    s.ctx?.close().catch(() => {});
  }

  function stop() {
    const s = session;
    session = null;
    setPressed(false);
    if (!s) return;
    teardown(s);
    meterFill.style.setProperty('--level', '0');
    if (card.dataset.state !== 'error') {
      card.dataset.state = card.dataset.resultGenre ? 'done' : 'idle';
      status.textContent = card.dataset.resultGenre ? 'Stopped. The last result is shown below.' : 'Stopped.';
    }
  }

  button.addEventListener('click', () => (session ? stop() : start()));
  window.addEventListener('pagehide', stop);
}
