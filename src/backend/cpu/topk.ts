// CPU reference for k-smallest selection and the kNN majority vote (shaders/topk.wgsl).
import type { Storage } from '../types.js';
import { cpuData } from './storage.js';

/** the kernel's order: by value (NaN as +∞), then by index */
function before(v: number, i: number, w: number, j: number): boolean {
  const a = Number.isNaN(v) ? Infinity : v;
  const b = Number.isNaN(w) ? Infinity : w;
  return a < b || (a === b && i < j);
}

export function topkSmallest(x: Storage, rows: number, cols: number, k: number, out: Storage): void {
  const src = cpuData(x);
  const dst = cpuData(out);
  const order = Array.from({ length: cols }, (_, c) => c);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    order.sort((i, j) => (before(src[base + i], i, src[base + j], j) ? -1 : 1));
    for (let j = 0; j < k; j++) dst[r * k + j] = j < cols ? order[j] : -1;
  }
}

export function knnVote(neighbours: Storage, labels: Storage, rows: number, kmax: number, k: number, classes: number, out: Storage): void {
  const idx = cpuData(neighbours);
  const lab = cpuData(labels);
  const dst = cpuData(out);
  const counts = new Int32Array(classes);
  for (let r = 0; r < rows; r++) {
    counts.fill(0);
    for (let j = 0; j < Math.min(k, kmax); j++) {
      const n = idx[r * kmax + j];
      if (n < 0 || n >= lab.length) continue;
      const label = lab[n];
      if (label >= 0 && label < classes) counts[label]++;
    }
    let best = -1;
    for (let c = 0; c < classes; c++) if (counts[c] > 0 && (best < 0 || counts[c] > counts[best])) best = c;
    dst[r] = best;
  }
}
