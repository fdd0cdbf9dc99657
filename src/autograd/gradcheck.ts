// Finite-difference gradient checks on the float64 CPU reference: central differences
// (f(x+h) − f(x−h)) / 2h against backward(), per element.
import { createCpuBackend } from '../backend/cpu/index.js';
import { tensor } from '../creation.js';
import { getBackend, hasBackend, setBackend, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';

export interface GradcheckInput {
  data: ArrayLike<number>;
  shape: number[];
  /** int32 inputs (labels, indices) are passed through without a gradient */
  dtype?: 'float32' | 'int32';
}

export interface GradcheckResult {
  ok: boolean;
  /** max over elements of |analytic − numeric| / max(1, |numeric|) */
  maxError: number;
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Checks d(sum(fn(inputs) · w))/d input against central differences, for a fixed random
 * weighting w of the output (so every output element matters).
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: GradcheckInput[],
  { eps = 1e-5, tol = 1e-6, maxChecksPerInput = 40 }: { eps?: number; tol?: number; maxChecksPerInput?: number } = {},
): GradcheckResult {
  const prev = hasBackend() ? getBackend() : null;
  const be = createCpuBackend({ float64: true });
  setBackend(be);
  try {
    const values = inputs.map((inp) => Float64Array.from(inp.data));
    let weights: Float64Array | null = null;
    const evaluate = (withGrad: boolean): { value: number; grads: (Float64Array | null)[] } =>
      tidy(() => {
        const ts = inputs.map((inp, i) =>
          inp.dtype === 'int32'
            ? tensor(Int32Array.from(values[i]), inp.shape, { dtype: 'int32' })
            : tensor(values[i] as unknown as Float32Array, inp.shape, { requiresGrad: withGrad }),
        );
        const out = fn(...ts);
        if (!weights) {
          weights = new Float64Array(out.size);
          // signs alternate so the weighted sum stays small: a large f would drown the
          // finite difference in rounding error
          for (let i = 0; i < weights.length; i++) weights[i] = (i % 2 ? -1 : 1) * (0.5 + ((i * 7919) % 13) / 13);
        }
        const loss = out.mul(tensor(weights as unknown as Float32Array, out.shape)).sum();
        const value = syncRead(loss)[0];
        if (!withGrad) return { value, grads: [] };
        loss.backward();
        return { value, grads: ts.map((t) => (t.grad ? syncRead(t.grad) : null)) };
      });
    const { grads } = evaluate(true);
    let maxError = 0;
    let worst: GradcheckResult['worst'] = null;
    inputs.forEach((inp, i) => {
      if (inp.dtype === 'int32') return;
      // every element of small inputs, an evenly spread sample of large ones (each check
      // costs two forward passes)
      const n = values[i].length;
      const stride = Math.max(1, Math.floor(n / maxChecksPerInput));
      for (let j = n > maxChecksPerInput ? stride >> 1 : 0; j < n; j += stride) {
        const orig = values[i][j];
        values[i][j] = orig + eps;
        const fp = evaluate(false).value;
        values[i][j] = orig - eps;
        const fm = evaluate(false).value;
        values[i][j] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const analytic = grads[i] ? grads[i]![j] : 0;
        const err = Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
        if (err > maxError || worst === null) {
          maxError = Math.max(maxError, err);
          if (err >= maxError) worst = { input: i, index: j, analytic, numeric };
        }
      }
    });
    return { ok: maxError <= tol, maxError, worst };
  } finally {
    be.destroy();
    setBackend(prev);
  }
}

/** The CPU backend's read is async only for API symmetry; its storage is a plain array. */
function syncRead(t: Tensor): Float64Array {
  return Float64Array.from((t.storage as unknown as { data: ArrayLike<number> }).data);
}
