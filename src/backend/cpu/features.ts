// CPU reference for the image-feature kernels (shaders/features.wgsl): the hue histogram of
// cs231n's color_histogram_hsv and a HoG in the manner of its hog_feature.
import type { Storage } from '../types.js';
import { cpuData } from './storage.js';

/** matplotlib's rgb_to_hsv hue in [0, 1): later branches win ties (blue over green over red), grey → 0 */
export function hueOf(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (!(delta > 0)) return 0;
  let h: number;
  if (b === max) h = 4 + (r - g) / delta;
  else if (g === max) h = 2 + (b - r) / delta;
  else h = (g - b) / delta;
  h /= 6;
  return h - Math.floor(h);
}

export function hueHistogram(images: Storage, count: number, h: number, w: number, bins: number, out: Storage): void {
  const src = cpuData(images);
  const dst = cpuData(out);
  const plane = h * w;
  for (let n = 0; n < count; n++) {
    const counts = new Float64Array(bins);
    const base = n * 3 * plane;
    for (let p = 0; p < plane; p++) {
      const hue = hueOf(src[base + p], src[base + plane + p], src[base + 2 * plane + p]);
      counts[Math.min(bins - 1, Math.floor(hue * bins))]++;
    }
    for (let b = 0; b < bins; b++) dst[n * bins + b] = counts[b] / plane;
  }
}

export function hog(images: Storage, count: number, channels: number, h: number, w: number, cellSize: number, bins: number, out: Storage): void {
  const src = cpuData(images);
  const dst = cpuData(out);
  const plane = h * w;
  const cellsY = Math.floor(h / cellSize);
  const cellsX = Math.floor(w / cellSize);
  const grey = (n: number, y: number, x: number): number => greyAt(src, n * channels * plane + y * w + x, plane, channels);
  for (let n = 0; n < count; n++) {
    for (let cy = 0; cy < cellsY; cy++) {
      for (let cx = 0; cx < cellsX; cx++) {
        const hist = new Float64Array(bins);
        for (let y = cy * cellSize; y < (cy + 1) * cellSize; y++) {
          for (let x = cx * cellSize; x < (cx + 1) * cellSize; x++) {
            const here = grey(n, y, x);
            const gx = x + 1 < w ? grey(n, y, x + 1) - here : 0;
            const gy = y + 1 < h ? grey(n, y + 1, x) - here : 0;
            const magnitude = Math.sqrt(gx * gx + gy * gy);
            if (!(magnitude > 0)) continue;
            hist[orientationBin(gy, gx, bins)] += magnitude;
          }
        }
        const o = ((n * cellsY + cy) * cellsX + cx) * bins;
        for (let b = 0; b < bins; b++) dst[o + b] = hist[b] / (cellSize * cellSize);
      }
    }
  }
}

/** the grey value of the pixel at `at` (its first channel's index): 0.299 R + 0.587 G + 0.114 B, or the one channel */
export function greyAt(src: ArrayLike<number>, at: number, plane: number, channels: number): number {
  return channels === 3 ? 0.299 * src[at] + 0.587 * src[at + plane] + 0.114 * src[at + 2 * plane] : src[at];
}

/** unsigned orientation: atan2 folded into [0, π), split into `bins` equal bins (π itself is 0) */
export function orientationBin(gy: number, gx: number, bins: number): number {
  let theta = Math.atan2(gy, gx);
  if (theta < 0) theta += Math.PI;
  const bin = Math.floor((theta / Math.PI) * bins);
  return bin >= bins ? 0 : bin;
}
