// Runs one of the classic (non-differentiable) backend kernels into a fresh tensor. These
// kernels have no backward, so they skip the op registry's tape and are called here, with
// the registry's conformance aid kept: outputs are NaN/sentinel-poisoned under test.
import type { Backend, DType, Storage } from '../backend/types.js';
import { getBackend, shouldPoisonOutputs } from '../runtime.js';
import { Tensor } from '../tensor.js';

export function runKernel(
  name: string, inputs: readonly Tensor[], shape: number[], dtype: DType, launch: (be: Backend, out: Storage) => void,
): Tensor {
  const be = getBackend();
  for (const t of inputs) t.assertUsable(name, be);
  const size = shape.reduce((a, b) => a * b, 1);
  const storage = be.alloc(size, dtype);
  if (size > 0) {
    if (shouldPoisonOutputs()) be.fill(storage, dtype === 'float32' ? NaN : -0x7fffffff);
    try {
      launch(be, storage);
    } catch (e) {
      be.free(storage);
      throw e;
    }
  }
  return Tensor.fromStorage(storage, shape);
}

export function requireShape(op: string, t: Tensor, rank: number, dtype: DType, what: string): void {
  if (t.shape.length !== rank || t.dtype !== dtype)
    throw new Error(`webgrad: ${op}: ${what} must be a ${dtype} tensor of rank ${rank}, got ${t.dtype} [${t.shape}]`);
}

/** labels as a host Int32Array: a tensor is read back, a typed array converted */
export async function hostLabels(y: Tensor | ArrayLike<number>): Promise<Int32Array> {
  if (y instanceof Tensor) return Int32Array.from(await y.data());
  return y instanceof Int32Array ? y : Int32Array.from(y);
}
