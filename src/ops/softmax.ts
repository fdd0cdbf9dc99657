// softmax, logSoftmax (max-subtracted) and the fused softmax cross-entropy.
// Kernels: shaders/softmax.wgsl, src/backend/cpu/softmax.ts.
import type { Tensor } from '../tensor-core.js';
import { autocastFull } from './autocast.js';
import { applier, normAxis, type OpRules, requireFloat } from './registry.js';

export const softmaxRules: OpRules<'softmax' | 'crossEntropy' | 'crossEntropyBackward'> = {
  softmax: {
    kernel: 'softmax',
    infer: ([x]) => {
      requireFloat('softmax', x);
      return { shape: [...x.shape], dtype: 'float32' };
    },
    forward: (be, [x], { log }, out) => {
      const cols = x.shape[x.shape.length - 1] ?? 1;
      be.softmax(x.storage, cols === 0 ? 0 : x.size / cols, cols, log, out);
    },
    backward: (g, { out: y, params: { log } }) =>
      log ? [g.sub(y.exp().mul(g.sum(-1, true)))] : [y.mul(g.sub(g.mul(y).sum(-1, true)))],
  },
  crossEntropy: {
    kernel: 'crossEntropy',
    infer: ([logits, labels]) => {
      logits = autocastFull(logits);
  checkLogitsLabels('crossEntropy', logits, labels);
      return { shape: [logits.shape[0]], dtype: 'float32' };
    },
    forward: (be, [logits, labels], { smoothing }, out) =>
      be.crossEntropy(logits.storage, labels.storage, logits.shape[0], logits.shape[1], smoothing, out),
    backward: (g, { inputs: [logits, labels], params: { smoothing } }) => [
      apply('crossEntropyBackward', [logits, labels, g], { smoothing }),
      null,
    ],
  },
  crossEntropyBackward: {
    kernel: 'crossEntropyBackward',
    infer: ([logits]) => ({ shape: [...logits.shape], dtype: 'float32' }),
    forward: (be, [logits, labels, g], { smoothing }, out) =>
      be.crossEntropyBackward(logits.storage, labels.storage, g.storage, logits.shape[0], logits.shape[1], smoothing, out),
    backward: 'none',
  },
};

const apply = applier(softmaxRules);

function checkLogitsLabels(op: string, logits: Tensor, labels: Tensor): void {
  if (logits.dtype === 'int32' || logits.shape.length !== 2)
    throw new Error(`webgrad: ${op}: logits must be a float32 (or float16) [N, C] tensor, got ${logits.dtype} [${logits.shape}]`);
  if (labels.dtype !== 'int32')
    throw new Error(`webgrad: ${op}: labels must be an int32 tensor of class indices, got ${labels.dtype} (create them with { dtype: 'int32' })`);
  if (labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0])
    throw new Error(`webgrad: ${op}: labels [${labels.shape}] do not match logits [${logits.shape}] (expected [${logits.shape[0]}])`);
}

function alongLastAxis(x: Tensor, axis: number, fn: (t: Tensor) => Tensor): Tensor {
  const rank = x.shape.length;
  const a = normAxis('softmax', axis, rank);
  if (a === rank - 1 || rank === 0) return fn(x);
  return fn(x.transpose(a, -1)).transpose(a, -1);
}

export function softmax(x: Tensor, axis = -1): Tensor {
  x = autocastFull(x);
  return alongLastAxis(x, axis, (t) => apply('softmax', [t], { log: false }));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  x = autocastFull(x);
  return alongLastAxis(x, axis, (t) => apply('softmax', [t], { log: true }));
}

export interface CrossEntropyOptions {
  /** ε: the target is (1 − ε)·onehot + ε / C */
  labelSmoothing?: number;
  reduction?: 'mean' | 'sum' | 'none';
}

/** Softmax cross-entropy from raw scores [N, C] and int32 class labels [N], fused. */
export function crossEntropy(logits: Tensor, labels: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`webgrad: crossEntropy: labelSmoothing ${smoothing} must be in [0, 1]`);
  logits = autocastFull(logits);
  checkLogitsLabels('crossEntropy', logits, labels);
  const perRow = apply('crossEntropy', [logits, labels], { smoothing });
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return perRow;
  return reduction === 'sum' ? perRow.sum() : perRow.mean();
}
