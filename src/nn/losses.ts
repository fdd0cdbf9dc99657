// Losses beyond the course's: binary cross-entropy on logits, negative log-likelihood, L1 and
// smooth L1, with PyTorch's reductions ('mean' default, 'sum', 'none') and defaults. Composed
// from ops, so their gradients come from the tape.
import { oneHot } from '../ops/index.js';
import type { Tensor } from '../tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'none') return loss;
  throw new Error(`webgrad: ${op}: reduction must be 'mean', 'sum' or 'none', got '${reduction as string}'`);
}

function sameShape(op: string, a: Tensor, b: Tensor, what = 'input'): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    throw new Error(`webgrad: ${op}: ${what} [${a.shape}] and target [${b.shape}] differ in shape`);
}

export interface BceWithLogitsOptions {
  /** a rescaling weight per element, broadcast against the input */
  weight?: Tensor | null;
  /** the weight of positive examples per class (last axis), as PyTorch's pos_weight */
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Binary cross-entropy of sigmoid(input) against target ∈ [0, 1], computed from the logits as
 * PyTorch's binary_cross_entropy_with_logits, stably for any |input|:
 *   ℓ = (1 − t)·x + w_p·(m + log(e^(−m) + e^(−x−m))),  m = max(−x, 0),  w_p = 1 + (posWeight − 1)·t
 * (m + log(…) is log(1 + e^(−x)) without overflow; m cancels exactly in the gradient, which
 * is σ(x) − t even at x = 0, where an |x|-based form would take abs's zero subgradient).
 */
export function bceWithLogits(input: Tensor, target: Tensor, { weight, posWeight, reduction = 'mean' }: BceWithLogitsOptions = {}): Tensor {
  sameShape('bceWithLogits', input, target);
  if (input.dtype !== 'float32' || target.dtype !== 'float32') throw new Error('webgrad: bceWithLogits: input and target must be float32 (targets are probabilities)');
  const m = input.neg().relu();
  const softplusNeg = m.add(m.neg().exp().add(input.neg().sub(m).exp()).log());
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (weight) loss = loss.mul(weight);
  return reduce('bceWithLogits', loss, reduction);
}

export interface NllLossOptions {
  /** a weight per class ([C]) */
  weight?: Tensor | null;
  /** targets equal to it contribute nothing (and are not counted by 'mean'); default −100 */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Negative log-likelihood of int32 class targets [N] (or [N, d1, ...]) under log-probabilities
 * input [N, C] (or [N, C, d1, ...]), as PyTorch's nll_loss: ℓ_n = −w_{y_n}·input[n, y_n]; 'mean' divides by Σ w_{y_n} over the
 * non-ignored rows (NaN when every row is ignored, as PyTorch). nllLoss(logSoftmax(x)) is
 * crossEntropy(x).
 */
export function nllLoss(input: Tensor, target: Tensor, { weight, ignoreIndex = -100, reduction = 'mean' }: NllLossOptions = {}): Tensor {
  if (input.shape.length < 2) throw new Error(`webgrad: nllLoss: input must be [N, C] or [N, C, d1, ...] log-probabilities, got [${input.shape}]`);
  if (target.dtype !== 'int32') throw new Error(`webgrad: nllLoss: target must be int32 class indices, got ${target.dtype}`);
  const want = [input.shape[0], ...input.shape.slice(2)];
  if (target.shape.length !== want.length || target.shape.some((d, i) => d !== want[i]))
    throw new Error(`webgrad: nllLoss: target [${target.shape}] does not match input [${input.shape}] (expected [${want}])`);
  if (input.shape.length > 2) {
    // [N, C, d1, ...]: classes last, one row per position, as PyTorch's K-dimensional form
    const rank = input.shape.length;
    const rows = input.permute([0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]).reshape([-1, input.shape[1]]);
    const loss = nllLoss(rows, target.reshape([-1]), { weight, ignoreIndex, reduction });
    return reduction === 'none' ? loss.reshape(want) : loss;
  }
  const classes = input.shape[1];
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== classes))
    throw new Error(`webgrad: nllLoss: weight [${weight.shape}] must have one entry per class (${classes})`);
  // ignored rows pick class 0 and are masked out: oneHot needs an index in range
  const valid = target.equal(ignoreIndex).neg().add(1);
  let pick = oneHot(target.mul(valid), classes).mul(valid.cast('float32').reshape([-1, 1]));
  if (weight) pick = pick.mul(weight);
  const rows = input.mul(pick).sum(1).neg();
  if (reduction === 'mean') return rows.sum().div(pick.sum());
  return reduce('nllLoss', rows, reduction);
}

/** |input − target|, reduced as PyTorch's l1_loss. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), reduction);
}

/**
 * Huber-like loss of PyTorch's smooth_l1_loss: 0.5·d²/β where d = |input − target| < β, else
 * d − 0.5·β (β = 1 by default; β = 0 is l1Loss). Written as 0.5·q²/β + (d − q) with q = min(d, β),
 * one expression whose two pieces meet with equal slopes at d = β.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}): Tensor {
  sameShape('smoothL1Loss', input, target);
  if (!(beta >= 0)) throw new Error(`webgrad: smoothL1Loss: beta must be ≥ 0, got ${beta}`);
  const d = input.sub(target).abs();
  if (beta === 0) return reduce('smoothL1Loss', d, reduction);
  const q = d.minimum(beta);
  return reduce('smoothL1Loss', q.square().mul(0.5 / beta).add(d.sub(q)), reduction);
}
