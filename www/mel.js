// Mel spectrogram image: decibel values painted onto a canvas with the
// magma colour map, low frequencies at the bottom.

// Polynomial fit of matplotlib's magma colour map, t in [0, 1] -> [r, g, b] in [0, 1].
const MAGMA = [
  [-0.002136485053939582, -0.000749655052795221, -0.005386127855323933],
  [0.2516605407371642, 0.6775232436837668, 2.494026599312351],
  [8.353717279216625, -3.577719514958484, 0.3144679030132573],
  [-27.66873308576866, 14.26473078096533, -13.64921318813922],
  [52.17613981234068, -27.94360607168351, 12.94416944238394],
  [-50.76852536473588, 29.04658282127291, 4.23415299384598],
  [18.65570506591883, -11.48977351997711, -5.601961508734096],
];

/** @import { MelImage } from '../js/index.js' */

/** @type {Uint8ClampedArray | null} */
let lut = null;

/** 256-entry RGB lookup table of the colour map. */
function colourTable() {
  if (lut) return lut;
  lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    for (let ch = 0; ch < 3; ch++) {
      let v = 0;
      for (let k = MAGMA.length - 1; k >= 0; k--) v = v * t + MAGMA[k][ch];
      lut[i * 3 + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return lut;
}

/**
 * Paints `mel` ({ nMels, nColumns, db }, db row-major: band after band,
 * each band nColumns long) onto `canvas`, one pixel per cell. Returns
 * false when the image is empty or malformed.
 * @param {HTMLCanvasElement} canvas
 * @param {MelImage | undefined} mel
 */
export function drawMel(canvas, mel) {
  if (!mel) return false;
  const { nMels, nColumns, db } = mel;
  if (!(nMels > 0 && nColumns > 0 && db && db.length >= nMels * nColumns)) return false;
  let hi = -Infinity;
  for (let i = 0; i < nMels * nColumns; i++) if (db[i] > hi) hi = db[i];
  // Show an 80 dB range below the loudest cell, like librosa's top_db.
  const lo = hi - 80;
  const span = hi > lo ? hi - lo : 1;
  const table = colourTable();
  canvas.width = nColumns;
  canvas.height = nMels;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = ctx.createImageData(nColumns, nMels);
  const px = image.data;
  for (let m = 0; m < nMels; m++) {
    const row = nMels - 1 - m;
    for (let c = 0; c < nColumns; c++) {
      const v = db[m * nColumns + c];
      const t = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / span)) : 0;
      const k = Math.round(t * 255) * 3;
      const o = (row * nColumns + c) * 4;
      px[o] = table[k];
      px[o + 1] = table[k + 1];
      px[o + 2] = table[k + 2];
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return true;
}
