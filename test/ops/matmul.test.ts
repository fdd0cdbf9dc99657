// Matmul: 2-D at odd sizes and tile multiples, transposed operands, batched, broadcast batch.
import { type OpCase, opSuite } from '../op-suite.js';
import { REDUCTION } from '../helpers.js';

const T = REDUCTION;
// matmul is linear in each element of each input, so central differences are exact at any step;
// at the default 1e-5 the [129,65]·[65,257] check's rounding noise reached 0.74 of its tolerance
// (and 0.06–0.28 on other seeds), at 1e-3 it is 100× smaller
const GRAD_EPS = 1e-3;
const cases: OpCase[] = [];
for (const [m, k, n] of [[1, 1, 1], [7, 33, 9], [33, 7, 129], [64, 64, 64], [129, 65, 257], [1, 257, 7]]) {
  cases.push({ name: `[${m},${k}]·[${k},${n}]`, inputs: [{ shape: [m, k] }, { shape: [k, n] }], fn: (a, b) => a.matmul(b), tol: T, gradEps: GRAD_EPS });
}
cases.push(
  { name: 'aᵀ·b [33,7]ᵀ·[33,9]', inputs: [{ shape: [33, 7] }, { shape: [33, 9] }], fn: (a, b) => a.matmul(b, { transA: true }), tol: T, gradEps: GRAD_EPS },
  { name: 'a·bᵀ [7,33]·[9,33]ᵀ', inputs: [{ shape: [7, 33] }, { shape: [9, 33] }], fn: (a, b) => a.matmul(b, { transB: true }), tol: T, gradEps: GRAD_EPS },
  { name: 'aᵀ·bᵀ [33,7]ᵀ·[9,33]ᵀ', inputs: [{ shape: [33, 7] }, { shape: [9, 33] }], fn: (a, b) => a.matmul(b, { transA: true, transB: true }), tol: T, gradEps: GRAD_EPS },
  { name: 'batched [3,7,5]·[3,5,9]', inputs: [{ shape: [3, 7, 5] }, { shape: [3, 5, 9] }], fn: (a, b) => a.matmul(b), tol: T, gradEps: GRAD_EPS },
  { name: 'broadcast batch [2,3,7,5]·[5,4]', inputs: [{ shape: [2, 3, 7, 5] }, { shape: [5, 4] }], fn: (a, b) => a.matmul(b), tol: T, gradEps: GRAD_EPS },
  { name: 'broadcast batch [3,1,4,5]·[2,5,6]', inputs: [{ shape: [3, 1, 4, 5] }, { shape: [2, 5, 6] }], fn: (a, b) => a.matmul(b), tol: T, gradEps: GRAD_EPS },
  { name: 'vector · matrix [5]·[5,3]', inputs: [{ shape: [5] }, { shape: [5, 3] }], fn: (a, b) => a.matmul(b), tol: T, gradEps: GRAD_EPS },
);

opSuite('matmul', cases);
