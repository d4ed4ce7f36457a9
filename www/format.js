// Small formatting helpers shared by the page's views.

/** @import { Genre } from '../js/index.js' */

/** @type {Record<Genre, string>} */
const NAMES = {
  blues: 'Blues',
  classical: 'Classical',
  country: 'Country',
  disco: 'Disco',
  hiphop: 'Hip-hop',
  jazz: 'Jazz',
  metal: 'Metal',
  pop: 'Pop',
  reggae: 'Reggae',
  rock: 'Rock',
};

/**
 * Display name of a genre id ("hiphop" -> "Hip-hop"); a personal model's
 * labels are shown as their owner wrote them.
 * @param {string} id
 */
export function genreName(id) {
  return NAMES[/** @type {Genre} */ (id)] ?? String(id);
}

/**
 * A probability in [0, 1] as a percentage with one decimal ("62.4%").
 * @param {number} p
 */
export function percent(p) {
  return `${(p * 100).toFixed(1)}%`;
}

/**
 * Seconds as m:ss ("1:05"); hours are added past 60 minutes.
 * @param {number} seconds
 */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * A byte count in human units ("3.2 MB").
 * @param {number} n
 */
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** @typedef {Node | string | number | false | null | undefined} Child */

/**
 * Creates an element with attributes and children (strings become text).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Runs `fn` in an animation frame at most once per `interval` ms, however
 * often the returned function is called: a batch of many files updates the
 * page a few times a second, not once per file or progress event. In a
 * background tab nothing is drawn until it is shown again.
 * @param {() => void} fn
 * @param {number} interval
 */
export function throttledFrame(fn, interval) {
  let last = -Infinity;
  let pending = false;
  const run = () => {
    pending = false;
    last = performance.now();
    fn();
  };
  return () => {
    if (pending) return;
    pending = true;
    const wait = Math.max(0, last + interval - performance.now());
    if (wait === 0) requestAnimationFrame(run);
    else setTimeout(() => requestAnimationFrame(run), wait);
  };
}
