// Canvas drawing for the classic-course page: class regions with the training points on top,
// a heat map with contour bands, 2-D paths with a legend, a 1-D curve, image tiles. Pure 2-D
// canvas code; the numbers come from wg.classic.
import type * as wg from '../../../src/index.js';

type Bounds = wg.classic.Bounds;

/** region fill (light) and point colour (dark) per class, as the course's pictures */
const REGION = ['#f6c4c4', '#c4d7f6', '#c9efc4', '#f3e2b5', '#e1c8f2'];
const POINT = ['#c62828', '#1e56c2', '#2e8b2e', '#b8860b', '#7b3fa8'];
export const PATH_COLOURS = ['#222222', '#d62728', '#1f77b4', '#2ca02c', '#9467bd'];

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('classic page: no 2-D canvas context');
  return ctx;
}

function hexRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** maps data coordinates in `b` to canvas pixels (y up) */
export function projector(canvas: HTMLCanvasElement, b: Bounds): (x: number, y: number) => [number, number] {
  return (x, y) => [((x - b.x0) / (b.x1 - b.x0)) * canvas.width, ((b.y1 - y) / (b.y1 - b.y0)) * canvas.height];
}

/** a grid of cell colours [width·height·3] stretched over the whole canvas */
function paintCells(canvas: HTMLCanvasElement, width: number, height: number, colour: (k: number) => [number, number, number]): void {
  const ctx = context(canvas);
  const cells = document.createElement('canvas');
  cells.width = width;
  cells.height = height;
  const cctx = context(cells);
  const image = cctx.createImageData(width, height);
  for (let k = 0; k < width * height; k++) {
    const [r, g, b] = colour(k);
    image.data.set([r, g, b, 255], 4 * k);
  }
  cctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
}

/** class regions of a grid (row 0 at the top) and the labelled points over them */
export function drawRegions(canvas: HTMLCanvasElement, regions: wg.classic.ClassGrid, points: Float32Array, labels: Int32Array, title?: string): void {
  paintCells(canvas, regions.width, regions.height, (k) => hexRgb(REGION[regions.grid[k] % REGION.length]));
  drawPoints(canvas, regions.bounds, points, labels);
  if (title) label(canvas, title);
}

export function drawPoints(canvas: HTMLCanvasElement, b: Bounds, points: Float32Array, labels: Int32Array): void {
  const ctx = context(canvas);
  const at = projector(canvas, b);
  for (let i = 0; i < labels.length; i++) {
    const [px, py] = at(points[2 * i], points[2 * i + 1]);
    ctx.beginPath();
    ctx.arc(px, py, 2.6, 0, 2 * Math.PI);
    ctx.fillStyle = POINT[labels[i] % POINT.length];
    ctx.fill();
    ctx.strokeStyle = 'rgba(0,0,0,0.5)';
    ctx.lineWidth = 0.5;
    ctx.stroke();
  }
}

/** a caption in the canvas's top-left corner, on a white box so it reads over any picture */
export function label(canvas: HTMLCanvasElement, text: string, line = 0): void {
  const ctx = context(canvas);
  ctx.font = '12px system-ui, sans-serif';
  const w = ctx.measureText(text).width;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(4, 4 + line * 16, w + 8, 16);
  ctx.fillStyle = '#222';
  ctx.textAlign = 'left';
  ctx.fillText(text, 8, 16 + line * 16);
}

/** viridis-like ramp, t in [0, 1] */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as [number, number, number];
}

/**
 * A heat map of values [width·height] (row 0 at the top), coloured on a log scale when `log`,
 * in `bands` steps so equal-value bands read as contours.
 */
export function drawHeatMap(canvas: HTMLCanvasElement, values: Float32Array, width: number, height: number, { log = false, bands = 14 } = {}): void {
  const v = Array.from(values, (x) => (log ? Math.log10(Math.max(x, 1e-6)) : x));
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  paintCells(canvas, width, height, (k) => ramp(Math.floor(((v[k] - lo) / (hi - lo || 1)) * bands) / bands));
}

