// wg.nn.functional for conv nets: conv2d (bias + activation fused), pooling, batch and layer
// normalisation, dropout. batchNorm / layerNorm are composed from ops (shifted two-pass
// moments, stable for large means); their gradients come from the tape.
import { autocastFull, adaptiveAvgPool2d, avgPool2d, conv2d, dropout, maxPool2d } from '../ops/index.js';
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

/** [1, C, 1, ...] so a per-channel vector broadcasts over x */
function perChannel(t: Tensor, rank: number): Tensor {
  return t.reshape([1, t.size, ...new Array<number>(rank - 2).fill(1)]);
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
  const shape = (t: Tensor) => perChannel(t, rank);
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  if (!training) {
    if (!runningMean || !runningVar) throw new Error('webgrad: batchNorm: eval mode needs runningMean and runningVar');
    const inv = shape(runningVar).add(eps).sqrt().reciprocal();
    return affine(x.sub(shape(runningMean)).mul(inv), weight, bias, shape);
  }
  const count = x.size / channels;
  if (count <= 1) throw new Error(`webgrad: batchNorm: training needs more than one value per channel, got input [${x.shape}]`);
  const { mean, centred, variance } = moments(x, axes);
  const y = centred.mul(variance.add(eps).sqrt().reciprocal());
  noGrad(() => {
    if (runningMean) runningMean.assign(runningMean.mul(1 - momentum).add(mean.reshape([channels]).mul(momentum)));
    if (runningVar) runningVar.assign(runningVar.mul(1 - momentum).add(variance.reshape([channels]).mul((momentum * count) / (count - 1))));
  });
  return affine(y, weight, bias, shape);
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
