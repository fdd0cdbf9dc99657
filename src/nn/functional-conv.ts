// wg.nn.functional for conv nets: conv2d (bias + activation fused), pooling, batch and layer
// normalisation, dropout. batchNorm runs the fused kernels (src/ops/batchnorm.ts); layerNorm is
// composed from ops (shifted two-pass moments, stable for large means), its gradient from the tape.
import { autocastFull, adaptiveAvgPool2d, avgPool2d, conv2d, dropout, fusedBatchNorm, maxPool2d } from '../ops/index.js';
import { noGrad } from '../runtime.js';
import type { Tensor } from '../tensor.js';

export { conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, dropout };
export type { Conv2dOptions } from '../ops/conv.js';
export type { AvgPool2dOptions, Pool2dOptions } from '../ops/pool.js';
export type { DropoutOptions } from '../ops/dropout.js';

/**
 * Mean and biased variance over `axes`, keepdim, computed two-pass on x shifted by one of its
 * own elements per slice (detached): a float32 sum of values near 1000 loses ~1e-3 absolute,
 * the shifted values are small and exact (Sterbenz), and the result does not depend on the shift.
 */
function moments(x: Tensor, axes: readonly number[]): { mean: Tensor; centred: Tensor; variance: Tensor } {
  const pivot = x.slice(x.shape.map((_, i) => (axes.includes(i) ? ([0, 1] as const) : null))).detach();
  const shifted = x.sub(pivot);
  const shiftedMean = shifted.mean(axes, true);
  const centred = shifted.sub(shiftedMean);
  return { mean: shiftedMean.add(pivot), centred, variance: centred.square().mean(axes, true) };
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** use batch statistics and update the running ones (default false, as PyTorch's F.batch_norm) */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, shape: (t: Tensor) => Tensor): Tensor {
  const scaled = weight ? y.mul(shape(weight)) : y;
  return bias ? scaled.add(shape(bias)) : scaled;
}

/**
 * Batch normalisation over [N, C], [N, C, L] or [N, C, H, W] (statistics per channel C).
 * Training: batch mean and biased variance normalise x; the running tensors are updated in
 * place (r ← (1 − momentum)·r + momentum·stat, the variance unbiased, as PyTorch).
 * Eval: the running statistics normalise x.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = opts;
  x = autocastFull(x); // norms run in float32 under autocast
  const rank = x.shape.length;
  if (rank < 2 || rank > 4) throw new Error(`webgrad: batchNorm: expects [N, C], [N, C, L] or [N, C, H, W], got [${x.shape}]`);
  const channels = x.shape[1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const)
    if (t && (t.shape.length !== 1 || t.shape[0] !== channels)) throw new Error(`webgrad: batchNorm: ${name} [${t.shape}] must be [${channels}]`);
  if (!training && (!runningMean || !runningVar)) throw new Error('webgrad: batchNorm: eval mode needs runningMean and runningVar');
  if (training && x.size / channels <= 1) throw new Error(`webgrad: batchNorm: training needs more than one value per channel, got input [${x.shape}]`);
  if (training && !runningMean !== !runningVar) throw new Error('webgrad: batchNorm: give both runningMean and runningVar, or neither');
  return fusedBatchNorm(x, runningMean, runningVar, { weight, bias, training, momentum, eps });
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** normalises over the trailing `normalizedShape` axes (biased variance), then weight / bias of that shape */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], { weight, bias, eps = 1e-5 }: LayerNormOptions = {}): Tensor {
  const norm = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const lead = x.shape.length - norm.length;
  if (lead < 0 || norm.some((d, i) => x.shape[lead + i] !== d))
    throw new Error(`webgrad: layerNorm: normalizedShape [${norm}] does not match the trailing axes of [${x.shape}]`);
  const axes = norm.map((_, i) => lead + i);
  x = autocastFull(x);
  const { centred, variance } = moments(x, axes);
  const y = centred.mul(variance.add(eps).sqrt().reciprocal());
  return affine(y, weight, bias, (t) => t);
}
