// Conformance of non-differentiable kernels: each case builds its tensors from seeded random
// data inside `fn`, so the float64 CPU reference and the device under test see the same inputs.
// (test/op-suite.ts also runs finite-difference checks, which have nothing to check here.)
import { describe, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Random } from '../../src/random.js';
import type { Tensor } from '../../src/tensor.js';
import { conform, devices, type Tolerance, useDevice } from '../helpers.js';
import { freshSeed } from '../seeds.js';

export interface KernelCase {
  name: string;
  fn: (make: TensorMaker) => Tensor;
  tol?: Tolerance;
  /** per output element, what inputs within rounding of a hard decision may move it (expectClose's slack), from the same inputs */
  slack?: (make: TensorMaker) => Promise<ArrayLike<number>>;
  /** fixed inputs instead of fresh ones: a regression case pinned to the input seed of a past failure */
  inputSeed?: number;
}

export interface TensorMaker {
  /** uniform float32 in [lo, hi) */
  float(shape: number[], lo?: number, hi?: number): Tensor;
  /** uniform int32 in [0, high) */
  int(shape: number[], high: number): Tensor;
}

function maker(seed: number): TensorMaker {
  let stream = seed;
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    float: (shape, lo = -1, hi = 1) => tensor(new Random(stream++).uniform(size(shape), lo, hi), shape),
    int: (shape, high) => tensor(Int32Array.from(new Random(stream++).uniform(size(shape), 0, high), Math.floor), shape, { dtype: 'int32' }),
  };
}

export function kernelSuite(family: string, cases: KernelCase[]): void {
  describe.each(devices)(`${family} on %s`, (device) => {
    useDevice(device);
    for (const c of cases) {
      it(`${c.name} matches the float64 reference`, async () => {
        const s = c.inputSeed ?? freshSeed();
        try {
          await conform(() => c.fn(maker(s)), c.tol, c.slack && (await c.slack(maker(s))));
        } catch (e) {
          throw new Error(`input seed ${s}: ${(e as Error).message}`);
        }
      });
    }
  });
}
