// Hand-made image features of the course ("Image features" slides; cs231n features.py):
// a colour histogram over hue and a histogram of oriented gradients, both batched kernels.
import { concat } from '../ops/index.js';
import { tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { runKernel } from './kernel.js';

export interface ColorHistogramOptions {
  /** hue bins over [0, 1) (default 10, as cs231n's color_histogram_hsv) */
  bins?: number;
}

/**
 * Hue histogram of RGB images [N, 3, H, W] with values in [0, 1] → [N, bins].
 * Hue is matplotlib's rgb_to_hsv hue (grey pixels count as hue 0); each row holds the
 * fraction of the image's pixels per bin, so it sums to 1. This equals cs231n's
 * `np.histogram(hue, bins, density=True) * np.diff(bin_edges)`.
 */
export function colorHistogram(images: Tensor, { bins = 10 }: ColorHistogramOptions = {}): Tensor {
  const [n, c, h, w] = checkImages('colorHistogram', images);
  if (c !== 3) throw new Error(`webgrad: colorHistogram: needs RGB images [N, 3, H, W], got [${images.shape}]`);
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 256)) throw new Error(`webgrad: colorHistogram: bins = ${bins} must be an integer in [1, 256]`);
  return runKernel('colorHistogram', [images], [n, bins], 'float32', (be, out) => be.hueHistogram(images.storage, n, h, w, bins, out));
}

export interface HogOptions {
  /** cell side in pixels (default 8) */
  cellSize?: number;
  /** orientation bins over 0–180° (default 9) */
  bins?: number;
}

/**
 * Histogram of oriented gradients (Dalal & Triggs 2005, as cs231n's hog_feature) of images
 * [N, C, H, W] (C = 3: RGB → grey 0.299 R + 0.587 G + 0.114 B; C = 1: grey) → [N, F] with
 * F = ⌊H/cell⌋·⌊W/cell⌋·bins, laid out [cellY, cellX, bin]. Gradients are forward differences;
 * each pixel adds its magnitude to the bin of its unsigned orientation (0° = a horizontal
 * gradient, i.e. a vertical edge); a cell's bins are divided by cell² (the cell mean).
 * No block normalisation, as cs231n. Pixels past the last whole cell are ignored.
 */
export function hog(images: Tensor, { cellSize = 8, bins = 9 }: HogOptions = {}): Tensor {
  const [n, c, h, w] = checkImages('hog', images);
  if (c !== 3 && c !== 1) throw new Error(`webgrad: hog: images must have 1 or 3 channels, got [${images.shape}]`);
  if (!(Number.isInteger(cellSize) && cellSize >= 1)) throw new Error(`webgrad: hog: cellSize = ${cellSize} must be a positive integer`);
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 32)) throw new Error(`webgrad: hog: bins = ${bins} must be an integer in [1, 32]`);
  const features = Math.floor(h / cellSize) * Math.floor(w / cellSize) * bins;
  return runKernel('hog', [images], [n, features], 'float32', (be, out) => be.hog(images.storage, n, c, h, w, cellSize, bins, out));
}

/** `[N, F_hog + bins]`: HoG then the hue histogram, the course's combined feature vector. */
export function imageFeatures(images: Tensor, opts: HogOptions & { colorBins?: number } = {}): Tensor {
  return tidy(() => concat([hog(images, opts), colorHistogram(images, { bins: opts.colorBins })], 1));
}

function checkImages(op: string, images: Tensor): number[] {
  if (images.dtype !== 'float32' || images.shape.length !== 4)
    throw new Error(`webgrad: ${op}: images must be a float32 [N, C, H, W] tensor, got ${images.dtype} [${images.shape}]`);
  return images.shape;
}
