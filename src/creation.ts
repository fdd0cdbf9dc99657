// Tensor constructors: from data, constant fills, ranges, seeded random.
import type { DType, TypedArray } from './backend/types.js';
import { cast, full as fullOp } from './ops/elementwise.js';
import { rngFor } from './random.js';
import { getBackend } from './runtime.js';
import { Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  seed?: number;
}

export type NestedNumbers = number | readonly NestedNumbers[];

function inferShape(data: NestedNumbers): number[] {
  const shape: number[] = [];
  let cur: NestedNumbers = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedNumbers;
  }
  return shape;
}

function checkShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`webgrad: invalid shape [${shape}]: dimensions must be non-negative integers`);
    n *= d;
  }
  return n;
}

/**
 * A tensor from a typed array (with its shape) or from nested number arrays.
 * Int32Array data gives int32 unless `dtype` says otherwise.
 */
export function tensor(data: TypedArray | NestedNumbers, shape?: readonly number[], opts: CreateOptions = {}): Tensor {
  let flat: TypedArray;
  let s: number[];
  if (ArrayBuffer.isView(data)) {
    s = shape ? [...shape] : [data.length];
    flat = data;
  } else {
    s = shape ? [...shape] : inferShape(data);
    const values = Array.isArray(data) ? (data as unknown[]).flat(Infinity) as number[] : [data as number];
    flat = Float64Array.from(values);
  }
  const n = checkShape(s);
  if (flat.length !== n) throw new Error(`webgrad: tensor: ${flat.length} values do not fill shape [${s}] (${n} elements)`);
  const dtype = opts.dtype ?? (flat instanceof Int32Array ? 'int32' : 'float32');
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'float16')
    throw new Error(`webgrad: unsupported dtype '${dtype}' (float32, int32 or float16)`);
  if (dtype === 'float16') {
    // uploaded as float32 and rounded to float16 on the device (one cast kernel): the host
    // never packs halves, and the CPU reference rounds exactly as the GPU stores
    requireFloat16();
    const wide = tensor(flat instanceof Int32Array ? Float32Array.from(flat) : flat, s);
    const half = cast(wide, 'float16');
    wide.dispose();
    return withGrad(half, opts);
  }
  // Float64Array data goes to the backend as is: the float64 CPU reference keeps every bit,
  // the others round it to float32 on upload
  const typed = dtype === 'int32' ? (flat instanceof Int32Array ? flat : Int32Array.from(flat, (v) => Math.trunc(v)))
    : flat instanceof Int32Array ? Float32Array.from(flat) : flat;
  return withGrad(Tensor.fromStorage(getBackend().upload(typed), s, false), opts);
}

/** whether the active backend has float16 tensors (WebGPU: the adapter's `shader-f16` feature; the CPU backend always) */
export function hasFloat16(): boolean {
  return getBackend().float16;
}

function requireFloat16(): void {
  const be = getBackend();
  if (!be.float16) be.alloc(0, 'float16'); // the backend's own error, naming the missing feature
}

function withGrad(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) {
    if (t.dtype === 'int32') throw new Error('webgrad: only floating-point (float32, float16) tensors can require grad');
    t.requiresGrad = true;
  }
  return t;
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape);
  if (opts.dtype === 'float16') requireFloat16();
  return withGrad(fullOp(shape, value, opts.dtype ?? 'float32'), opts);
}

export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 1, opts);

/** [start, stop) in steps, as NumPy's arange; arange(n) = 0..n-1. */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('webgrad: arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = opts.dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32');
  const data = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return withGrad(tensor(data, [n], { dtype }), opts);
}

/** uniform [0, 1), seeded: the same seed gives the same values on every backend */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return withGrad(tensor(rngFor(opts.seed).uniform(checkShape(shape)), shape, { dtype: opts.dtype }), opts);
}

/** standard normal, seeded */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return withGrad(tensor(rngFor(opts.seed).normal(checkShape(shape)), shape, { dtype: opts.dtype }), opts);
}

/** integers in [low, high), int32 */
export function randint(low: number, high: number, shape: readonly number[], opts: { seed?: number } = {}): Tensor {
  const u = rngFor(opts.seed).uniform(checkShape(shape));
  return tensor(Int32Array.from(u, (v) => low + Math.floor(v * (high - low))), shape, { dtype: 'int32' });
}
