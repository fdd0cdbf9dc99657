// Inverted dropout with a counter-based mask (hash of (seed, element index)), computed on the
// device: no mask tensor is stored, and the backward is the same op on the gradient.
// Kernels: shaders/dropout.wgsl, src/backend/cpu/dropout.ts.
import { nextSeed } from '../random.js';
import type { Tensor } from '../tensor-core.js';
import { applier, type OpRules, requireFloat } from './registry.js';

export const dropoutRules: OpRules<'dropout'> = {
  dropout: {
    kernel: 'dropout',
    infer: ([x]) => {
      requireFloat('dropout', x);
      return { shape: [...x.shape], dtype: 'float32' };
    },
    forward: (be, [x], { p, seed, draw }, out) => be.dropout(x.storage, out, p, seed, draw),
    // the same mask: in a compiled step's replay, the seed the forward drew for this call
    backward: (g, { params }) => [apply('dropout', [g], { ...params, draw: () => params.cell.seed })],
  },
};

const apply = applier(dropoutRules);

export interface DropoutOptions {
  /** identity when false (default true, as torch.nn.functional.dropout) */
  training?: boolean;
  /** the mask's seed (default: drawn from the global stream, see manualSeed) */
  seed?: number;
}

/** zeroes each element with probability p and scales the rest by 1/(1 − p) */
export function dropout(x: Tensor, p = 0.5, { training = true, seed }: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`webgrad: dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const cell = { seed: (seed ?? nextSeed()) >>> 0 };
  // a compiled step's replays draw a new seed per call, as eager calls do (a given seed stays)
  const draw = seed === undefined ? () => (cell.seed = nextSeed() >>> 0) : () => cell.seed;
  return apply('dropout', [x], { p, seed: cell.seed, cell, draw });
}
