// The synthetic songs of the training tests, in Node.js (tests/npm/teach.test.mjs)
// and in the browser (tests/npm/teach-browser.test.mjs imports this file
// from the test server): three kinds whose features differ clearly, each
// song a seeded variation.

/** Sample rate of the songs, in Hz. */
export const RATE = 22050;

/** The kinds of song, one per label. */
export const KINDS = ['drone', 'beat', 'bright'];

/** A seeded generator (LCG) for the songs' noise and variations. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Song `k` of kind `kind` ("drone", "beat" or "bright"), `seconds` long. */
export function song(kind, k, seconds = 5) {
  const y = new Float32Array(Math.round(seconds * RATE));
  const rnd = lcg(1000 * kind.length + k);
  const root = 80 * 2 ** (((k * 7) % 12) / 12);
  const tempo = 1.6 + 0.15 * k;
  for (let i = 0; i < y.length; i++) {
    const t = i / RATE;
    let v = 0;
    if (kind === 'drone') {
      for (const r of [1, 1.5, 2, 3]) v += 0.12 * Math.sin(2 * Math.PI * root * r * t) * (0.8 + 0.2 * Math.sin(2 * Math.PI * 0.3 * t));
    } else if (kind === 'beat') {
      const beat = (t * tempo) % 1;
      v += 0.5 * Math.sin(2 * Math.PI * 55 * t) * Math.exp(-beat * 25);
      v += 0.2 * (rnd() * 2 - 1) * Math.exp(-((t * tempo * 2) % 1) * 30);
    } else {
      const note = Math.floor(t * tempo * 4);
      const f = root * 8 * [1, 1.25, 1.5, 2][note % 4];
      v += 0.25 * Math.sin(2 * Math.PI * f * t) * Math.exp(-((t * tempo * 4) % 1) * 4);
      v += 0.01 * (rnd() * 2 - 1);
    }
    y[i] = v;
  }
  return y;
}
