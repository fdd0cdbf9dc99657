// Autocast (PyTorch's torch.autocast for float16): while `autocast(fn)` runs, the ops that
// gain the most from half precision (matmul, linear, conv2d) cast their float32 inputs to
// float16 and run in float16 (the kernels accumulate in float32); the ops that need range or
// precision (softmax, log-softmax, cross-entropy and the other losses, norms, sums, means,
// variances) cast float16 inputs up and run in float32. Every cast is an op on the tape, and
// a cast's backward casts the gradient back to its input's dtype, so gradients reach float32
// master weights as float32. Ops outside both lists run in their inputs' dtype (float16 and
// float32 mixed promote to float32, as PyTorch).
import type { Tensor } from '../tensor.js';
import { getBackend } from '../runtime.js';
import { cast } from './elementwise.js';

export interface AutocastOptions {
  /** the low-precision dtype; only float16 exists here */
  dtype?: 'float16';
  /** false runs fn with autocast off (nested regions can switch it off, as PyTorch's enabled=False) */
  enabled?: boolean;
}

let active = false;
let noticeShown = false;

/** whether an autocast region is running (and casting) */
export function isAutocastEnabled(): boolean {
  return active;
}

/**
 * Runs fn with autocast on. On a backend without float16 (a WebGPU adapter without
 * `shader-f16`), fn runs in float32 and a one-time notice says so. fn must be synchronous
 * (as tidy): put the forward pass and loss inside, and await outside.
 */
export function autocast<T>(fn: () => T, opts: AutocastOptions = {}): T {
  const dtype = opts.dtype ?? 'float16';
  if (dtype !== 'float16') throw new Error(`webgrad: autocast: dtype '${String(dtype)}' is not supported (float16 only)`);
  let on = opts.enabled ?? true;
  if (on && !getBackend().float16) {
    if (!noticeShown) {
      noticeShown = true;
      console.warn(`webgrad: autocast: the ${getBackend().adapterName} backend has no float16 (WebGPU feature 'shader-f16'); running in float32`);
    }
    on = false;
  }
  const prev = active;
  active = on;
  let result: T;
  try {
    result = fn();
  } finally {
    active = prev;
  }
  if (result instanceof Promise) throw new Error('webgrad: autocast(fn) got an async function; keep fn synchronous and await outside it');
  return result;
}

/** for matmul / linear / conv2d inputs: float32 → float16 inside an autocast region */
export function autocastLow(t: Tensor): Tensor {
  return active && t.dtype === 'float32' ? cast(t, 'float16') : t;
}

/** for softmax / losses / norms / reductions: float16 → float32 inside an autocast region */
export function autocastFull(t: Tensor): Tensor {
  return active && t.dtype === 'float16' ? cast(t, 'float32') : t;
}

/** resets the one-time notice (tests) */
export function resetAutocastNotice(): void {
  noticeShown = false;
}
