// CPU reference for softmax, log-softmax and the fused softmax cross-entropy (shaders/softmax.wgsl).
import type { Storage } from '../types.js';
import { checkIndicesNow } from '../device-checks.js';
import { cpuData } from './storage.js';

/** log Σ exp(row), max-subtracted; returns [max, logSumExp] */
function rowLogSumExp(x: ArrayLike<number>, base: number, cols: number): [number, number] {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, x[base + c]);
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c] - max);
  return [max, max + Math.log(sum)];
}

export function softmax(x: Storage, rows: number, cols: number, log: boolean, out: Storage): void {
  const src = cpuData(x);
  const dst = cpuData(out);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const [, lse] = rowLogSumExp(src, base, cols);
    for (let c = 0; c < cols; c++) dst[base + c] = log ? src[base + c] - lse : Math.exp(src[base + c] - lse);
  }
}

function target(label: number, c: number, cols: number, smoothing: number): number {
  return (c === label ? 1 - smoothing : 0) + smoothing / cols;
}

export function crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number, smoothing: number, out: Storage): void {
  const x = cpuData(logits);
  const y = cpuData(labels);
  checkIndicesNow('crossEntropy', 'label', y.subarray(0, rows), cols);
  const dst = cpuData(out);
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    if (!(label >= 0 && label < cols)) { dst[r] = NaN; continue; }
    const base = r * cols;
    const [, lse] = rowLogSumExp(x, base, cols);
    let loss = 0;
    for (let c = 0; c < cols; c++) {
      const q = target(label, c, cols, smoothing);
      if (q !== 0) loss -= q * (x[base + c] - lse);
    }
    dst[r] = loss;
  }
}

export function crossEntropyBackward(
  logits: Storage, labels: Storage, gradScale: Storage, rows: number, cols: number, smoothing: number, out: Storage,
): void {
  const x = cpuData(logits);
  const y = cpuData(labels);
  const g = cpuData(gradScale);
  const dst = cpuData(out);
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    const base = r * cols;
    const [, lse] = rowLogSumExp(x, base, cols);
    for (let c = 0; c < cols; c++) {
      dst[base + c] = (Math.exp(x[base + c] - lse) - target(label, c, cols, smoothing)) * g[r];
    }
  }
}
