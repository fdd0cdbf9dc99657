// CPU reference for dropout (shaders/dropout.wgsl): the same counter-based hash in 32-bit
// integer arithmetic, so a seed gives the same mask on every backend.
import type { Storage } from '../types.js';
import { dropoutBits, dropoutThreshold } from '../dropout-math.js';
import { cpuData } from './storage.js';

export function dropout(x: Storage, out: Storage, p: number, seed: number): void {
  const X = cpuData(x);
  const Y = cpuData(out);
  const scale = 1 / (1 - p);
  const threshold = dropoutThreshold(p);
  for (let i = 0; i < X.length; i++) Y[i] = dropoutBits(seed, i) >= threshold ? X[i] * scale : 0;
}
