// Checks made where the data lives, without a readback of their own: an op that takes labels
// or indices (crossEntropy, oneHot and the hinge losses built on it, gather / indexSelect), and
// fit's finite-loss check. The CPU backend throws at once; the WebGPU backend records the
// first failure in a small device-side buffer (webgpu/device-checks.ts) that the next readback
// brings back with the data. Both throw a DeviceCheckError built here, so the messages match.

export type CheckKind = 'label' | 'index' | 'nonFinite';

/** A failed device-side check: `op` named as the user called it, `value` the offending label/index (or the step). */
export class DeviceCheckError extends Error {
  constructor(readonly op: string, readonly kind: CheckKind, readonly value: number, readonly range: number, found = '') {
    super(checkMessage(op, kind, value, range) + found);
    this.name = 'DeviceCheckError';
  }
}

function checkMessage(op: string, kind: CheckKind, value: number, range: number): string {
  if (kind === 'nonFinite')
    return `webgrad: ${op}: the loss became non-finite (NaN or ±Infinity) at step ${value}; the model's weights are no longer usable. ` +
      'Lower the learning rate, clip gradients (optim.clipGradNorm) or check the inputs for NaN/Infinity';
  const valid = range > 0 ? `valid ${kind === 'index' ? 'indices' : 'labels'} are 0 … ${range - 1}` : 'there is nothing to index (length 0)';
  const of = kind === 'label' ? `${range} classes` : `an axis of length ${range}`;
  return `webgrad: ${op}: ${kind} ${value} is out of range: ${valid} (${of})`;
}

// ---- the op name a kernel reports ------------------------------------------------------------

const names: string[] = [];

/**
 * Runs fn with index/label failures reported as `op` (svmLoss reaches the oneHot kernel, and
 * the user should read 'svmLoss', not 'oneHot').
 */
export function reportIndexErrorsAs<T>(op: string, fn: () => T): T {
  names.push(op);
  try {
    return fn();
  } finally {
    names.pop();
  }
}

/** the name to report for a kernel: the innermost reportIndexErrorsAs, else the kernel's own */
export function checkedOpName(kernelOp: string): string {
  return names.length ? names[0] : kernelOp;
}

/** The CPU twin of the device-side check: throws at the first out-of-range value. */
export function checkIndicesNow(kernelOp: string, kind: CheckKind, values: ArrayLike<number>, range: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v < range && Number.isInteger(v))) throw new DeviceCheckError(checkedOpName(kernelOp), kind, v, range);
  }
}
