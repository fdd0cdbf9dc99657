// Pooling: max (gradient to the first argmax, int32 indices), average with and without
// count_include_pad, adaptive average (PyTorch bins, global), on odd shapes.
import * as F from '../../src/nn/functional.js';
import { tensor } from '../../src/creation.js';
import { describe, expect, it } from 'vitest';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const T = REDUCTION;
const cases: OpCase[] = [
  { name: 'maxPool2d 2×3×7×9, kernel 2', inputs: [{ shape: [2, 3, 7, 9] }], fn: (x) => F.maxPool2d(x, 2), tol: T },
  { name: 'maxPool2d 1×2×8×10, kernel [2, 3] (windows tile the input; column 9 in none)', inputs: [{ shape: [1, 2, 8, 10] }], fn: (x) => F.maxPool2d(x, [2, 3]), tol: T },
  // airbench's final pool: MaxPool2d(3) on 4×4 maps, one window, row and column 3 in none
  { name: 'maxPool2d 2×3×4×4, kernel 3 (stride 3, one window; last row / column uncovered)', inputs: [{ shape: [2, 3, 4, 4] }], fn: (x) => F.maxPool2d(x, 3), tol: T },
  { name: 'maxPool2d 1×2×7×8, kernel 3 (2×2 windows, row 6 and columns 6–7 uncovered)', inputs: [{ shape: [1, 2, 7, 8] }], fn: (x) => F.maxPool2d(x, 3), tol: T },
  { name: 'maxPool2d 1×2×9×8, kernel 3, stride 2, pad 1', inputs: [{ shape: [1, 2, 9, 8] }], fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), tol: T },
  { name: 'maxPool2d 1×1×7×7, kernel [3, 2], stride 1 (overlapping)', inputs: [{ shape: [1, 1, 7, 7] }], fn: (x) => F.maxPool2d(x, [3, 2], { stride: 1 }), tol: T },
  { name: 'avgPool2d 2×3×7×9, kernel 3, stride 2, pad 1 (count_include_pad)', inputs: [{ shape: [2, 3, 7, 9] }], fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), tol: T },
  { name: 'avgPool2d countIncludePad false', inputs: [{ shape: [1, 2, 7, 6] }], fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), tol: T },
  { name: 'avgPool2d kernel 2 on 1×1×5×5 (drops the last row / column)', inputs: [{ shape: [1, 1, 5, 5] }], fn: (x) => F.avgPool2d(x, 2), tol: T },
  { name: 'adaptiveAvgPool2d 2×3×7×9 → [3, 4]', inputs: [{ shape: [2, 3, 7, 9] }], fn: (x) => F.adaptiveAvgPool2d(x, [3, 4]), tol: T },
  { name: 'adaptiveAvgPool2d 1×2×3×5 → [5, 7] (upsampling bins)', inputs: [{ shape: [1, 2, 3, 5] }], fn: (x) => F.adaptiveAvgPool2d(x, [5, 7]), tol: T },
  { name: 'global average pool 2×5×6×6 → 1', inputs: [{ shape: [2, 5, 6, 6] }], fn: (x) => F.adaptiveAvgPool2d(x, 1), tol: T },
  { name: 'maxPool2d after conv (64×16×16×16 → 2×2, forward)', inputs: [{ shape: [64, 16, 16, 16] }], fn: (x) => F.maxPool2d(x, 2), tol: T, noGrad: true },
];

opSuite('pooling', cases);

describe.each(devices)('maxPool2d ties on %s', (device) => {
  useDevice(device);
  it('routes the gradient of a tied window to its first element', async () => {
    const x = tensor(new Float32Array([1, 1, 1, 1, 2, 0, 2, 2]), [1, 2, 2, 2], { requiresGrad: true });
    F.maxPool2d(x, 2).sum().backward();
    expectClose(await x.grad!.data(), [1, 0, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(await F.maxPool2d(x, 2).data())).toEqual([1, 2]);
  });
});
