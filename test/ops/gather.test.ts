// gather / indexSelect (forward and its deterministic adjoint), oneHot.
import { oneHot } from '../../src/ops/index.js';
import { type OpCase, opSuite } from '../op-suite.js';

const cases: OpCase[] = [
  { name: 'rows of [9, 7] by 13 indices (repeats)', inputs: [{ shape: [9, 7] }, { shape: [13], dtype: 'int32', range: [0, 9] }], fn: (x, i) => x.gather(i, 0) },
  { name: 'axis 1 of [3, 33, 5]', inputs: [{ shape: [3, 33, 5] }, { shape: [4], dtype: 'int32', range: [0, 33] }], fn: (x, i) => x.gather(i, 1) },
  { name: 'oneHot 10 classes', inputs: [{ shape: [33], dtype: 'int32', range: [0, 10] }], fn: (y) => oneHot(y, 10), noGrad: true },
];

opSuite('gather', cases);
