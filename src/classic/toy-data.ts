// The course's 2-D toy problems: the spiral of cs231n's neural-network case study (classes
// arms winding out from the origin) and two concentric rings, the standard example of points
// that no line separates. Generated on the host from a seed, so every backend sees the same
// points; the host copies are kept for drawing.
import { tensor } from '../creation.js';
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';

export interface ToyData {
  /** float32 [N, 2] */
  x: Tensor;
  /** int32 [N] class ids */
  y: Tensor;
  /** the same points, row-major (x0, y0, x1, y1, ...) */
  points: Float32Array;
  labels: Int32Array;
  classes: number;
}

export interface SpiralOptions {
  classes?: number;
  pointsPerClass?: number;
  /** standard deviation of the angle noise (cs231n: 0.2) */
  noise?: number;
  seed?: number;
}

/**
 * cs231n's spiral: arm j has radii evenly spaced in [0, 1] and angles in [4j, 4(j+1)]
 * radians plus Gaussian noise; the point is (r·sin t, r·cos t).
 */
export function spiral({ classes = 3, pointsPerClass = 100, noise = 0.2, seed = 0 }: SpiralOptions = {}): ToyData {
  const n = classes * pointsPerClass;
  const jitter = new Random(seed).normal(n, 0, noise);
  const points = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let j = 0; j < classes; j++) {
    for (let k = 0; k < pointsPerClass; k++) {
      const i = j * pointsPerClass + k;
      const f = pointsPerClass === 1 ? 0 : k / (pointsPerClass - 1);
      const t = 4 * j + 4 * f + jitter[i];
      points[2 * i] = f * Math.sin(t);
      points[2 * i + 1] = f * Math.cos(t);
      labels[i] = j;
    }
  }
  return toyData(points, labels, classes);
}

export interface CirclesOptions {
  pointsPerClass?: number;
  /** inner radius as a fraction of the outer radius 1 (default 0.5) */
  factor?: number;
  /** standard deviation of the radial noise (default 0.08) */
  noise?: number;
  seed?: number;
}

/** Two concentric rings: class 0 on the outer ring (radius 1), class 1 on the inner (radius `factor`). */
export function circles({ pointsPerClass = 100, factor = 0.5, noise = 0.08, seed = 0 }: CirclesOptions = {}): ToyData {
  const n = 2 * pointsPerClass;
  const rng = new Random(seed);
  const angles = rng.uniform(n, 0, 2 * Math.PI);
  const radial = rng.normal(n, 0, noise);
  const points = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= pointsPerClass;
    const r = (inner ? factor : 1) + radial[i];
    points[2 * i] = r * Math.cos(angles[i]);
    points[2 * i + 1] = r * Math.sin(angles[i]);
    labels[i] = inner ? 1 : 0;
  }
  return toyData(points, labels, 2);
}

/** Wraps host points [N·2] and labels [N] as a ToyData (uploads both). */
export function toyData(points: Float32Array, labels: Int32Array, classes: number): ToyData {
  if (points.length !== labels.length * 2) throw new Error(`webgrad: toyData: ${points.length / 2} points for ${labels.length} labels`);
  return { x: tensor(points, [labels.length, 2]), y: tensor(labels, [labels.length], { dtype: 'int32' }), points, labels, classes };
}

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The bounding box of points [N·2], widened by `margin` of its size on every side. */
export function boundsOf(points: Float32Array, margin = 0.1): Bounds {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  const [mx, my] = [Math.max(x1 - x0, 1e-6) * margin, Math.max(y1 - y0, 1e-6) * margin];
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/**
 * The centres of a width × height grid of cells over `b`, row-major [width·height·2], row 0
 * at the top (largest y), so grid index j·width + i is image pixel (i, j).
 */
export function gridPoints(b: Bounds, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 2);
  for (let j = 0; j < height; j++) {
    const y = b.y1 - ((j + 0.5) / height) * (b.y1 - b.y0);
    for (let i = 0; i < width; i++) {
      const k = 2 * (j * width + i);
      out[k] = b.x0 + ((i + 0.5) / width) * (b.x1 - b.x0);
      out[k + 1] = y;
    }
  }
  return out;
}
