// conv2d: stride, padding (number, pair, 'same'), dilation, groups, depthwise, fused bias +
// activation, every argument's gradient; two CIFAR-sized shapes (forward only: SwiftShader is slow).
import * as F from '../../src/nn/functional.js';
import { REDUCTION } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const T = REDUCTION;
const GRAD_TOL = 1e-5;
// K = 400-term float32 sums of products of values in [-2, 2] have magnitudes ~25: an output that
// cancels to ~0 carries an absolute float32 error of ~1e-5 (1e-6 of the scale), so atol is 1e-4
const BIG: typeof T = { rtol: 1e-4, atol: 1e-4 };
const cases: OpCase[] = [
  {
    name: '1×3×7×9, 4 filters 5×5, stride 2, pad 1, bias',
    inputs: [{ shape: [1, 3, 7, 9] }, { shape: [4, 3, 5, 5] }, { shape: [4] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: '2×3×7×9, 5 filters 3×3, dilation 2, pad [2, 1], no bias',
    inputs: [{ shape: [2, 3, 7, 9] }, { shape: [5, 3, 3, 3] }],
    fn: (x, w) => F.conv2d(x, w, null, { dilation: 2, padding: [2, 1] }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: '2×6×7×9, groups 3, 9 filters 3×2, stride [2, 1]',
    inputs: [{ shape: [2, 6, 7, 9] }, { shape: [9, 2, 3, 2] }, { shape: [9] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { groups: 3, stride: [2, 1], padding: 1 }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: 'depthwise 2×5×8×7, 3×3, pad 1',
    inputs: [{ shape: [2, 5, 8, 7] }, { shape: [5, 1, 3, 3] }, { shape: [5] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { groups: 5, padding: 1 }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: "padding 'same' with an even 4×4 kernel, 1×2×6×5 → 9 filters",
    inputs: [{ shape: [1, 2, 6, 5] }, { shape: [9, 2, 4, 4] }, { shape: [9] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 'same' }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: '1×1 conv, 3×20×5×5 → 17 (row tiles with a ragged edge)',
    inputs: [{ shape: [3, 20, 5, 5] }, { shape: [17, 20, 1, 1] }, { shape: [17] }],
    fn: (x, w, b) => F.conv2d(x, w, b), tol: T, gradTol: GRAD_TOL,
  },
];
for (const [activation, alpha] of [['relu', 0], ['leakyRelu', 0.1], ['elu', 1], ['gelu', 0]] as const) {
  cases.push({
    name: `fused bias + ${activation}, 2×3×6×7 → 6 filters 3×3 pad 1`,
    inputs: [{ shape: [2, 3, 6, 7] }, { shape: [6, 3, 3, 3] }, { shape: [6] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1, activation, alpha }), tol: T, gradTol: GRAD_TOL,
  });
}
cases.push(
  {
    name: 'CIFAR first layer 64×3×32×32 → 16 filters 5×5 pad 2 (forward)',
    inputs: [{ shape: [64, 3, 32, 32] }, { shape: [16, 3, 5, 5] }, { shape: [16] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 2 }), tol: BIG, noGrad: true,
  },
  {
    name: 'CIFAR second layer 64×16×16×16 → 20 filters 5×5 pad 2 (forward)',
    inputs: [{ shape: [64, 16, 16, 16] }, { shape: [20, 16, 5, 5] }, { shape: [20] }],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 2 }), tol: BIG, noGrad: true,
  },
);

opSuite('conv2d', cases);
