// CPU reference for fused batch norm (shaders/batchnorm.wgsl): the same per-channel two-pass
// statistics, accumulated in float64. x is [n, channels, inner]; see BatchNormArgs.
import type { BatchNormArgs, Storage } from '../types.js';
import { cpuData } from './storage.js';

/** calls fn(flat index) for each of channel c's n·inner values, in memory order */
function forChannel(a: BatchNormArgs, c: number, fn: (k: number) => void): void {
  for (let ni = 0; ni < a.n; ni++) {
    const base = (ni * a.channels + c) * a.inner;
    for (let j = 0; j < a.inner; j++) fn(base + j);
  }
}

/** channel c's x̂ as a function of x: ((x − shift) − (mean − shift))·invstd, and invstd */
function statsReader(s0: Storage, s1: Storage, a: BatchNormArgs): (c: number) => [xhat: (x: number) => number, invstd: number] {
  const S0 = cpuData(s0);
  const S1 = cpuData(s1);
  return (c) => {
    const [shift, dmean, invstd] = a.fromVar ? [0, S0[c], 1 / Math.sqrt(S1[c] + a.eps)] : [S1[c], S1[a.channels + c], S1[2 * a.channels + c]];
    return [(x) => (x - shift - dmean) * invstd, invstd];
  };
}

export function batchNormStats(x: Storage, out: Storage, a: BatchNormArgs, runningMean: Storage | null, runningVar: Storage | null): void {
  const X = cpuData(x);
  const O = cpuData(out);
  const m = a.n * a.inner;
  for (let c = 0; c < a.channels; c++) {
    const shift = X[c * a.inner];
    let s = 0;
    forChannel(a, c, (k) => { s += X[k] - shift; });
    const dmean = s / m;
    const mean = shift + dmean;
    let q = 0;
    forChannel(a, c, (k) => { q += (X[k] - shift - dmean) ** 2; });
    const variance = q / m;
    O[c] = shift;
    O[a.channels + c] = dmean;
    O[2 * a.channels + c] = 1 / Math.sqrt(variance + a.eps);
    if (runningMean) {
      const R = cpuData(runningMean);
      R[c] = (1 - a.momentum) * R[c] + a.momentum * mean;
    }
    if (runningVar) {
      const R = cpuData(runningVar);
      R[c] = (1 - a.momentum) * R[c] + a.momentum * variance * (m / (m - 1));
    }
  }
}

export function batchNormApply(x: Storage, s0: Storage, s1: Storage, weight: Storage | null, bias: Storage | null, out: Storage, a: BatchNormArgs): void {
  const X = cpuData(x);
  const O = cpuData(out);
  const W = weight && cpuData(weight);
  const B = bias && cpuData(bias);
  const stats = statsReader(s0, s1, a);
  for (let c = 0; c < a.channels; c++) {
    const [xhat] = stats(c);
    const w = W ? W[c] : 1;
    const b = B ? B[c] : 0;
    forChannel(a, c, (k) => { O[k] = xhat(X[k]) * w + b; });
  }
}

export function batchNormGradStats(grad: Storage, x: Storage, s0: Storage, s1: Storage, out: Storage, a: BatchNormArgs): void {
  const G = cpuData(grad);
  const X = cpuData(x);
  const O = cpuData(out);
  const stats = statsReader(s0, s1, a);
  for (let c = 0; c < a.channels; c++) {
    const [xhat] = stats(c);
    let sg = 0;
    let sgx = 0;
    forChannel(a, c, (k) => {
      sg += G[k];
      sgx += G[k] * xhat(X[k]);
    });
    O[c] = sg;
    O[a.channels + c] = sgx;
  }
}

export function batchNormGradInput(grad: Storage, x: Storage, s0: Storage, s1: Storage, sums: Storage | null, weight: Storage | null, out: Storage, a: BatchNormArgs): void {
  const G = cpuData(grad);
  const X = cpuData(x);
  const O = cpuData(out);
  const S = sums && cpuData(sums);
  const W = weight && cpuData(weight);
  const stats = statsReader(s0, s1, a);
  const m = a.n * a.inner;
  for (let c = 0; c < a.channels; c++) {
    const [xhat, invstd] = stats(c);
    const k0 = invstd * (W ? W[c] : 1);
    const meanG = S ? S[c] / m : 0;
    const meanGx = S ? S[a.channels + c] / m : 0;
    forChannel(a, c, (k) => { O[k] = k0 * (G[k] - meanG - xhat(X[k]) * meanGx); });
  }
}
