// Image-feature kernels vs the float64 CPU reference on random images in [0, 1].
// Both are hard-binned histograms: a pixel whose hue or gradient orientation lies within rounding
// of a bin edge may land in either neighbour in float32 (and WGSL's atan2 is only specified to
// 4096 ULP), moving a whole pixel's worth. Such pixels are found from the same inputs in float64
// and only the two bins they may fall in get that much slack; every other bin is held to the
// tolerance. (Without it, ~1 run in 10 failed on lavapipe: seed 298505, hog 8×8 cells.)
import { colorHistogram, hog } from '../../src/classic/index.js';
import { greyAt, hueOf } from '../../src/backend/cpu/features.js';
import type { Tensor } from '../../src/tensor.js';
import { REDUCTION } from '../helpers.js';
import { type KernelCase, kernelSuite, type TensorMaker } from '../classic/kernel-cases.js';

const T = REDUCTION;

async function readAndFree(t: Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

/** Where `x` (in bin units, one period = `bins`) lies within `within` of an edge: the two bins it may fall in. */
function edgeNeighbours(x: number, bins: number, within: number): [number, number] | null {
  const edge = Math.round(x);
  if (!(Math.abs(x - edge) < within)) return null;
  const wrap = (k: number) => ((k % bins) + bins) % bins;
  return [wrap(edge - 1), wrap(edge)];
}

/** slack of `colorHistogram(images [n, 3, h, w], bins)`: 1/plane for each bin an edge pixel may fall in */
async function hueSlack(make: TensorMaker, shape: number[], bins: number): Promise<Float64Array> {
  const [n, , h, w] = shape;
  const src = await readAndFree(make.float(shape, 0, 1));
  const plane = h * w;
  const slack = new Float64Array(n * bins);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) {
      const at = i * 3 * plane + p;
      const [r, g, b] = [src[at], src[at + plane], src[at + 2 * plane]];
      const delta = Math.max(r, g, b) - Math.min(r, g, b);
      // float32 hue: a few ulps of values ≤ 6, and (g − b)/delta's rounding over a small delta
      const near = edgeNeighbours(hueOf(r, g, b) * bins, bins, (1e-5 + 1e-6 / delta) * bins);
      if (near) for (const k of near) slack[i * bins + k] += 1 / plane;
    }
  }
  return slack;
}

/** slack of `hog(images, { cellSize, bins })`: magnitude/cell² for each bin an edge pixel may fall in */
async function hogSlack(make: TensorMaker, shape: number[], cellSize = 8, bins = 9): Promise<Float64Array> {
  const [n, c, h, w] = shape;
  const src = await readAndFree(make.float(shape, 0, 1));
  const plane = h * w;
  const grey = (i: number, y: number, x: number): number => greyAt(src, i * c * plane + y * w + x, plane, c);
  const [cellsY, cellsX] = [Math.floor(h / cellSize), Math.floor(w / cellSize)];
  const slack = new Float64Array(n * cellsY * cellsX * bins);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < cellsY * cellSize; y++) {
      for (let x = 0; x < cellsX * cellSize; x++) {
        const gx = x + 1 < w ? grey(i, y, x + 1) - grey(i, y, x) : 0;
        const gy = y + 1 < h ? grey(i, y + 1, x) - grey(i, y, x) : 0;
        const magnitude = Math.hypot(gx, gy);
        if (!(magnitude > 0)) continue;
        const theta = Math.atan2(gy, gx) + (gy < 0 ? Math.PI : 0); // [0, π]
        // atan2's 4096 ulps (≤ 1e-3 rad), and float32 grey differences (~1e-7) over the magnitude
        const near = edgeNeighbours((theta / Math.PI) * bins, bins, ((1e-3 + 1e-6 / magnitude) / Math.PI) * bins);
        const cell = (i * cellsY + Math.floor(y / cellSize)) * cellsX + Math.floor(x / cellSize);
        if (near) for (const k of near) slack[cell * bins + k] += magnitude / (cellSize * cellSize);
      }
    }
  }
  return slack;
}

const hueCase = (shape: number[], bins: number): KernelCase => ({
  name: `hue histogram ${bins} bin${bins > 1 ? 's' : ''} [${shape.join(', ')}]`,
  fn: (t) => colorHistogram(t.float(shape, 0, 1), { bins }),
  tol: T,
  slack: (t) => hueSlack(t, shape, bins),
});

const cases: KernelCase[] = [
  hueCase([3, 3, 7, 9], 10),
  hueCase([1, 3, 1, 1], 1),
  hueCase([2, 3, 33, 17], 33),
  { name: 'hog 8×8 cells, 9 bins [3, 3, 32, 32]', fn: (t) => hog(t.float([3, 3, 32, 32], 0, 1)), tol: T, slack: (t) => hogSlack(t, [3, 3, 32, 32]) },
  // the inputs of the failure above: one pixel 7e-7 rad from a bin edge (wgpu on lavapipe binned it over)
  { name: 'hog 8×8 cells, 9 bins [3, 3, 32, 32], input seed 298505', fn: (t) => hog(t.float([3, 3, 32, 32], 0, 1)), tol: T, slack: (t) => hogSlack(t, [3, 3, 32, 32]), inputSeed: 298505 },
  { name: 'hog 4×4 cells, 7 bins, ragged [2, 3, 17, 13]', fn: (t) => hog(t.float([2, 3, 17, 13], 0, 1), { cellSize: 4, bins: 7 }), tol: T, slack: (t) => hogSlack(t, [2, 3, 17, 13], 4, 7) },
  { name: 'hog grey [5, 1, 9, 9], cell 3', fn: (t) => hog(t.float([5, 1, 9, 9], 0, 1), { cellSize: 3 }), tol: T, slack: (t) => hogSlack(t, [5, 1, 9, 9], 3) },
];

kernelSuite('image features', cases);
