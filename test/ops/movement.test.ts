// Movement ops: reshape, transpose/permute, expand, slice (with steps), concat, flatten.
import { concat } from '../../src/ops/index.js';
import { type OpCase, opSuite } from '../op-suite.js';

const cases: OpCase[] = [
  { name: 'reshape [6,35] → [2,3,5,7] then scale', inputs: [{ shape: [6, 35] }], fn: (x) => x.reshape([2, 3, 5, 7]).mul(2) },
  { name: 'transpose [33, 129]', inputs: [{ shape: [33, 129] }], fn: (x) => x.transpose() },
  { name: 'permute [2,3,5,7] → [3,0,2,1]', inputs: [{ shape: [2, 3, 5, 7] }], fn: (x) => x.permute([3, 0, 2, 1]) },
  { name: 'expand [1,7,1] → [3,7,5]', inputs: [{ shape: [1, 7, 1] }], fn: (x) => x.expand([3, 7, 5]) },
  { name: 'slice [9,13] rows 2:7, cols ::3', inputs: [{ shape: [9, 13] }], fn: (x) => x.slice([[2, 7], [0, 13, 3]]) },
  { name: 'slice negative indices', inputs: [{ shape: [4, 5, 6] }], fn: (x) => x.slice([null, [-3, -1], [1]]) },
  { name: 'concat axis 1', inputs: [{ shape: [3, 5] }, { shape: [3, 2] }, { shape: [3, 7] }], fn: (a, b, c) => concat([a, b, c], 1) },
  { name: 'concat axis 0', inputs: [{ shape: [1, 4] }, { shape: [6, 4] }], fn: (a, b) => concat([a, b], 0) },
  { name: 'flatten(1) [2,3,4,5]', inputs: [{ shape: [2, 3, 4, 5] }], fn: (x) => x.flatten(1).mul(1.5) },
  { name: 'int32 transpose', inputs: [{ shape: [7, 9], dtype: 'int32' }], fn: (x) => x.transpose(), noGrad: true },
];

opSuite('movement', cases);
