// Runs one of the classic (non-differentiable) backend kernels into a fresh tensor. These
// kernels have no backward, so they skip the op registry's tape and go straight to the launch
// protocol it uses (src/launch.ts: fresh output, poisoned under test, freed on error).
import type { ClassicBackend, ClassicKernelName, DType, Storage } from '../backend/types.js';
import { launchKernel, usableBackend } from '../launch.js';
import { Tensor } from '../tensor.js';

// every classic kernel, so a backend missing one is caught before anything runs
const CLASSIC_KERNELS: Record<ClassicKernelName, true> = { pairwiseL1: true, topkSmallest: true, knnVote: true, hueHistogram: true, hog: true };

/** The active backend, checked for the optional classic-course kernels (see ClassicKernelSignatures). */
function classicBackend(op: string, inputs: readonly Tensor[]): ClassicBackend {
  const be = usableBackend(op, inputs);
  for (const k of Object.keys(CLASSIC_KERNELS) as ClassicKernelName[])
    if (typeof be[k] !== 'function')
      throw new Error(`webgrad: ${op}: the ${be.name} backend does not implement the classic-course kernels (${k} is missing)`);
  return be as ClassicBackend;
}

export function runKernel(
  name: string, inputs: readonly Tensor[], shape: number[], dtype: DType, launch: (be: ClassicBackend, out: Storage) => void,
): Tensor {
  return launchKernel(classicBackend(name, inputs), shape, dtype, launch);
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
