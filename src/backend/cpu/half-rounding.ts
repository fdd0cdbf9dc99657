// float16 on the CPU reference: a float16 storage holds float32 (or, on the float64
// reference, float64) numbers that are exactly float16 values. Every kernel computes as it
// does for float32 (float64 accumulation) and its float16 outputs are rounded once, to
// nearest even, when it returns — what a GPU kernel that accumulates wide and stores a half
// does. Rounding is idempotent, so rounding every float16 argument (inputs included) after a
// call is the same as rounding just the outputs, and needs no per-kernel list of outputs.
import { roundHalfArray } from '../half.js';
import type { KernelSignatures } from '../types.js';
import { CpuStorage } from './storage.js';

export function withFloat16Rounding(kernels: KernelSignatures): KernelSignatures {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(kernels) as [string, (...args: unknown[]) => unknown][]) {
    out[name] = (...args: unknown[]): unknown => {
      const r = fn(...args);
      for (const a of args) {
        if (a instanceof CpuStorage && a.dtype === 'float16' && !a.freed && !(a.data instanceof Int32Array)) roundHalfArray(a.data);
      }
      return r;
    };
  }
  return out as unknown as KernelSignatures;
}
