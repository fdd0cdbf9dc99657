// batchNorm (1d on [N,C] and [N,C,L], 2d on [N,C,H,W]; training and eval; large means),
// running statistics after 10 training steps, layerNorm, and the hashed GPU dropout.
import { describe, expect, it } from 'vitest';
import { full, tensor } from '../../src/creation.js';
import * as F from '../../src/nn/functional.js';
import { BatchNorm2d } from '../../src/nn/conv-layers.js';
import { Random } from '../../src/random.js';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { getBackend, setBackend, tidy } from '../../src/runtime.js';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const T = REDUCTION;
const GRAD_TOL = 1e-5;
const bnTrain = (x: Parameters<typeof F.batchNorm>[0], w: typeof x, b: typeof x) =>
  F.batchNorm(x, full([x.shape[1]], 0), full([x.shape[1]], 1), { weight: w, bias: b, training: true });

const cases: OpCase[] = [
  { name: 'batchNorm1d [7, 5] training, γ β', inputs: [{ shape: [7, 5] }, { shape: [5] }, { shape: [5] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  { name: 'batchNorm1d [4, 3, 9] training', inputs: [{ shape: [4, 3, 9] }, { shape: [3] }, { shape: [3] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  { name: 'batchNorm2d [3, 4, 5, 7] training', inputs: [{ shape: [3, 4, 5, 7] }, { shape: [4] }, { shape: [4] }], fn: bnTrain, tol: T, gradTol: GRAD_TOL },
  {
    name: 'batchNorm2d large mean (values in [1000, 1002])',
    inputs: [{ shape: [4, 3, 5, 5], range: [1000, 1002] }, { shape: [3] }, { shape: [3] }],
    fn: bnTrain, tol: { rtol: 1e-3, atol: 1e-3 }, gradTol: 1e-4,
  },
  {
    name: 'batchNorm2d eval with running statistics',
    inputs: [{ shape: [2, 3, 4, 5] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }, { shape: [3] }, { shape: [3] }],
    fn: (x, m, v, w, b) => F.batchNorm(x, m, v, { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL,
  },
  { name: 'layerNorm [6, 17] over 17', inputs: [{ shape: [6, 17] }, { shape: [17] }, { shape: [17] }], fn: (x, w, b) => F.layerNorm(x, 17, { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL },
  { name: 'layerNorm [2, 3, 4, 5] over [4, 5]', inputs: [{ shape: [2, 3, 4, 5] }, { shape: [4, 5] }, { shape: [4, 5] }], fn: (x, w, b) => F.layerNorm(x, [4, 5], { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL },
  { name: 'dropout p 0.3 seed 42 [7, 129]', inputs: [{ shape: [7, 129] }], fn: (x) => F.dropout(x, 0.3, { seed: 42 }) },
  { name: 'dropout p 0.5 seed 7 [1000]', inputs: [{ shape: [1000] }], fn: (x) => F.dropout(x, 0.5, { seed: 7 }) },
];

opSuite('normalisation and dropout', cases);

describe.each(devices)('batch-norm statistics and dropout on %s', (device) => {
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
    const device = getBackend();
    const ref = createCpuBackend({ float64: true });
    setBackend(ref);
    const want = await trainRunningStats();
    setBackend(device);
    ref.destroy();
    const got = await trainRunningStats();
    expectClose(got[0], want[0], T);
    expectClose(got[1], want[1], T);
  });

  it('dropout: same seed, same mask; keep rate ≈ 1 − p; inverted scaling', async () => {
    const x = full([20000], 1);
    const a = await F.dropout(x, 0.25, { seed: 5 }).data();
    const b = await F.dropout(x, 0.25, { seed: 5 }).data();
    const c = await F.dropout(x, 0.25, { seed: 6 }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const kept = Array.from(a).filter((v) => v !== 0);
    expect(Math.abs(kept.length / a.length - 0.75)).toBeLessThan(0.02);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(await F.dropout(x, 0.25, { training: false, seed: 5 }).data()).toEqual(await x.data());
  });
});
