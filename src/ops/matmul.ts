// Matmul: 2-D and batched (NumPy broadcasting of batch dims), with transposed operands read
// in place (no copy). Kernel: shaders/matmul.wgsl, src/backend/cpu/matmul.ts.
import type { Tensor } from '../tensor-core.js';
import { autocastLow } from './autocast.js';
import { applier, broadcastShapes, type OpRules } from './registry.js';

export interface MatmulOptions {
  /** use aᵀ (a's last two axes swapped) without copying */
  transA?: boolean;
  /** use bᵀ without copying */
  transB?: boolean;
}

function dims(t: Tensor, trans: boolean): [number, number] {
  const r = t.shape.length;
  const rows = t.shape[r - 2];
  const cols = t.shape[r - 1];
  return trans ? [cols, rows] : [rows, cols];
}

export const matmulRules: OpRules<'matmul'> = {
  matmul: {
    kernel: 'matmul',
    infer: ([a, b], { transA, transB }) => {
      if (a.dtype !== b.dtype) throw new Error(`webgrad: matmul: dtypes ${a.dtype} and ${b.dtype} differ (cast one with .cast(), or use wg.autocast)`);
      for (const t of [a, b]) {
        if (t.dtype === 'int32') throw new Error(`webgrad: matmul expects float32 or float16 tensors, got ${t.dtype} [${t.shape}]`);
        if (t.shape.length < 2) throw new Error(`webgrad: matmul: operands must have rank ≥ 2 here, got [${t.shape}]`);
      }
      const [m, k] = dims(a, transA);
      const [k2, n] = dims(b, transB);
      if (k !== k2) throw new Error(`webgrad: matmul: inner dimensions differ: [${a.shape}]${transA ? 'ᵀ' : ''} · [${b.shape}]${transB ? 'ᵀ' : ''} (${k} vs ${k2})`);
      const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { shape: [...batch, m, n], dtype: a.dtype };
    },
    forward: (be, [a, b], { transA, transB }, out) => {
      const [m, k] = dims(a, transA);
      const [, n] = dims(b, transB);
      const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
      const batch = batchShape.reduce((x, y) => x * y, 1);
      const aBatch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const bBatch = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      // the kernel takes one stride per operand: a batch-broadcast operand must be either
      // a single matrix (stride 0) or the full batch; mixed broadcasts are expanded first
      if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch))
        throw new Error('webgrad: matmul: partially broadcast batch dims are expanded before the kernel');
      be.matmul(a.storage, b.storage, out, {
        batch, m, n, k, transA, transB,
        aBatchStride: aBatch === 1 ? 0 : m * k,
        bBatchStride: bBatch === 1 ? 0 : k * n,
      });
    },
    backward: (g, { inputs: [a, b], needs, params: { transA, transB } }) => {
      // C = op(A)·op(B): dA = g·op(B)ᵀ (then transposed back if A was), dB likewise
      const ga = !needs[0] ? null : transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB });
      const gb = !needs[1] ? null : transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA });
      return [ga && ga.sumTo(a.shape), gb && gb.sumTo(b.shape)];
    },
  },
};

const apply = applier(matmulRules);

export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  a = autocastLow(a);
  b = autocastLow(b);
  // 1-D operands as NumPy: a vector on the left is a row, on the right a column, and the
  // added axis is dropped again; two vectors give their dot product (a scalar, shape []).
  // Transposing a vector is a no-op, so a vector's own trans flag is ignored.
  if (a.shape.length === 1 && b.shape.length === 1) {
    if (a.shape[0] !== b.shape[0]) throw new Error(`webgrad: matmul: dot product of vectors of different lengths: [${a.shape}] · [${b.shape}]`);
    return matmul(a.reshape([1, a.shape[0]]), b.reshape([b.shape[0], 1])).reshape([]);
  }
  if (a.shape.length === 1) return matmul(a.reshape([1, a.shape[0]]), b, { ...opts, transA: false }).squeezeAxis(-2);
  if (b.shape.length === 1) return matmul(a, b.reshape([b.shape[0], 1]), { ...opts, transB: false }).squeezeAxis(-1);
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const fix = (t: Tensor) => {
    const tb = t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    return tb === 1 || tb === batch ? t : t.expand([...batchShape, ...t.shape.slice(-2)]);
  };
  return apply('matmul', [fix(a), fix(b)], { transA, transB });
}
