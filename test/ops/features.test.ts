// Image-feature kernels vs the float64 CPU reference on random images in [0, 1].
import { colorHistogram, hog } from '../../src/classic/index.js';
import { REDUCTION } from '../helpers.js';
import { type KernelCase, kernelSuite } from '../classic/kernel-cases.js';

const T = REDUCTION;
const cases: KernelCase[] = [
  { name: 'hue histogram 10 bins [3, 3, 7, 9]', fn: (t) => colorHistogram(t.float([3, 3, 7, 9], 0, 1), { bins: 10 }), tol: T },
  { name: 'hue histogram 1 bin [1, 3, 1, 1]', fn: (t) => colorHistogram(t.float([1, 3, 1, 1], 0, 1), { bins: 1 }), tol: T },
  { name: 'hue histogram 33 bins [2, 3, 33, 17]', fn: (t) => colorHistogram(t.float([2, 3, 33, 17], 0, 1), { bins: 33 }), tol: T },
  { name: 'hog 8×8 cells, 9 bins [3, 3, 32, 32]', fn: (t) => hog(t.float([3, 3, 32, 32], 0, 1)), tol: T },
  { name: 'hog 4×4 cells, 7 bins, ragged [2, 3, 17, 13]', fn: (t) => hog(t.float([2, 3, 17, 13], 0, 1), { cellSize: 4, bins: 7 }), tol: T },
  { name: 'hog grey [5, 1, 9, 9], cell 3', fn: (t) => hog(t.float([5, 1, 9, 9], 0, 1), { cellSize: 3 }), tol: T },
];

kernelSuite('image features', cases);
