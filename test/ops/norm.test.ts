// layerNorm and the hashed GPU dropout (batch norm: test/ops/batchnorm.test.ts).
import { describe, expect, it } from 'vitest';
import { full, tensor } from '../../src/creation.js';
import * as F from '../../src/nn/functional.js';
import { devices, REDUCTION, useDevice } from '../helpers.js';
import { type OpCase, opSuite } from '../op-suite.js';

const T = REDUCTION;
const GRAD_TOL = 1e-5;

const cases: OpCase[] = [
  { name: 'layerNorm [6, 17] over 17', inputs: [{ shape: [6, 17] }, { shape: [17] }, { shape: [17] }], fn: (x, w, b) => F.layerNorm(x, 17, { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL },
  { name: 'layerNorm [2, 3, 4, 5] over [4, 5]', inputs: [{ shape: [2, 3, 4, 5] }, { shape: [4, 5] }, { shape: [4, 5] }], fn: (x, w, b) => F.layerNorm(x, [4, 5], { weight: w, bias: b }), tol: T, gradTol: GRAD_TOL },
  { name: 'dropout p 0.3 seed 42 [7, 129]', inputs: [{ shape: [7, 129] }], fn: (x) => F.dropout(x, 0.3, { seed: 42 }) },
  { name: 'dropout p 0.5 seed 7 [1000]', inputs: [{ shape: [1000] }], fn: (x) => F.dropout(x, 0.5, { seed: 7 }) },
];

opSuite('normalisation and dropout', cases);

describe.each(devices)('dropout on %s', (device) => {
  useDevice(device);

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
