// CPU reference for the pairwise L1 distance kernel (shaders/distance.wgsl).
import type { Storage } from '../types.js';
import { cpuData } from './storage.js';

export function pairwiseL1(a: Storage, b: Storage, m: number, n: number, d: number, out: Storage): void {
  const x = cpuData(a);
  const y = cpuData(b);
  const dst = cpuData(out);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < d; t++) sum += Math.abs(x[i * d + t] - y[j * d + t]);
      dst[i * n + j] = sum;
    }
  }
}
