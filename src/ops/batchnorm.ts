// Fused batch normalisation over [N, C, ...] (statistics per channel C). Training is two
// dispatches forward (statistics + running update, then normalise + affine) and two backward
// (the per-channel sums Σg, Σg·x̂, then dx); dγ and dβ are rows of those sums. Eval is one
// dispatch forward (apply from the running statistics). Kernels: shaders/batchnorm.wgsl,
// src/backend/cpu/batchnorm.ts. The gradient ops have no gradient of their own: backward
// runs without a tape, so a second derivative through batch norm is not available.
import type { BatchNormArgs } from '../backend/types.js';
import type { Tensor } from '../tensor-core.js';
import { applier, type OpRules, requireFloat } from './registry.js';

const statsShape = (a: BatchNormArgs): number[] => [3, a.channels];

export const batchNormRules: OpRules<'batchNormStats' | 'batchNorm' | 'batchNormGradStats' | 'batchNormGradInput'> = {
  batchNormStats: {
    kernel: 'batchNormStats',
    infer: ([x], { args }) => {
      requireFloat('batchNorm', x);
      return { shape: statsShape(args), dtype: 'float32' };
    },
    forward: (be, [x, rm, rv], { args, track }, out) =>
      be.batchNormStats(x.storage, out, args, track ? rm.storage : null, track ? rv.storage : null),
    // the batchNorm op's backward differentiates through the statistics
    backward: 'none',
  },
  batchNorm: {
    kernel: 'batchNormApply',
    infer: ([x]) => ({ shape: [...x.shape], dtype: 'float32' }),
    forward: (be, [x, s0, s1, ...affine], { args, hasWeight, hasBias }, out) =>
      be.batchNormApply(x.storage, s0.storage, s1.storage, hasWeight ? affine[0].storage : null,
        hasBias ? affine[hasWeight ? 1 : 0].storage : null, out, args),
    backward: (g, { inputs, needs, params: { args, hasWeight, hasBias } }) => {
      const [x, s0, s1] = inputs;
      const w = hasWeight ? inputs[3] : null;
      const bi = hasWeight ? 4 : 3;
      const training = !args.fromVar;
      const needW = hasWeight && needs[3];
      const needB = hasBias && needs[bi];
      const needStats = args.fromVar && (needs[1] || needs[2]);
      const sums = (training && needs[0]) || needW || needB || needStats
        ? apply('batchNormGradStats', [g, x, s0, s1], { args }) : null;
      const dx = needs[0]
        ? apply('batchNormGradInput', [g, x, s0, s1, ...(training ? [sums!] : []), ...(w ? [w] : [])], { args, hasSums: training, hasWeight: !!w })
        : null;
      const row = (r: number) => sums!.slice([[r, r + 1], null]).reshape([args.channels]);
      const out: (Tensor | null)[] = [dx, null, null];
      if (needStats) {
        // eval with differentiable running statistics: ∂y/∂μ = −γ·invstd, ∂y/∂σ² = −½·γ·x̂·invstd²
        const invstd = s1.add(args.eps).sqrt().reciprocal();
        const k = w ? invstd.mul(w) : invstd;
        out[1] = needs[1] ? row(0).mul(k).neg() : null;
        out[2] = needs[2] ? row(1).mul(k).mul(invstd).mul(-0.5) : null;
      }
      if (hasWeight) out.push(needW ? row(1) : null);
      if (hasBias) out.push(needB ? row(0) : null);
      return out;
    },
  },
  batchNormGradStats: {
    kernel: 'batchNormGradStats',
    infer: (_, { args }) => ({ shape: [2, args.channels], dtype: 'float32' }),
    forward: (be, [g, x, s0, s1], { args }, out) => be.batchNormGradStats(g.storage, x.storage, s0.storage, s1.storage, out, args),
    backward: 'none',
  },
  batchNormGradInput: {
    kernel: 'batchNormGradInput',
    infer: ([g]) => ({ shape: [...g.shape], dtype: 'float32' }),
    forward: (be, [g, x, s0, s1, ...rest], { args, hasSums, hasWeight }, out) =>
      be.batchNormGradInput(g.storage, x.storage, s0.storage, s1.storage, hasSums ? rest[0].storage : null,
        hasWeight ? rest[hasSums ? 1 : 0].storage : null, out, args),
    backward: 'none',
  },
};

const apply = applier(batchNormRules);

export interface FusedBatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training: boolean;
  momentum: number;
  eps: number;
}

/**
 * Batch norm of x [N, C, ...] with the fused kernels. Training: batch statistics normalise x
 * and the running tensors (when given) are updated in place. Eval: the running statistics
 * normalise x. Shapes are checked by the caller (wg.nn.functional.batchNorm).
 */
export function fusedBatchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o: FusedBatchNormOptions): Tensor {
  const channels = x.shape[1];
  if (channels > 65535) throw new Error(`webgrad: batchNorm: ${channels} channels; at most 65535 (one workgroup per channel)`);
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const args: BatchNormArgs = { n: x.shape[0], channels, inner, eps: o.eps, momentum: o.momentum, fromVar: !o.training };
  const affine = [o.weight, o.bias].filter((t): t is Tensor => !!t);
  const params = { args, hasWeight: !!o.weight, hasBias: !!o.bias };
  if (!o.training) return apply('batchNorm', [x, runningMean!, runningVar!, ...affine], params);
  const track = !!(runningMean && runningVar);
  const stats = apply('batchNormStats', track ? [x, runningMean!, runningVar!] : [x], { args, track });
  return apply('batchNorm', [x, stats, stats, ...affine], params);
}
