// The view of one classification: verdict, top-3 answer, probability bars,
// mel spectrogram and (for long tracks) the genre timeline.

import { clock, el, genreName, percent } from './format.js';
import { drawMel } from './mel.js';
import { timelineFigure } from './timeline.js';

/** @import { Classification, Genre, GenreProbability, MelImage } from '../js/index.js' */

/**
 * One sentence describing the multi-genre answer. `top3` holds the leading
 * genres, best first (at most three, possibly none when no genre stands out).
 * `confident` is false when the model is unsure of `best`: never "clearly".
 * @param {GenreProbability[]} top3
 * @param {Genre} best
 */
export function describeTop3(top3, best, confident = true) {
  const names = top3.map((t) => genreName(t.genre).toLowerCase());
  const [a, b, c] = names;
  const p = top3[0]?.probability ?? 0;
  if (!a) return `No genre stands out; the closest is ${genreName(best).toLowerCase()}.`;
  if (p >= 0.7 && confident) return `Clearly ${a}.`;
  if (!b) return p >= 0.4 ? `Mostly ${a}.` : `Leaning towards ${a}, but not clearly.`;
  if (p >= 0.4) return c ? `Mostly ${a}, with elements of ${b} and ${c}.` : `Mostly ${a}, with elements of ${b}.`;
  return c ? `A blend of ${a}, ${b} and ${c}, with no clear winner.` : `A blend of ${a} and ${b}.`;
}

/** @param {Classification} result */
function verdict(result) {
  const top = result.probabilities.find((p) => p.genre === result.genre);
  const top3 = result.top3 ?? [];
  // Only an explicit `false` marks the model as unsure.
  const unsure = result.confident === false;
  return el(
    'div',
    { class: 'verdict-block' },
    el(
      'p',
      { class: 'verdict' },
      unsure
        ? el('span', { class: 'verdict-guess', text: 'Best guess: ' })
        : el('span', { class: 'visually-hidden', text: 'Genre: ' }),
      el('span', { class: 'verdict-genre', 'data-genre': result.genre, text: genreName(result.genre) }),
      top ? el('span', { class: 'verdict-conf', text: `${percent(top.probability)} sure` }) : null,
    ),
    unsure
      ? el('p', {
          class: 'unsure-note',
          text: `Not sure: the music doesn't clearly match one genre. The best guess is ${genreName(result.genre).toLowerCase()}.`,
        })
      : null,
    el('p', { class: 'top3', text: describeTop3(top3, result.genre, !unsure) }),
    el(
      'ol',
      { class: 'top3-list', 'aria-label': 'Leading genres', hidden: top3.length === 0 },
      top3.map((t) =>
        el(
          'li',
          { class: 'chip', 'data-genre': t.genre, 'data-probability': t.probability },
          el('span', { class: 'swatch', 'aria-hidden': 'true' }),
          `${genreName(t.genre)} ${percent(t.probability)}`,
        ),
      ),
    ),
    el('p', { class: 'card-meta', text: `${clock(result.duration)} analysed at ${result.sampleRate} Hz` }),
    result.truncated
      ? el('p', {
          class: 'truncated-note',
          text: 'This file ends before the length its header announces (cut short or damaged): the answer is for the part that could be read.',
        })
      : null,
  );
}

/**
 * @param {Classification} result
 * @param {string} label
 */
function bars(result, label) {
  const list = el('ul', { class: 'bars', 'aria-label': `Probability of each genre for ${label}` });
  for (const { genre, probability } of result.probabilities) {
    const fill = el('span', { class: 'bar-fill' });
    fill.style.setProperty('--p', String(Math.min(1, Math.max(0, probability))));
    list.append(
      el(
        'li',
        {
          class: 'bar',
          'data-genre': genre,
          'data-probability': probability,
          'data-top': genre === result.genre ? 'true' : 'false',
        },
        el('span', { class: 'bar-label', text: genreName(genre) }),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        el('span', { class: 'bar-value', text: percent(probability) }),
      ),
    );
  }
  return el('div', { class: 'bars-block' }, el('p', { class: 'figure-title', text: 'All genres' }), list);
}

/**
 * The mel spectrogram figure, or null when the image cannot be drawn.
 * @param {MelImage} mel
 * @param {number} duration
 * @param {string} label
 */
export function melFigure(mel, duration, label) {
  const canvas = el('canvas', {
    class: 'mel-canvas',
    role: 'img',
    'aria-label': `Mel spectrogram of ${label}: time left to right, pitch bottom to top, brighter is louder.`,
  });
  if (!drawMel(canvas, mel)) return null;
  const span = mel.secondsPerColumn * mel.nColumns;
  return el(
    'figure',
    { class: 'mel wide' },
    el('p', { class: 'figure-title', text: 'Mel spectrogram' }),
    canvas,
    el('div', { class: 'mel-axis', 'aria-hidden': 'true' }, el('span', { text: '0:00' }), el('span', { text: clock(span || duration) })),
    el('figcaption', { text: `${mel.nMels} mel bands, low pitches at the bottom; brighter is louder.` }),
  );
}

/**
 * Replaces the contents of `container` with the view of `result` and tags
 * `card` with data attributes (result genre, whether the model is confident,
 * probabilities). `melSlot`, when the result has no mel image, stands where
 * the image goes (one that is still being computed).
 * @param {HTMLElement} container
 * @param {HTMLElement} card
 * @param {Classification} result
 * @param {string} label
 * @param {HTMLElement | null} [melSlot]
 */
export function renderResult(container, card, result, label, melSlot = null) {
  card.dataset.resultGenre = result.genre;
  if (typeof result.confident === 'boolean') card.dataset.confident = String(result.confident);
  else delete card.dataset.confident;
  card.dataset.probabilities = JSON.stringify(result.probabilities.map((p) => p.probability));
  card.dataset.windows = String(Array.isArray(result.windows) ? result.windows.length : 0);
  /** @type {(HTMLElement | null)[]} */
  const parts = [verdict(result), bars(result, label)];
  if (result.mel) parts.push(melFigure(result.mel, result.duration, label));
  else parts.push(melSlot);
  parts.push(timelineFigure(result.windows, result.duration, label));
  container.replaceChildren(...parts.filter((p) => p !== null));
}
