// Matmul: 2-D at odd sizes and tile multiples, transposed operands, batched, broadcast batch.
import { type OpCase, opSuite } from '../op-suite.js';
import { REDUCTION } from '../helpers.js';

const T = REDUCTION;
const cases: OpCase[] = [];
for (const [m, k, n] of [[1, 1, 1], [7, 33, 9], [33, 7, 129], [64, 64, 64], [129, 65, 257], [1, 257, 7]]) {
  cases.push({ name: `[${m},${k}]·[${k},${n}]`, inputs: [{ shape: [m, k] }, { shape: [k, n] }], fn: (a, b) => a.matmul(b), tol: T });
}
cases.push(
  { name: 'aᵀ·b [33,7]ᵀ·[33,9]', inputs: [{ shape: [33, 7] }, { shape: [33, 9] }], fn: (a, b) => a.matmul(b, { transA: true }), tol: T },
  { name: 'a·bᵀ [7,33]·[9,33]ᵀ', inputs: [{ shape: [7, 33] }, { shape: [9, 33] }], fn: (a, b) => a.matmul(b, { transB: true }), tol: T },
  { name: 'aᵀ·bᵀ [33,7]ᵀ·[9,33]ᵀ', inputs: [{ shape: [33, 7] }, { shape: [9, 33] }], fn: (a, b) => a.matmul(b, { transA: true, transB: true }), tol: T },
  { name: 'batched [3,7,5]·[3,5,9]', inputs: [{ shape: [3, 7, 5] }, { shape: [3, 5, 9] }], fn: (a, b) => a.matmul(b), tol: T },
  { name: 'broadcast batch [2,3,7,5]·[5,4]', inputs: [{ shape: [2, 3, 7, 5] }, { shape: [5, 4] }], fn: (a, b) => a.matmul(b), tol: T },
  { name: 'broadcast batch [3,1,4,5]·[2,5,6]', inputs: [{ shape: [3, 1, 4, 5] }, { shape: [2, 5, 6] }], fn: (a, b) => a.matmul(b), tol: T },
  { name: 'vector · matrix [5]·[5,3]', inputs: [{ shape: [5] }, { shape: [5, 3] }], fn: (a, b) => a.matmul(b), tol: T },
);

opSuite('matmul', cases);
