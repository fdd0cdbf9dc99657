// CPU reference for matmul (shaders/matmul.wgsl): the textbook triple loop, float64 accumulation.
import type { MatmulArgs, Storage } from '../types.js';
import { cpuData } from './storage.js';

export function matmul(a: Storage, b: Storage, out: Storage, args: MatmulArgs): void {
  const A = cpuData(a);
  const B = cpuData(b);
  const C = cpuData(out);
  const { batch, m, n, k, transA, transB, aBatchStride, bBatchStride } = args;
  for (let p = 0; p < batch; p++) {
    const ao = p * aBatchStride;
    const bo = p * bBatchStride;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let t = 0; t < k; t++) {
          const av = transA ? A[ao + t * m + i] : A[ao + i * k + t];
          const bv = transB ? B[bo + j * k + t] : B[bo + t * n + j];
          acc += av * bv;
        }
        C[p * m * n + i * n + j] = acc;
      }
    }
  }
}
