// softmax, logSoftmax (stable for large logits), fused cross-entropy with label smoothing,
// the course's losses (svm, multiMargin, mse) and l2Penalty.
import * as F from '../../src/nn/functional.js';
import { type OpCase, opSuite } from '../op-suite.js';
import { REDUCTION } from '../helpers.js';

const T = REDUCTION;
const cases: OpCase[] = [
  { name: 'softmax [7, 33]', inputs: [{ shape: [7, 33] }], fn: (x) => x.softmax(), tol: T },
  { name: 'softmax large logits [3, 257]', inputs: [{ shape: [3, 257], range: [500, 600] }], fn: (x) => x.softmax(), tol: T, gradTol: 1e-5 },
  { name: 'softmax axis 0 [9, 4]', inputs: [{ shape: [9, 4] }], fn: (x) => x.softmax(0), tol: T },
  { name: 'logSoftmax [7, 1025]', inputs: [{ shape: [7, 1025] }], fn: (x) => x.logSoftmax(), tol: T },
  { name: 'logSoftmax [1, 1]', inputs: [{ shape: [1, 1] }], fn: (x) => x.logSoftmax(), tol: T },
  { name: 'crossEntropy [33, 10]', inputs: [{ shape: [33, 10], range: [-5, 5] }, { shape: [33], dtype: 'int32', range: [0, 10] }], fn: (x, y) => F.crossEntropy(x, y), tol: T },
  { name: 'crossEntropy label smoothing 0.1, sum', inputs: [{ shape: [7, 129] }, { shape: [7], dtype: 'int32', range: [0, 129] }], fn: (x, y) => F.crossEntropy(x, y, { labelSmoothing: 0.1, reduction: 'sum' }), tol: T },
  { name: 'crossEntropy reduction none', inputs: [{ shape: [5, 3] }, { shape: [5], dtype: 'int32', range: [0, 3] }], fn: (x, y) => F.crossEntropy(x, y, { reduction: 'none' }), tol: T },
  { name: 'svmLoss [33, 10]', inputs: [{ shape: [33, 10] }, { shape: [33], dtype: 'int32', range: [0, 10] }], fn: (x, y) => F.svmLoss(x, y), tol: T },
  { name: 'multiMarginLoss [7, 5]', inputs: [{ shape: [7, 5] }, { shape: [7], dtype: 'int32', range: [0, 5] }], fn: (x, y) => F.multiMarginLoss(x, y), tol: T },
  { name: 'mseLoss [7, 33]', inputs: [{ shape: [7, 33] }, { shape: [7, 33] }], fn: (a, b) => F.mseLoss(a, b), tol: T },
  { name: 'l2Penalty', inputs: [{ shape: [7, 5] }, { shape: [5] }], fn: (a, b) => F.l2Penalty([a, b], 0.01), tol: T },
  { name: 'maxout 2 pieces [4, 6]', inputs: [{ shape: [4, 6] }], fn: (x) => F.maxout(x, 2), tol: T },
  { name: 'linear [7,33]·W[5,33]ᵀ + b', inputs: [{ shape: [7, 33] }, { shape: [5, 33] }, { shape: [5] }], fn: (x, w, b) => F.linear(x, w, b), tol: T },
];

opSuite('softmax and losses', cases);
