// The scalar definition of every elementwise op, shared by the CPU reference (in float64)
// and documented for the WGSL twins in shaders/elementwise.wgsl, which must match it.
import type { BinaryOp, UnaryOp } from './types.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh form (PyTorch's approximate='tanh'), written as x·σ(2u) so it stays accurate for x ≪ 0. */
export function gelu(x: number): number {
  const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
  return x / (1 + Math.exp(-2 * u));
}

export function geluGrad(x: number): number {
  const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
  const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
  const s = 1 / (1 + Math.exp(-2 * u));
  return s + x * 2 * du * s * (1 - s);
}

export function unaryScalar(op: UnaryOp, x: number, a: number): number {
  switch (op) {
    case 'neg': return -x;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'sqrt': return Math.sqrt(x);
    case 'abs': return Math.abs(x);
    case 'square': return x * x;
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : x; // 0 and NaN map to themselves
    case 'reciprocal': return 1 / x;
    case 'relu': return x <= 0 ? 0 : x; // NaN passes through, as PyTorch
    case 'leakyRelu': return x > 0 ? x : a * x;
    case 'elu': return x > 0 ? x : a * (Math.exp(x) - 1);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'gelu': return gelu(x);
    case 'reluGrad': return x > 0 ? 1 : 0;
    case 'leakyReluGrad': return x > 0 ? 1 : a;
    case 'eluGrad': return x > 0 ? 1 : a * Math.exp(x);
    case 'geluGrad': return geluGrad(x);
    case 'powScalar': return Math.pow(x, a);
    case 'mulScalar': return x * a;
    case 'addScalar': return x + a;
    case 'rsubScalar': return a - x;
    case 'rdivScalar': return a / x;
  }
}

export function binaryScalar(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'pow': return Math.pow(x, y);
    case 'maximum': return Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y);
    case 'minimum': return Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y);
    case 'greater': return x > y ? 1 : 0;
    case 'greaterEqual': return x >= y ? 1 : 0;
    case 'less': return x < y ? 1 : 0;
    case 'lessEqual': return x <= y ? 1 : 0;
    case 'equal': return x === y ? 1 : 0;
  }
}

/** Integer semantics for int32 tensors: truncating division, as C and WGSL. */
export function binaryInt(op: BinaryOp, x: number, y: number): number {
  if (op === 'div') return y === 0 ? 0 : Math.trunc(x / y) | 0;
  if (op === 'pow') return Math.trunc(Math.pow(x, y)) | 0;
  return binaryScalar(op, x, y) | 0;
}
