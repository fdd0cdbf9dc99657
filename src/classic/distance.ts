// Pairwise distances between the rows of two matrices, as the course's kNN uses them.
import { noGrad } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { requireShape, runKernel } from './kernel.js';

/** the top-k kernel's per-row list capacity (shaders/topk.wgsl MAX_K) */
export const MAX_K = 128;

export type DistanceMetric = 'l2' | 'l1';

/**
 * Euclidean distances [M, N] between the rows of a [M, D] and b [N, D]:
 * √max(0, ‖a‖² + ‖b‖² − 2a·bᵀ). The expansion turns the work into one matmul (the "fully
 * vectorised" version of the course); cancellation can make the sum slightly negative for
 * near-identical rows, hence the clamp before the square root.
 */
export function l2Distances(a: Tensor, b: Tensor): Tensor {
  checkPair('l2Distances', a, b);
  return noGrad(() => {
    const aSquared = a.square().sum(1, true);
    const bSquared = b.square().sum(1);
    return aSquared.add(bSquared).sub(a.matmul(b, { transB: true }).mul(2)).clamp(0).sqrt();
  });
}

/** Manhattan distances [M, N] = Σ_d |a[i, d] − b[j, d]|, one tiled kernel. */
export function l1Distances(a: Tensor, b: Tensor): Tensor {
  checkPair('l1Distances', a, b);
  const [m, d] = a.shape;
  const n = b.shape[0];
  return runKernel('l1Distances', [a, b], [m, n], 'float32', (be, out) => be.pairwiseL1(a.storage, b.storage, m, n, d, out));
}

export function pairwiseDistances(a: Tensor, b: Tensor, metric: DistanceMetric = 'l2'): Tensor {
  if (metric === 'l2') return l2Distances(a, b);
  if (metric === 'l1') return l1Distances(a, b);
  throw new Error(`webgrad: pairwiseDistances: unknown metric '${metric as string}' (use 'l2' or 'l1')`);
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  requireShape(op, a, 2, 'float32', 'the first operand');
  requireShape(op, b, 2, 'float32', 'the second operand');
  if (a.shape[1] !== b.shape[1]) throw new Error(`webgrad: ${op}: rows of [${a.shape}] and [${b.shape}] differ in length`);
}

/** int32 [rows, k]: the column indices of the k smallest entries of each row, nearest first (ties → smaller index). */
export function topkSmallest(x: Tensor, k: number): Tensor {
  requireShape('topkSmallest', x, 2, 'float32', 'x');
  const [rows, cols] = x.shape;
  if (!(Number.isInteger(k) && k >= 1 && k <= Math.min(cols, MAX_K)))
    throw new Error(`webgrad: topkSmallest: k = ${k} must be an integer in [1, ${Math.min(cols, MAX_K)}] (the kernel keeps at most ${MAX_K} per row)`);
  return runKernel('topkSmallest', [x], [rows, k], 'int32', (be, out) => be.topkSmallest(x.storage, rows, cols, k, out));
}

/**
 * int32 [rows]: the majority label among the first k of each row's neighbours (int32
 * [rows, kmax] indices into `labels`); ties go to the smaller label, as np.argmax(np.bincount).
 */
export function majorityVote(neighbours: Tensor, labels: Tensor, k: number, classes: number): Tensor {
  requireShape('majorityVote', neighbours, 2, 'int32', 'neighbours');
  requireShape('majorityVote', labels, 1, 'int32', 'labels');
  const [rows, kmax] = neighbours.shape;
  if (!(Number.isInteger(k) && k >= 1 && k <= kmax)) throw new Error(`webgrad: majorityVote: k = ${k} must be in [1, ${kmax}]`);
  return runKernel('majorityVote', [neighbours, labels], [rows], 'int32',
    (be, out) => be.knnVote(neighbours.storage, labels.storage, rows, kmax, k, classes, out));
}
