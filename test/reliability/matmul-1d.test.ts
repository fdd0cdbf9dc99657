// Row 10 of issue 14: matmul of 1-D tensors as NumPy (a dot product; 1-D × 2-D and 2-D × 1-D
// drop the added axis), forward and gradients against the float64 reference on both devices,
// with finite-difference gradient checks (test/op-suite.ts).
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { opSuite } from '../op-suite.js';
import { devices, REDUCTION, useDevice } from '../helpers.js';

opSuite('matmul with 1-D operands', [
  { name: 'dot of two [9] vectors', inputs: [{ shape: [9] }, { shape: [9] }], fn: (a, b) => a.matmul(b), tol: REDUCTION },
  { name: '[5] × [5, 3]', inputs: [{ shape: [5] }, { shape: [5, 3] }], fn: (a, b) => a.matmul(b), tol: REDUCTION },
  { name: '[4, 6] × [6]', inputs: [{ shape: [4, 6] }, { shape: [6] }], fn: (a, b) => a.matmul(b), tol: REDUCTION },
  { name: '[3] × [2, 3, 2] (batched)', inputs: [{ shape: [3] }, { shape: [2, 3, 2] }], fn: (a, b) => a.matmul(b), tol: REDUCTION },
]);

describe.each(devices)('matmul 1-D shapes on %s', (device) => {
  useDevice(device);
  it('shapes and values as NumPy; a length mismatch names both', async () => {
    const v = tensor([1, 2, 3]);
    const dot = v.matmul(tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(await dot.item()).toBe(32);
    const m = tensor([[1, 0], [0, 1], [1, 1]]);
    expect(v.matmul(m).shape).toEqual([2]);
    expect(Array.from(await v.matmul(m).data())).toEqual([4, 5]);
    expect(Array.from(await m.transpose().matmul(v).data())).toEqual([4, 5]);
    expect(() => v.matmul(tensor([1, 2]))).toThrow(/dot product of vectors of different lengths: \[3\] · \[2\]/);
  });
});
