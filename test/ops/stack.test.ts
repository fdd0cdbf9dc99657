// stack / split / chunk: conformance and gradients through the composed ops (op suite), the
// pieces' shapes as torch.split / torch.chunk give them, and the errors.
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../../src/creation.js';
import { chunk, concat, split, stack } from '../../src/ops/index.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

/** the pieces, each scaled by its position and flattened, joined: every piece's values and gradient matter */
const joined = (pieces: Tensor[]): Tensor => concat(pieces.map((p, i) => p.mul(i + 1).flatten()), 0);

const cases: OpCase[] = [
  { name: 'stack axis 0 of three [3,5]', inputs: [{ shape: [3, 5] }, { shape: [3, 5] }, { shape: [3, 5] }], fn: (a, b, c) => stack([a, b, c]) },
  { name: 'stack axis 1 of two [2,3,4]', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }], fn: (a, b) => stack([a, b], 1).mul(1.5) },
  { name: 'stack axis -1 of two [7]', inputs: [{ shape: [7] }, { shape: [7] }], fn: (a, b) => stack([a, b], -1) },
  { name: 'split [9,5] by size 4 along 0 (4, 4, 1)', inputs: [{ shape: [9, 5] }], fn: (x) => joined(split(x, 4)) },
  { name: 'split [3,7,2] into sections [2,3,2] along 1', inputs: [{ shape: [3, 7, 2] }], fn: (x) => joined(split(x, [2, 3, 2], 1)) },
  { name: 'chunk [4,33] into 5 along -1', inputs: [{ shape: [4, 33] }], fn: (x) => joined(chunk(x, 5, -1)) },
  { name: 'int32 stack', inputs: [{ shape: [3, 4], dtype: 'int32' }, { shape: [3, 4], dtype: 'int32' }], fn: (a, b) => stack([a, b], 2), noGrad: true },
];

opSuite('stack / split / chunk', cases);

describe.each(devices)('stack / split / chunk shapes on %s', (device) => {
  useDevice(device);

  it('split and chunk give torch\'s piece lengths', async () => {
    const x = arange(5);
    expect(chunk(x, 4).map((p) => p.shape[0])).toEqual([2, 2, 1]); // torch.chunk(arange(5), 4): 3 pieces
    expect(chunk(x, 5).map((p) => p.shape[0])).toEqual([1, 1, 1, 1, 1]);
    expect(chunk(x, 9).map((p) => p.shape[0])).toEqual([1, 1, 1, 1, 1]);
    expect(split(x, 2).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(split(x, 7).map((p) => p.shape[0])).toEqual([5]);
    expect(split(x, [0, 5]).map((p) => p.shape[0])).toEqual([0, 5]);
    expect(await Promise.all(split(x, [1, 3, 1]).map((p) => p.array()))).toEqual([[0], [1, 2, 3], [4]]);
    expect(stack([x, x.mul(2)], 1).shape).toEqual([5, 2]);
    expect(x.reshape([1, 5]).chunk(2, 1).map((p) => p.shape)).toEqual([[1, 3], [1, 2]]);
    expect(x.split([4, 1]).map((p) => p.shape)).toEqual([[4], [1]]);
    expect(stack([tensor(new Float32Array([3]), [])]).shape).toEqual([1]);
  });

  it('bad arguments are named', () => {
    const x = arange(6).reshape([2, 3]);
    expect(() => stack([])).toThrow(/stack: needs at least one tensor/);
    expect(() => stack([x, x.reshape([3, 2])])).toThrow(/tensor 1 has shape \[3,2\] but tensor 0 has \[2,3\]/);
    expect(() => stack([x], 3)).toThrow(/stack: axis 3 is out of range for a tensor of rank 3/);
    expect(() => split(x, [1, 1], 1)).toThrow(/sections \[1,1\] must be non-negative integers summing to 3, the length of axis 1 of \[2,3\]/);
    expect(() => split(x, 0)).toThrow(/split: size 0 must be a positive integer/);
    expect(() => chunk(x, 0)).toThrow(/chunk: chunks 0 must be a positive integer/);
    expect(() => split(x, 1, 2)).toThrow(/split: axis 2 is out of range/);
  });
});
