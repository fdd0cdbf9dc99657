// The ops the conformance page checks, with odd sizes (not multiples of a tile) so edge
// handling is exercised. Each case maps input tensors to one output; the page compares
// that output and the inputs' gradients of Σ(out·w) between WebGPU and the CPU reference.
import * as wg from '../../src/index.js';

type Tensor = wg.Tensor;
const F = wg.functional;

export interface InputSpec {
  shape: number[];
  /** uniform range (default [-2, 2]); for int32 inputs, values in [0, range[1]) */
  range?: [number, number];
  dtype?: 'float32' | 'int32';
}

export interface ConformanceCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  /** largest allowed |gpu − cpu| / max(1, max |cpu|) */
  tolerance: number;
  /** forward only (argmax and other non-differentiable ops) */
  noGrad?: boolean;
}

const ELEMENTWISE = 1e-5;
const REDUCTION = 1e-4;
const v = (shape: number[], range?: [number, number]): InputSpec => ({ shape, range });
const labels = (n: number, classes: number): InputSpec => ({ shape: [n], range: [0, classes], dtype: 'int32' });

export const CASES: ConformanceCase[] = [
  { name: 'add (broadcast)', inputs: [v([33, 17]), v([17])], fn: (a, b) => a.add(b), tolerance: ELEMENTWISE },
  { name: 'mul', inputs: [v([7, 129]), v([7, 129])], fn: (a, b) => a.mul(b), tolerance: ELEMENTWISE },
  { name: 'div', inputs: [v([257]), v([257], [0.5, 2])], fn: (a, b) => a.div(b), tolerance: ELEMENTWISE },
  { name: 'exp', inputs: [v([1, 257])], fn: (a) => a.exp(), tolerance: ELEMENTWISE },
  { name: 'log', inputs: [v([129], [0.1, 3])], fn: (a) => a.log(), tolerance: ELEMENTWISE },
  { name: 'sqrt', inputs: [v([129], [0.1, 3])], fn: (a) => a.sqrt(), tolerance: ELEMENTWISE },
  { name: 'relu', inputs: [v([33, 7])], fn: (a) => a.relu(), tolerance: ELEMENTWISE },
  { name: 'sigmoid', inputs: [v([33, 7])], fn: (a) => a.sigmoid(), tolerance: ELEMENTWISE },
  { name: 'tanh', inputs: [v([33, 7])], fn: (a) => a.tanh(), tolerance: ELEMENTWISE },
  { name: 'gelu', inputs: [v([33, 7])], fn: (a) => a.gelu(), tolerance: ELEMENTWISE },
  { name: 'matmul 33×17·17×29', inputs: [v([33, 17]), v([17, 29])], fn: (a, b) => a.matmul(b), tolerance: REDUCTION },
  { name: 'matmul 1×257·257×7', inputs: [v([1, 257]), v([257, 7])], fn: (a, b) => a.matmul(b), tolerance: REDUCTION },
  { name: 'matmul 129×65·(65×33)ᵀ', inputs: [v([129, 65]), v([33, 65])], fn: (a, b) => a.matmul(b, { transB: true }), tolerance: REDUCTION },
  { name: 'linear', inputs: [v([7, 33]), v([10, 33]), v([10])], fn: (x, w, b) => F.linear(x, w, b), tolerance: REDUCTION },
  { name: 'sum (all)', inputs: [v([33, 129])], fn: (a) => a.sum(), tolerance: REDUCTION },
  { name: 'sum (axis 1)', inputs: [v([33, 129])], fn: (a) => a.sum(1), tolerance: REDUCTION },
  { name: 'mean (axis 0)', inputs: [v([33, 129])], fn: (a) => a.mean(0), tolerance: REDUCTION },
  { name: 'max (axis 1)', inputs: [v([7, 33])], fn: (a) => a.max(1), tolerance: REDUCTION },
  { name: 'argmax', inputs: [v([7, 33])], fn: (a) => a.argmax(1), tolerance: 0, noGrad: true },
  { name: 'softmax', inputs: [v([7, 10])], fn: (a) => a.softmax(1), tolerance: REDUCTION },
  { name: 'logSoftmax', inputs: [v([7, 10])], fn: (a) => a.logSoftmax(1), tolerance: REDUCTION },
  { name: 'crossEntropy', inputs: [v([33, 10]), labels(33, 10)], fn: (s, y) => F.crossEntropy(s, y), tolerance: REDUCTION },
  { name: 'svmLoss', inputs: [v([33, 10]), labels(33, 10)], fn: (s, y) => F.svmLoss(s, y), tolerance: REDUCTION },
  { name: 'transpose', inputs: [v([7, 33])], fn: (a) => a.transpose(0, 1).mul(1), tolerance: ELEMENTWISE },
  { name: 'permute NCHW→NHWC', inputs: [v([2, 3, 5, 7])], fn: (a) => a.permute([0, 2, 3, 1]).mul(1), tolerance: ELEMENTWISE },
  {
    name: 'conv2d 5×5 pad 2', inputs: [v([2, 3, 9, 11]), v([4, 3, 5, 5]), v([4])],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 2 }), tolerance: REDUCTION,
  },
  {
    name: 'conv2d 3×3 stride 2 + relu', inputs: [v([3, 5, 13, 7]), v([6, 5, 3, 3]), v([6])],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1, stride: 2, activation: 'relu' }), tolerance: REDUCTION,
  },
  { name: 'maxPool2d 2', inputs: [v([2, 3, 9, 8])], fn: (x) => F.maxPool2d(x, 2), tolerance: ELEMENTWISE },
  { name: 'avgPool2d 2', inputs: [v([2, 3, 9, 8])], fn: (x) => F.avgPool2d(x, 2), tolerance: REDUCTION },
  {
    name: 'batchNorm (training)', inputs: [v([5, 3, 4, 7]), v([3]), v([3])],
    fn: (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), tolerance: REDUCTION,
  },
];

