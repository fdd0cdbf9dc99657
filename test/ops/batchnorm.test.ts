// Fused batch norm (shaders/batchnorm.wgsl): training and eval forward and backward against
// the float64 CPU reference on NaN-poisoned outputs, finite-difference gradients, large means,
// the running statistics after ten steps, and the dispatch count of a training step.
import { describe, expect, it } from 'vitest';
import { full, tensor } from '../../src/creation.js';
import * as F from '../../src/nn/functional.js';
import { BatchNorm2d } from '../../src/nn/conv-layers.js';
import { Random } from '../../src/random.js';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { getBackend, setBackend, setPoisonOutputs, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const T = REDUCTION;
const GRAD_TOL = 1e-5;
const bnTrain = (x: Tensor, w?: Tensor, b?: Tensor) =>
  F.batchNorm(x, full([x.shape[1]], 0), full([x.shape[1]], 1), { weight: w, bias: b, training: true });

const cases: OpCase[] = [
  { name: 'batchNorm1d [7, 5] training, γ β', inputs: [{ shape: [7, 5] }, { shape: [5] }, { shape: [5] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  { name: 'batchNorm1d [4, 3, 9] training', inputs: [{ shape: [4, 3, 9] }, { shape: [3] }, { shape: [3] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  { name: 'batchNorm2d [3, 4, 5, 7] training', inputs: [{ shape: [3, 4, 5, 7] }, { shape: [4] }, { shape: [4] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  // 969 values per channel: more than a workgroup (256), so the strided loops wrap
  { name: 'batchNorm2d [3, 33, 17, 19] training, no affine', inputs: [{ shape: [3, 33, 17, 19] }], fn: (x) => bnTrain(x), tol: T, gradTol: GRAD_TOL },
  {
    name: 'batchNorm2d training without running statistics, γ only',
    inputs: [{ shape: [5, 2, 3, 3] }, { shape: [2] }],
    fn: (x, w) => F.batchNorm(x, null, null, { weight: w, training: true, eps: 1e-3 }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: 'batchNorm2d large mean (values in [1000, 1002])',
    inputs: [{ shape: [4, 3, 5, 5], range: [1000, 1002] }, { shape: [3] }, { shape: [3] }],
    fn: bnTrain, tol: { rtol: 1e-3, atol: 1e-3 }, gradTol: 1e-4,
  },
  {
    name: 'batchNorm2d eval with running statistics (differentiable)',
    inputs: [{ shape: [2, 3, 4, 5] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }, { shape: [3] }, { shape: [3] }],
    fn: (x, m, v, w, b) => F.batchNorm(x, m, v, { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL,
  },
  {
    name: 'batchNorm2d eval, β only, running statistics fixed',
    inputs: [{ shape: [3, 4, 2, 3] }, { shape: [4], grad: false }, { shape: [4], range: [0.5, 2], grad: false }, { shape: [4] }],
    fn: (x, m, v, b) => F.batchNorm(x, m, v, { bias: b, eps: 1e-12 }), tol: T, gradTol: GRAD_TOL,
  },
];

opSuite('fused batch norm', cases);

describe.each(devices)('batch-norm running statistics and dispatches on %s', (device) => {
  useDevice(device);

  /** 10 training steps of a BatchNorm2d on fixed batches; its running mean and variance */
  function trainRunningStats(): Promise<[Float64Array, Float64Array]> {
    const bn = new BatchNorm2d(3, { momentum: 0.2 });
    for (let step = 0; step < 10; step++) {
      tidy(() => {
        const x = tensor(new Random(100 + step).uniform(4 * 3 * 5 * 6, -1 + step, 3 + step), [4, 3, 5, 6]);
        bn.forward(x);
      });
    }
    return Promise.all([bn.runningMean!.data(), bn.runningVar!.data()]).then((r) => r.map((a) => Float64Array.from(a)) as [Float64Array, Float64Array]);
  }

  it('running statistics match the float64 reference after 10 training steps', async () => {
    const dev = getBackend();
    const ref = createCpuBackend({ float64: true });
    setBackend(ref);
    const want = await trainRunningStats();
    setBackend(dev);
    ref.destroy();
    const got = await trainRunningStats();
    expectClose(got[0], want[0], T);
    expectClose(got[1], want[1], T);
  });

  it('one training step matches the textbook formula written here (momentum 1: running = batch statistics)', async () => {
    const [n, c, inner] = [3, 2, 5];
    const data = new Random(11).uniform(n * c * inner, -3, 5);
    const rm = full([c], 0);
    const rv = full([c], 1);
    const y = await F.batchNorm(tensor(data, [n, c, inner]), rm, rv, { training: true, momentum: 1, eps: 1e-5 }).data();
    const [gotMean, gotVar] = await Promise.all([rm.data(), rv.data()]);
    for (let ch = 0; ch < c; ch++) {
      const vals: number[] = [];
      for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) vals.push(data[(i * c + ch) * inner + j]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const biased = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      expect(gotMean[ch]).toBeCloseTo(mean, 5);
      expect(gotVar[ch]).toBeCloseTo((biased * vals.length) / (vals.length - 1), 4);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < inner; j++) {
          const k = (i * c + ch) * inner + j;
          expect(y[k]).toBeCloseTo((data[k] - mean) / Math.sqrt(biased + 1e-5), 4);
        }
    }
  });

  it.runIf(device === 'webgpu')('training forward is two dispatches (+ the num_batches_tracked count), backward two kernels (+ the γ, β row copies)', async () => {
    const be = getBackend();
    const x = tensor(new Random(3).uniform(4 * 3 * 4 * 4, -1, 1), [4, 3, 4, 4], { requiresGrad: true });
    const bn = new BatchNorm2d(3);
    const g = tensor(new Random(4).uniform(4 * 3 * 4 * 4, -1, 1), [4, 3, 4, 4]);
    await be.flush();
    be.resetStats();
    setPoisonOutputs(false); // each NaN fill is a dispatch of its own
    const y = bn.forward(x);
    await be.flush();
    const forward = be.stats().dispatches;
    y.backward(g);
    await be.flush();
    const backward = be.stats().dispatches - forward;
    setPoisonOutputs(true);
    // batchnorm.stats + batchnorm.apply, and PyTorch's num_batches_tracked += 1 (one int32 add)
    expect(forward).toBe(3);
    // batchnorm.gradStats + batchnorm.gradInput, and one strided copy each for dγ and dβ
    expect(backward).toBeLessThanOrEqual(4);
    expect(x.grad).not.toBeNull();
    expect(bn.weight!.grad!.shape).toEqual([3]);
  });
});
