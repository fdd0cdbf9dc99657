// CPU reference for gather / its adjoint / one-hot (shaders/gather.wgsl).
import type { Storage } from '../types.js';
import { checkIndicesNow } from '../device-checks.js';
import { cpuData } from './storage.js';

export function gather(x: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void {
  const src = cpuData(x);
  const idx = cpuData(indices);
  const dst = cpuData(out);
  const n = idx.length;
  checkIndicesNow('gather', 'index', idx, axisLen);
  const bad = out.dtype === 'int32' ? 0 : NaN;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < n; j++) {
      const a = idx[j];
      for (let i = 0; i < inner; i++)
        dst[(o * n + j) * inner + i] = a >= 0 && a < axisLen ? src[(o * axisLen + a) * inner + i] : bad;
    }
}

export function gatherBackward(grad: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void {
  const g = cpuData(grad);
  const idx = cpuData(indices);
  const dst = cpuData(out);
  const n = idx.length;
  dst.fill(0);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < n; j++) {
      const a = idx[j];
      if (!(a >= 0 && a < axisLen)) continue;
      for (let i = 0; i < inner; i++) dst[(o * axisLen + a) * inner + i] += g[(o * n + j) * inner + i];
    }
}

export function oneHot(labels: Storage, n: number, classes: number, out: Storage): void {
  const y = cpuData(labels);
  const dst = cpuData(out);
  checkIndicesNow('oneHot', 'label', y.subarray(0, n), classes);
  dst.fill(0);
  for (let i = 0; i < n; i++) if (y[i] >= 0 && y[i] < classes) dst[i * classes + y[i]] = 1;
}
