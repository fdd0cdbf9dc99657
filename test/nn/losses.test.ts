// bceWithLogits, nllLoss, l1Loss, smoothL1Loss: conformance and finite-difference gradients (op
// suite), and PyTorch's values. The literals below were printed by
//   python3 test/fixtures/torch-habits-values.py      (Debian python3-torch 1.13)
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { bceWithLogits, crossEntropy, l1Loss, logSoftmax, mseLoss, nllLoss, smoothL1Loss, type Reduction } from '../../src/nn/functional.js';
import { tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const cases: OpCase[] = [
  { name: 'bceWithLogits mean [7,33]', inputs: [{ shape: [7, 33], range: [-6, 6] }, { shape: [7, 33], range: [0, 1], grad: false }], fn: (x, t) => bceWithLogits(x, t), tol: REDUCTION },
  {
    name: 'bceWithLogits none, posWeight [5] and weight',
    inputs: [{ shape: [3, 5], range: [-30, 30] }, { shape: [3, 5], range: [0, 1], grad: false }, { shape: [5], range: [0.2, 3] }, { shape: [3, 1], range: [0.5, 2] }],
    fn: (x, t, pw, w) => bceWithLogits(x, t, { posWeight: pw, weight: w, reduction: 'none' }),
    tol: REDUCTION,
  },
  { name: 'nllLoss mean [9,7]', inputs: [{ shape: [9, 7] }, { shape: [9], dtype: 'int32', range: [0, 7] }], fn: (x, y) => nllLoss(x, y), tol: REDUCTION },
  {
    name: 'nllLoss sum with class weights',
    inputs: [{ shape: [6, 4] }, { shape: [6], dtype: 'int32', range: [0, 4] }, { shape: [4], range: [0.5, 2] }],
    fn: (x, y, w) => nllLoss(x, y, { weight: w, reduction: 'sum' }),
    tol: REDUCTION,
  },
  {
    name: 'nllLoss mean with weights and ignoreIndex 2',
    inputs: [{ shape: [8, 5] }, { shape: [8], dtype: 'int32', range: [0, 5] }, { shape: [5], range: [0.5, 2] }],
    fn: (x, y, w) => nllLoss(x, y, { weight: w, ignoreIndex: 2 }),
    tol: REDUCTION,
  },
  {
    name: 'nllLoss mean, K-dimensional [3,4,5]',
    inputs: [{ shape: [3, 4, 5] }, { shape: [3, 5], dtype: 'int32', range: [0, 4] }],
    fn: (x, y) => nllLoss(x, y),
    tol: REDUCTION,
  },
  { name: 'l1Loss mean [33,7]', inputs: [{ shape: [33, 7] }, { shape: [33, 7] }], fn: (a, b) => l1Loss(a, b), tol: REDUCTION },
  { name: 'smoothL1Loss none, beta 0.7', inputs: [{ shape: [4, 9] }, { shape: [4, 9] }], fn: (a, b) => smoothL1Loss(a, b, { beta: 0.7, reduction: 'none' }) },
  { name: 'smoothL1Loss sum, beta 1', inputs: [{ shape: [129] }, { shape: [129] }], fn: (a, b) => smoothL1Loss(a, b, { reduction: 'sum' }), tol: REDUCTION },
];

opSuite('losses', cases);

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

describe.each(devices)('losses against PyTorch on %s', (device) => {
  useDevice(device);
  const close = (got: ArrayLike<number>, want: number[]) => expectClose(got, want, { rtol: 1e-5, atol: 2e-6 });

  /** the loss's value for each reduction and the gradient of the mean, as plain arrays */
  async function run(fn: (x: Tensor, r: Reduction) => Tensor, data: number[], shape: number[]): Promise<{ values: Float32Array[]; grad: Float32Array }> {
    const pending: Promise<ArrayLike<number>>[] = [];
    tidy(() => {
      for (const r of REDUCTIONS) pending.push(fn(tensor(new Float32Array(data), shape), r).data());
      const x = tensor(new Float32Array(data), shape, { requiresGrad: true });
      fn(x, 'mean').backward();
      pending.push(x.grad!.data());
    });
    const all = (await Promise.all(pending)).map((a) => Float32Array.from(a));
    return { values: all.slice(0, 3), grad: all[3] };
  }

  it('bceWithLogits: values and gradients (x = 0 and x = 40 included), posWeight, weight', async () => {
    const x = [-3, 0, 0.5, 2, -0.25, 40];
    const t = () => tensor(new Float32Array([0, 1, 0.3, 1, 0, 0]), [2, 3]);
    const want: Record<string, [number[], number[], number[], number[]]> = {
      plain: [[7.0447793], [42.2686768], [0.0485873, 0.6931472, 0.824077, 0.126928, 0.5759394, 40.0],
        [0.0079043, -0.0833333, 0.0537432, -0.0198672, 0.0729706, 0.1666667]],
      posWeight: [[7.0081725], [42.0490341], [0.0485873, 0.3465736, 0.824077, 0.2538561, 0.5759394, 40.0],
        [0.0079043, -0.0416667, 0.0537432, -0.0397343, 0.0729706, 0.1666667]],
      weight: [[3.8542881], [23.1257286], [0.0485873, 1.3862944, 0.4120385, 0.126928, 1.1518788, 20.0],
        [0.0079043, -0.1666667, 0.0268716, -0.0198672, 0.1459412, 0.0833333]],
    };
    for (const [name, [mean, sum, none, grad]] of Object.entries(want)) {
      const opts = (): Parameters<typeof bceWithLogits>[2] =>
        name === 'posWeight' ? { posWeight: tensor(new Float32Array([2, 0.5, 1]), [3]) } : name === 'weight' ? { weight: tensor(new Float32Array([1, 2, 0.5]), [1, 3]) } : {};
      const r = await run((xx, reduction) => bceWithLogits(xx, t(), { ...opts(), reduction }), x, [2, 3]);
      close(r.values[0], mean);
      close(r.values[1], sum);
      close(r.values[2], none);
      close(r.grad, grad);
    }
  });

  it('nllLoss: values and gradients, class weights, ignoreIndex (default -100 and 1)', async () => {
    const lp = [-0.5, -1.5, -2.0, -3.0, -0.1, -1.0, -0.7, -0.8, -2.5, -1.2, -0.2, -4.0];
    const y = (labels: number[]) => tensor(new Int32Array(labels), [4], { dtype: 'int32' });
    const want: [string, number[], () => Parameters<typeof nllLoss>[2], number[], number[], number[], number[]][] = [
      ['plain', [0, 2, -100, 1], () => ({}), [0.5666667], [1.7], [0.5, 1.0, 0.0, 0.2], [-1 / 3, 0, 0, 0, 0, -1 / 3, 0, 0, 0, 0, -1 / 3, 0]],
      ['weight', [0, 2, -100, 1], () => ({ weight: tensor(new Float32Array([0.5, 2, 1.5]), [3]) }), [0.5375], [2.1500001], [0.25, 1.5, 0.0, 0.4],
        [-0.125, 0, 0, 0, 0, -0.375, 0, 0, 0, 0, -0.5, 0]],
      ['ignore1', [0, 2, 1, 1], () => ({ ignoreIndex: 1 }), [0.75], [1.5], [0.5, 1.0, 0.0, 0.0], [-0.5, 0, 0, 0, 0, -0.5, 0, 0, 0, 0, 0, 0]],
    ];
    for (const [, labels, opts, mean, sum, none, grad] of want) {
      const r = await run((x, reduction) => nllLoss(x, y(labels), { ...opts(), reduction }), lp, [4, 3]);
      close(r.values[0], mean);
      close(r.values[1], sum);
      close(r.values[2], none);
      close(r.grad, grad);
    }
    // the K-dimensional form: input [2, 3, 2], target [2, 2] (classes on axis 1), weights [1, 2, 0.5]
    const xk = [-0.5, -1.0, -1.5, -0.2, -2.0, -3.0, -0.1, -0.7, -0.9, -1.1, -2.5, -0.3];
    const yk = () => tensor(new Int32Array([0, 2, 1, -100]), [2, 2], { dtype: 'int32' });
    const kw = () => tensor(new Float32Array([1, 2, 0.5]), [3]);
    const k = await run((x, reduction) => nllLoss(x, yk(), { weight: kw(), reduction }), xk, [2, 3, 2]);
    close(k.values[0], [1.0857142]);
    close(k.values[1], [3.8]);
    close(k.values[2], [0.5, 1.5, 1.8, 0.0]);
    close(k.grad, [-0.2857143, 0, 0, 0, 0, -0.1428571, 0, 0, -0.5714286, 0, 0, 0]);
    expect(await tidy(() => nllLoss(tensor(new Float32Array(xk), [2, 3, 2]), yk(), { reduction: 'none' }).shape)).toEqual([2, 2]);
    // every row ignored: 0 / 0 as PyTorch
    expect(Number.isNaN(await tidy(() => nllLoss(tensor(new Float32Array(lp), [4, 3]), y([-100, -100, -100, -100]))).item())).toBe(true);
    // nllLoss(logSoftmax(x)) is crossEntropy(x)
    const [a, b] = await Promise.all(tidy(() => {
      const logits = tensor(new Float32Array(lp.map((v, i) => v * (i % 3) + 0.3)), [4, 3]);
      return [nllLoss(logSoftmax(logits, 1), y([2, 0, 1, 1])).data(), crossEntropy(logits, y([2, 0, 1, 1])).data()];
    }));
    close(a, Array.from(b));
  });

  it('l1Loss and smoothL1Loss (beta 1, 0.5, 0): values and gradients', async () => {
    const a = [0.0, 0.5, -1.0, 2.0, 3.0, -0.2];
    const b = () => tensor(new Float32Array([0.0, 0.0, 1.0, 0.5, 3.5, 0.3]), [6]);
    const l1 = await run((x, reduction) => l1Loss(x, b(), { reduction }), a, [6]);
    close(l1.values[0], [0.8333333]);
    close(l1.values[1], [5]);
    close(l1.values[2], [0.0, 0.5, 2.0, 1.5, 0.5, 0.5]);
    close(l1.grad, [0.0, 1 / 6, -1 / 6, 1 / 6, -1 / 6, -1 / 6]);
    const mse = await run((x, reduction) => mseLoss(x, b(), { reduction }), a, [6]);
    close(mse.values[2], [0, 0.25, 4, 2.25, 0.25, 0.25]);
    close(mse.values[1], [7]);
    const want: [number, number, number, number[]][] = [
      [1, 0.4791667, 2.875, [0.0, 0.125, 1.5, 1.0, 0.125, 0.125]],
      [0.5, 0.625, 3.75, [0.0, 0.25, 1.75, 1.25, 0.25, 0.25]],
      [0, 0.8333333, 5, [0.0, 0.5, 2.0, 1.5, 0.5, 0.5]],
    ];
    for (const [beta, mean, sum, none] of want) {
      const r = await run((x, reduction) => smoothL1Loss(x, b(), { beta, reduction }), a, [6]);
      close(r.values[0], [mean]);
      close(r.values[1], [sum]);
      close(r.values[2], none);
      if (beta === 0.5) close(r.grad, [0.0, 1 / 6, -1 / 6, 1 / 6, -1 / 6, -1 / 6]);
    }
  });

  it('bad arguments are named', () => {
    tidy(() => {
      const x = tensor(new Float32Array(6), [2, 3]);
      expect(() => bceWithLogits(x, tensor(new Float32Array(3), [3]))).toThrow(/bceWithLogits: input \[2,3\] and target \[3\] differ in shape/);
      expect(() => nllLoss(x, tensor(new Float32Array(2), [2]))).toThrow(/nllLoss: target must be int32 class indices, got float32/);
      expect(() => nllLoss(x, tensor(new Int32Array(2), [2], { dtype: 'int32' }), { weight: tensor(new Float32Array(2), [2]) })).toThrow(/weight \[2\] must have one entry per class \(3\)/);
      expect(() => l1Loss(x, x, { reduction: 'avg' as Reduction })).toThrow(/l1Loss: reduction must be 'mean', 'sum' or 'none', got 'avg'/);
      expect(() => smoothL1Loss(x, x, { beta: -1 })).toThrow(/beta must be ≥ 0/);
    });
  });
});
