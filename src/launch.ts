// The one launch protocol for a kernel that writes a fresh tensor: allocate the output, fill
// it with NaN (or a sentinel int) when the conformance tests ask for poisoned outputs, so an
// element the kernel never writes fails the comparison, run the kernel, and return the
// storage to the pool if recording it throws. The op registry (src/ops/registry.ts) adds the
// tape on top; the classic-course kernels (src/classic/kernel.ts) and the device-side data
// augmentation (src/data/augment.ts) use it as is.
import type { Backend, DType, Storage } from './backend/types.js';
import { getBackend, shouldPoisonOutputs } from './runtime.js';
import { Tensor } from './tensor-core.js';

/** The active backend, after checking that every input can be read by `op` on it. */
export function usableBackend(op: string, inputs: readonly Tensor[]): Backend {
  const be = getBackend();
  for (const t of inputs) t.assertUsable(op, be);
  return be;
}

/** Runs `run` into a fresh `dtype` tensor of `shape` on `be` (nothing runs for an empty one). */
export function launchKernel<B extends Backend>(
  be: B, shape: number[], dtype: DType, run: (be: B, out: Storage) => void, requiresGrad = false,
): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const storage = be.alloc(size, dtype);
  if (size > 0) {
    if (shouldPoisonOutputs()) be.fill(storage, dtype === 'int32' ? -0x7fffffff : NaN);
    try {
      run(be, storage);
    } catch (e) {
      be.free(storage);
      throw e;
    }
  }
  return Tensor.fromStorage(storage, shape, requiresGrad);
}
