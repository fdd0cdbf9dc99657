// One suite body for an op family, run on every device: forward conformance against the
// float64 CPU reference on fresh random inputs (NaN-poisoned outputs), gradient conformance
// (device gradients vs reference gradients) and a finite-difference gradient check.
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../src/autograd/gradcheck.js';
import { tensor } from '../src/creation.js';
import { Random } from '../src/random.js';
import { tidy } from '../src/runtime.js';
import type { Tensor } from '../src/tensor.js';
import { createCpuBackend } from '../src/backend/cpu/index.js';
import { freshSeed } from './seeds.js';
import { devices, ELEMENTWISE, expectClose, logMargin, type Tolerance, useDevice, withTemporaryBackend } from './helpers.js';

export interface InputSpec {
  shape: number[];
  /** uniform range of the random values (default [-2, 2]) */
  range?: [number, number];
  /** int32 inputs: values in [0, range[1]) */
  dtype?: 'float32' | 'int32';
  /** whether a gradient flows to it (default: float32 inputs) */
  grad?: boolean;
}

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  tol?: Tolerance;
  /** skip the gradient checks (non-differentiable ops) */
  noGrad?: boolean;
  /** finite-difference tolerance (default 1e-6) */
  gradTol?: number;
  /**
   * finite-difference step (default 1e-5). An op linear in each input element (matmul, conv) has
   * exact central differences at any step, and a larger one divides the rounding noise of a big
   * weighted sum (tens of thousands of terms), which the difference amplifies by 1/step.
   */
  gradEps?: number;
  /**
   * an absolute allowance for the forward output only (default none). A long float32 sum's error
   * scales with its terms, not its value: where the sum cancels to near zero, rtol alone asks
   * for more than float32 can give.
   */
  outputAtol?: number;
}

function makeData(spec: InputSpec, rng: Random): Float32Array | Int32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const [lo, hi] = spec.range ?? (spec.dtype === 'int32' ? [0, 10] : [-2, 2]);
  const u = rng.uniform(n, lo, hi);
  return spec.dtype === 'int32' ? Int32Array.from(u, Math.floor) : u;
}

function build(specs: InputSpec[], data: (Float32Array | Int32Array)[], withGrad: boolean): Tensor[] {
  return specs.map((s, i) =>
    s.dtype === 'int32'
      ? tensor(data[i], s.shape, { dtype: 'int32' })
      : tensor(data[i], s.shape, { requiresGrad: withGrad && (s.grad ?? true) }),
  );
}

/** forward output and every input gradient of Σ(out · w), as plain arrays */
async function evaluate(c: OpCase, data: (Float32Array | Int32Array)[], withGrad: boolean): Promise<Float64Array[]> {
  const results: Promise<ArrayLike<number>>[] = [];
  tidy(() => {
    const xs = build(c.inputs, data, withGrad);
    const out = c.fn(...xs);
    results.push(out.data());
    if (withGrad) {
      const w = tensor(new Random(7).uniform(out.size, 0.5, 1.5), out.shape);
      out.mul(w).sum().backward();
      xs.forEach((x, i) => {
        if (c.inputs[i].dtype !== 'int32' && (c.inputs[i].grad ?? true)) results.push(x.grad!.data());
      });
    }
  });
  return (await Promise.all(results)).map((r) => Float64Array.from(r));
}


export function opSuite(family: string, cases: OpCase[]): void {
  describe.each(devices)(`${family} on %s`, (device) => {
    useDevice(device);
    for (const c of cases) {
      it(`${c.name}: forward${c.noGrad ? '' : ' and gradients'} match the float64 reference`, async () => {
        const s = freshSeed();
        const data = c.inputs.map((spec, i) => makeData(spec, new Random(s * 31 + i)));
        const withGrad = !c.noGrad;
        const want = await withTemporaryBackend(createCpuBackend({ float64: true }), () => evaluate(c, data, withGrad));
        const got = await evaluate(c, data, withGrad);
        const tol = c.tol ?? ELEMENTWISE;
        got.forEach((g, i) => {
          try {
            // gradients are sums over a whole dimension (e.g. k = 257 in a matmul's dA = g·Bᵀ): float32
            // accumulation error scales with the tensor's magnitude, not each element's, so atol is
            // 1e-5 of the largest |gradient| (never below 1e-5); a fixed 1e-5 failed ~1 run in 6
            expectClose(g, want[i], i === 0 ? { ...tol, atol: Math.max(tol.atol, c.outputAtol ?? 0) } : { rtol: Math.max(tol.rtol, 1e-4), atol: Math.max(tol.atol, 1e-5, 1e-5 * maxAbs(want[i])) });
          } catch (e) {
            throw new Error(`${i === 0 ? 'output' : `gradient of input ${i - 1}`} (input seed ${s}): ${(e as Error).message}`);
          }
        });
      });
    }
  });

  describe(`${family}: finite-difference gradient checks (float64 CPU)`, () => {
    for (const c of cases.filter((x) => !x.noGrad)) {
      it(c.name, () => {
        const s = freshSeed();
        const rng = new Random(s);
        const inputs = c.inputs.map((spec) => ({
          data: Array.from(makeData(spec, rng)),
          shape: spec.shape,
          dtype: spec.dtype,
        }));
        const r = gradcheck(c.fn, inputs, { tol: c.gradTol ?? 1e-6, eps: c.gradEps ?? 1e-5 });
        logMargin(r.maxError / (c.gradTol ?? 1e-6));
        expect(r.maxError, `input seed ${s}, worst ${JSON.stringify(r.worst)}`).toBeLessThanOrEqual(c.gradTol ?? 1e-6);
      });
    }
  });
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