/** Random inputs for a case, the same on every backend (seeded). */
export function makeInputs(c: ConformanceCase, seed: number): (Float32Array | Int32Array)[] {
  const random = new wg.Random(seed);
  return c.inputs.map((spec) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = spec.range ?? [-2, 2];
    const u = random.uniform(n, lo, hi);
    return spec.dtype === 'int32' ? Int32Array.from(u, Math.floor) : u;
  });
}

/** The case's output and the gradient of Σ(out·w) for each float input, on the current backend. */
export async function runCase(c: ConformanceCase, data: (Float32Array | Int32Array)[]): Promise<Float32Array[]> {
  const reads: Promise<ArrayLike<number>>[] = [];
  wg.tidy(() => {
    const xs = c.inputs.map((spec, i) =>
      spec.dtype === 'int32' ? wg.tensor(data[i], spec.shape, { dtype: 'int32' }) : wg.tensor(data[i], spec.shape, { requiresGrad: !c.noGrad }),
    );
    const out = c.fn(...xs);
    reads.push(out.data());
    if (c.noGrad) return;
    const weights = wg.tensor(new wg.Random(7).uniform(out.size, 0.5, 1.5), out.shape);
    out.mul(weights).sum().backward();
    xs.forEach((x, i) => {
      if (c.inputs[i].dtype !== 'int32' && x.grad) reads.push(x.grad.data());
    });
  });
  return (await Promise.all(reads)).map((r) => Float32Array.from(r));
}

/** max |a − b| / max(1, max |b|) over all arrays; Infinity when shapes differ or a value is NaN where the reference is not. */
export function maxRelativeError(got: Float32Array[], want: Float32Array[]): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  got.forEach((g, k) => {
    const w = want[k];
    if (g.length !== w.length) worst = Infinity;
    let scale = 1;
    for (const x of w) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < w.length; i++) {
      const err = Math.abs(g[i] - w[i]);
      worst = Math.max(worst, Number.isNaN(err) ? (Number.isNaN(w[i]) ? 0 : Infinity) : err / scale);
    }
  });
  return worst;
}