/** polylines of paths [(steps+1)·2] in data coordinates, with a legend in the top-right corner */
export function drawPaths(canvas: HTMLCanvasElement, b: Bounds, paths: { label: string; path: Float32Array }[], mark?: [number, number]): void {
  const ctx = context(canvas);
  const at = projector(canvas, b);
  paths.forEach(({ path }, i) => {
    ctx.strokeStyle = PATH_COLOURS[i % PATH_COLOURS.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let k = 0; k < path.length; k += 2) {
      const [px, py] = at(path[k], path[k + 1]);
      if (k === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
    const [ex, ey] = at(path[path.length - 2], path[path.length - 1]);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillRect(ex - 3, ey - 3, 6, 6);
  });
  if (mark) {
    const [mx, my] = at(mark[0], mark[1]);
    ctx.fillStyle = '#fff';
    ctx.font = 'bold 16px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('★', mx, my + 6);
  }
  ctx.font = '12px system-ui, sans-serif';
  const legendW = Math.max(...paths.map((p) => ctx.measureText(p.label).width)) + 34;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(canvas.width - legendW - 6, 6, legendW, paths.length * 16 + 6);
  paths.forEach(({ label: name }, i) => {
    ctx.fillStyle = PATH_COLOURS[i % PATH_COLOURS.length];
    ctx.fillRect(canvas.width - legendW, 14 + i * 16, 18, 3);
    ctx.fillStyle = '#222';
    ctx.textAlign = 'left';
    ctx.fillText(name, canvas.width - legendW + 24, 19 + i * 16);
  });
}

/** y(x) as a line with axes: min/max labels on both, a dot at x = 0 */
export function drawCurve(canvas: HTMLCanvasElement, xs: ArrayLike<number>, ys: ArrayLike<number>, xLabel: string, yLabel: string): void {
  const ctx = context(canvas);
  const m = { left: 48, right: 10, top: 10, bottom: 28 };
  const [w, h] = [canvas.width - m.left - m.right, canvas.height - m.top - m.bottom];
  const [x0, x1] = [xs[0], xs[xs.length - 1]];
  const yv = Array.from(ys);
  const [y0, y1] = [Math.min(...yv), Math.max(...yv)];
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * w;
  const py = (y: number) => m.top + (1 - (y - y0) / (y1 - y0 || 1)) * h;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = '#999';
  ctx.strokeRect(m.left, m.top, w, h);
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (const v of [y0, y1]) ctx.fillText(v.toPrecision(3), m.left - 4, py(v) + 4);
  ctx.textAlign = 'center';
  for (const v of [x0, 0, x1]) ctx.fillText(String(Number(v.toPrecision(3))), px(v), canvas.height - 14);
  ctx.fillText(xLabel, m.left + w / 2, canvas.height - 2);
  ctx.save();
  ctx.translate(10, m.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.strokeStyle = '#d62728';
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) (i === 0 ? ctx.moveTo.bind(ctx) : ctx.lineTo.bind(ctx))(px(xs[i]), py(ys[i]));
  ctx.stroke();
}

/** one tile per class from CHW images [n·3·s·s] already in [0, 1], with the class names under them */
export function drawTemplates(canvas: HTMLCanvasElement, images: Float32Array, names: readonly string[], size = 32): void {
  const ctx = context(canvas);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const n = names.length;
  const cell = Math.floor(canvas.width / n);
  const scale = Math.max(1, Math.floor((cell - 6) / size));
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const tctx = context(tile);
  const plane = size * size;
  for (let c = 0; c < n; c++) {
    const image = tctx.createImageData(size, size);
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < 3; ch++) image.data[4 * p + ch] = Math.round(255 * images[(c * 3 + ch) * plane + p]);
      image.data[4 * p + 3] = 255;
    }
    tctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const x = c * cell + (cell - size * scale) / 2;
    ctx.drawImage(tile, x, 4, size * scale, size * scale);
    ctx.fillStyle = '#222';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(names[c], c * cell + cell / 2, size * scale + 18);
  }
}
