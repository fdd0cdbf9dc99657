// The float64 matmul reference shared by the variant tests and bench/matmul-narrow.ts: one
// output element C[p][i][j] of A[p]·B[p] under MatmulArgs' layout (transposes, batch strides),
// and Σ|a·b|, the scale a float32 rounding error is relative to.
import type { MatmulArgs } from '../src/backend/types.js';

export function referenceElement(a: Float32Array, b: Float32Array, g: MatmulArgs, p: number, i: number, j: number): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let t = 0; t < g.k; t++) {
    const x = a[p * g.aBatchStride + (g.transA ? t * g.m + i : i * g.k + t)];
    const y = b[p * g.bBatchStride + (g.transB ? j * g.k + t : t * g.n + j)];
    value += x * y;
    scale += Math.abs(x * y);
  }
  return { value, scale };
}
