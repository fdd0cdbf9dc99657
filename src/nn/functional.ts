// wg.nn.functional: activations, linear, and the losses of the course, composed from ops
// (their gradients come from the tape) except crossEntropy, which is one fused kernel.
import { reportIndexErrorsAs } from '../backend/device-checks.js';
import { autocastFull, autocastLow, binary, clamp, concat, crossEntropy, logSoftmax, oneHot, softmax } from '../ops/index.js';
import type { Tensor } from '../tensor.js';

export { crossEntropy, softmax, logSoftmax, clamp, concat };

export const relu = (x: Tensor): Tensor => x.relu();
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => x.leakyRelu(negativeSlope);
export const elu = (x: Tensor, alpha = 1): Tensor => x.elu(alpha);
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const gelu = (x: Tensor): Tensor => x.gelu();

/**
 * Maxout (Goodfellow et al. 2013): the features axis (1) holds `pieces` consecutive values per
 * output unit; each unit outputs their max. [N, units·pieces, ...] → [N, units, ...].
 */
export function maxout(x: Tensor, pieces: number): Tensor {
  const c = x.shape[1];
  if (!Number.isInteger(pieces) || pieces < 1 || c % pieces !== 0)
    throw new Error(`webgrad: maxout: ${c} features are not divisible into groups of ${pieces}`);
  const rest = x.shape.slice(2);
  return x.reshape([x.shape[0], c / pieces, pieces, ...rest]).max(2);
}

/** y = x·Wᵀ + b, with W [out, in] as PyTorch (read transposed in place, no copy). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (x.shape[x.shape.length - 1] !== weight.shape[1])
    throw new Error(`webgrad: linear: input [${x.shape}] has ${x.shape[x.shape.length - 1]} features but the weight [${weight.shape}] expects ${weight.shape[1]}`);
  const y = x.matmul(weight, { transB: true });
  // under autocast the bias joins the float16 product (as PyTorch's linear), not the reverse
  return bias ? y.add(autocastLow(bias)) : y;
}

function checkScores(op: string, scores: Tensor, labels: Tensor): void {
  if (scores.shape.length !== 2) throw new Error(`webgrad: ${op}: scores must be [N, C], got [${scores.shape}]`);
  if (labels.dtype !== 'int32') throw new Error(`webgrad: ${op}: labels must be int32 class indices, got ${labels.dtype}`);
  if (labels.shape.length !== 1 || labels.shape[0] !== scores.shape[0])
    throw new Error(`webgrad: ${op}: labels [${labels.shape}] do not match scores [${scores.shape}]`);
}

/** Σ_{j≠y} max(0, s_j − s_y + margin) per row, before the batch reduction. */
function hingeRows(op: string, scores: Tensor, labels: Tensor, margin: number): Tensor {
  // a bad label is reported as the loss the user called, not as the oneHot inside it
  const y = reportIndexErrorsAs(op, () => oneHot(labels, scores.shape[1]));
  const correct = scores.mul(y).sum(1, true);
  return scores.sub(correct).add(margin).relu().mul(y.neg().add(1)).sum(1);
}

/** The course's multiclass SVM loss: mean over the batch of Σ_{j≠y} max(0, s_j − s_y + 1). */
export function svmLoss(scores: Tensor, labels: Tensor, { margin = 1 } = {}): Tensor {
  checkScores('svmLoss', scores, labels);
  scores = autocastFull(scores);
  return hingeRows('svmLoss', scores, labels, margin).mean();
}

/** PyTorch's multi_margin_loss (p = 1): the course's hinge divided by the class count. */
export function multiMarginLoss(scores: Tensor, labels: Tensor, { margin = 1 } = {}): Tensor {
  checkScores('multiMarginLoss', scores, labels);
  scores = autocastFull(scores);
  return hingeRows('multiMarginLoss', scores, labels, margin).mean().mul(1 / scores.shape[1]);
}

/** Mean (or sum, or 'none': each) of squared differences. */
export function mseLoss(pred: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: 'mean' | 'sum' | 'none' } = {}): Tensor {
  if (pred.shape.length !== target.shape.length || pred.shape.some((d, i) => d !== target.shape[i]))
    throw new Error(`webgrad: mseLoss: prediction [${pred.shape}] and target [${target.shape}] differ in shape`);
  const sq = autocastFull(pred).sub(autocastFull(target)).square();
  return reduction === 'none' ? sq : reduction === 'sum' ? sq.sum() : sq.mean();
}

/** λ·Σ_W Σ w² over the given tensors: the course's L2 regularisation R(W), added to the data loss. */
export function l2Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  let total: Tensor | null = null;
  for (const p of params) {
    const s = p.square().sum();
    total = total ? total.add(s) : s;
  }
  if (!total) throw new Error('webgrad: l2Penalty: no parameters given');
  return total.mul(lambda);
}

export { binary as elementwise };
export * from './functional-conv.js';
export * from './losses.js';
