// Classic kNN kernels vs the float64 CPU reference: L1 (own tiled kernel) and L2 (matmul
// expansion) distances, k-smallest selection and the majority vote, at odd sizes.
import { l1Distances, l2Distances, majorityVote, topkSmallest } from '../../src/classic/index.js';
import { REDUCTION } from '../helpers.js';
import { type KernelCase, kernelSuite } from '../classic/kernel-cases.js';

const cases: KernelCase[] = [
  { name: 'l1 [7, 33] vs [129, 33]', fn: (t) => l1Distances(t.float([7, 33]), t.float([129, 33])), tol: REDUCTION },
  { name: 'l1 [1, 1] vs [1, 1]', fn: (t) => l1Distances(t.float([1, 1]), t.float([1, 1])), tol: REDUCTION },
  { name: 'l1 [33, 257] vs [5, 257]', fn: (t) => l1Distances(t.float([33, 257]), t.float([5, 257])), tol: REDUCTION },
  // well-separated rows: the expansion loses relative precision only for near-identical rows
  { name: 'l2 [7, 33] vs [129, 33]', fn: (t) => l2Distances(t.float([7, 33]), t.float([129, 33])), tol: { rtol: 1e-4, atol: 1e-4 } },
  { name: 'top-5 of [33, 129]', fn: (t) => topkSmallest(t.float([33, 129]), 5) },
  { name: 'top-128 of [7, 129] (a near-full sort)', fn: (t) => topkSmallest(t.float([7, 129]), 128) },
  { name: 'top-1 of [257, 1]', fn: (t) => topkSmallest(t.float([257, 1]), 1) },
  // few distinct values: many equal distances, broken by the smaller index
  { name: 'top-9 of [33, 65] with ties', fn: (t) => topkSmallest(t.int([33, 65], 4).cast('float32'), 9) },
  { name: 'vote k=7 of 9 neighbours, 10 classes', fn: (t) => majorityVote(t.int([33, 9], 20), t.int([20], 10), 7, 10) },
  { name: 'vote k=4 of 4, 2 classes (ties → smaller label)', fn: (t) => majorityVote(t.int([129, 4], 6), t.int([6], 2), 4, 2) },
];

kernelSuite('classic distances and votes', cases);
