// Loss-surface slices of a linear classifier, as the course draws them: the loss L(W + a·D1)
// along one random direction, and L(W + a·D1 + b·D2) over a plane. The scores are linear in
// the coefficients, s(c) = X·Wᵀ + b + Σ_i c_i·X·D_iᵀ, so the device computes X·Wᵀ and each
// X·D_iᵀ once and every slice point is one row of a [K, m]·[m, N·C] matmul; the penalty
// λ‖W + Σ c_i D_i‖² expands into ‖W‖², ⟨W, D_i⟩ and ⟨D_i, D_j⟩. All K points are evaluated
// in a batch (chunked so a chunk's scores stay under a few million values).
import { randn, tensor } from '../creation.js';
import * as F from '../nn/functional.js';
import { concat, oneHot } from '../ops/index.js';
import { noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import type { LinearLoss } from './linear.js';

export interface LinearProblem {
  loss: LinearLoss;
  /** float32 [N, D] */
  x: Tensor;
  /** int32 [N] */
  y: Tensor;
  /** float32 [C, D] (the PyTorch layout: scores = x·Wᵀ + b) */
  weight: Tensor;
  /** float32 [C], or none */
  bias?: Tensor | null;
  /** λ of λ·ΣW² (default 0) */
  lambda?: number;
}

/** the most score values one chunk of slice points may hold (by default) */
const CHUNK_VALUES = 1 << 22;

/**
 * The objective (mean data loss + λ·‖W′‖²) at W′ = W + Σ_i coefficients[k, i]·directions[i]
 * for every row k of `coefficients` (float32 [K, m], m = directions.length). Returns [K].
 */
export async function lossAtOffsets(
  problem: LinearProblem, directions: readonly Tensor[], coefficients: Float32Array, { chunkValues = CHUNK_VALUES }: { chunkValues?: number } = {},
): Promise<Float32Array> {
  const m = directions.length;
  if (m === 0 || coefficients.length % m !== 0) throw new Error(`webgrad: lossAtOffsets: ${coefficients.length} coefficients are not rows of ${m}`);
  const [c, d] = problem.weight.shape;
  for (const dir of directions) {
    if (dir.shape.length !== 2 || dir.shape[0] !== c || dir.shape[1] !== d)
      throw new Error(`webgrad: lossAtOffsets: a direction [${dir.shape}] does not match the weight [${problem.weight.shape}]`);
  }
  const n = problem.x.shape[0];
  const k = coefficients.length / m;
  const chunk = Math.max(1, Math.floor(chunkValues / (n * c)));
  const out = new Float32Array(k);
  for (let start = 0; start < k; start += chunk) {
    const end = Math.min(k, start + chunk);
    const losses = noGrad(() => tidy(() => chunkLosses(problem, directions, tensor(coefficients.subarray(start * m, end * m), [end - start, m]))));
    out.set(await losses.data(), start);
    losses.dispose();
  }
  return out;
}

function chunkLosses(p: LinearProblem, dirs: readonly Tensor[], coeff: Tensor): Tensor {
  const [k, m] = coeff.shape;
  const [n, c] = [p.x.shape[0], p.weight.shape[0]];
  // scores of every slice point: base [1, N·C] + coeff [K, m] · per-direction scores [m, N·C]
  const base = F.linear(p.x, p.weight, p.bias ?? null).reshape([1, n * c]);
  const perDirection = concat(dirs.map((dir) => p.x.matmul(dir, { transB: true }).reshape([1, n * c])), 0);
  const scores = base.add(coeff.matmul(perDirection)).reshape([k, n, c]);
  const y = oneHot(p.y, c).reshape([1, n, c]);
  const data = p.loss === 'softmax'
    ? scores.logSoftmax(-1).mul(y).sum(2).neg().mean(1)
    : scores.sub(scores.mul(y).sum(2, true)).add(1).relu().mul(y.neg().add(1)).sum(2).mean(1);
  const lambda = p.lambda ?? 0;
  if (lambda === 0) return data;
  // ‖W + Σ c_i D_i‖² = ‖W‖² + 2 Σ c_i ⟨W, D_i⟩ + Σ_ij c_i c_j ⟨D_i, D_j⟩
  const flat = [p.weight, ...dirs].map((t) => t.reshape([1, c * t.shape[1]]));
  const all = concat(flat, 0); // [1 + m, C·D]
  const gram = all.matmul(all, { transB: true }); // [1 + m, 1 + m]
  const ww = gram.slice([[0, 1], [0, 1]]).reshape([1]);
  const wd = gram.slice([[0, 1], [1, m + 1]]); // [1, m]
  const dd = gram.slice([[1, m + 1], [1, m + 1]]); // [m, m]
  const norm = coeff.mul(wd).sum(1).mul(2).add(ww).add(coeff.matmul(dd).mul(coeff).sum(1));
  return data.add(norm.mul(lambda));
}

/**
 * A random direction shaped like `weight`, Gaussian, scaled to the weight's Frobenius norm
 * (so a = 1 is a step as large as W itself; a zero W gives a unit-norm direction).
 */
export async function randomDirection(weight: Tensor, seed: number): Promise<Tensor> {
  const norm = Math.sqrt(await noGrad(() => tidy(() => weight.square().sum())).item());
  return noGrad(() => tidy(() => {
    const d = randn(weight.shape, { seed });
    const dn = d.square().sum().sqrt();
    return d.div(dn).mul(norm > 0 ? norm : 1);
  }));
}

/** evenly spaced values from lo to hi (both included) */
export function linspace(lo: number, hi: number, count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => (count === 1 ? lo : lo + ((hi - lo) * i) / (count - 1)));
}

/** L(W + a·D) at each a of `alphas` */
export function lossAlongLine(problem: LinearProblem, direction: Tensor, alphas: ArrayLike<number>): Promise<Float32Array> {
  return lossAtOffsets(problem, [direction], Float32Array.from(alphas));
}

/**
 * L(W + a·D1 + b·D2) over the grid alphas × betas, row-major [betas.length, alphas.length]
 * (row j holds b = betas[j]).
 */
export function lossOnPlane(problem: LinearProblem, d1: Tensor, d2: Tensor, alphas: ArrayLike<number>, betas: ArrayLike<number>): Promise<Float32Array> {
  const coeff = new Float32Array(alphas.length * betas.length * 2);
  for (let j = 0; j < betas.length; j++) {
    for (let i = 0; i < alphas.length; i++) {
      const k = 2 * (j * alphas.length + i);
      coeff[k] = alphas[i];
      coeff[k + 1] = betas[j];
    }
  }
  return lossAtOffsets(problem, [d1, d2], coeff);
}
