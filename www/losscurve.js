// The training's loss curve, drawn live on a small canvas: one point per
// epoch, the vertical axis from 0 to the highest loss so far.

/**
 * Canvas coordinates of the curve's points in a `width` x `height` box
 * (inset by `pad`): epochs spread left to right over at least `epochs`
 * places, losses from 0 (bottom) to the highest (top). Non-finite losses
 * are left out.
 * @param {readonly number[]} losses
 * @param {number} width
 * @param {number} height
 * @param {{ epochs?: number, pad?: number }} [options]
 * @returns {{ x: number, y: number }[]}
 */
export function curvePoints(losses, width, height, { epochs = 0, pad = 4 } = {}) {
  const finite = losses.filter(Number.isFinite);
  const top = Math.max(...finite, 0) || 1;
  const span = Math.max(losses.length, epochs, 2) - 1;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  /** @type {{ x: number, y: number }[]} */
  const points = [];
  losses.forEach((loss, i) => {
    if (!Number.isFinite(loss)) return;
    points.push({ x: pad + (w * i) / span, y: pad + h * (1 - Math.max(0, loss) / top) });
  });
  return points;
}

/**
 * Draws the curve (and a base line) on `canvas`, sized to its CSS box.
 * @param {HTMLCanvasElement} canvas
 * @param {readonly number[]} losses
 * @param {number} [epochs] The planned number of epochs (the curve's width).
 */
export function drawLossCurve(canvas, losses, epochs = 0) {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || 320;
  const height = canvas.clientHeight || 120;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const style = getComputedStyle(canvas);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = style.getPropertyValue('--border') || '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(4, height - 4);
  ctx.lineTo(width - 4, height - 4);
  ctx.stroke();
  const points = curvePoints(losses, width, height, { epochs });
  if (points.length === 0) return;
  ctx.strokeStyle = style.color || '#1f5fbf';
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
  ctx.stroke();
}
