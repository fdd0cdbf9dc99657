// The op registry's types and the single place ops are applied. An op is one typed entry
// (micrograd-style: shape rule, forward and backward side by side) in one of the family
// files; src/ops/index.ts assembles them into `{ [P in OpName]: OpRule<P> }`, so an op
// missing its backward (or its CPU reference kernel name) does not compile.
import type {
  Backend, BinaryOp, Conv2dArgs, ConvActivation, DType, KernelName, Pool2dArgs, ReduceOp, Storage, StridedView, UnaryOp,
} from '../backend/types.js';
import { contiguousStrides } from '../backend/types.js';
import { getBackend, isGradEnabled, shouldPoisonOutputs } from '../runtime.js';
import { Tensor } from '../tensor.js';

/** Parameters of every op, by name. The keys of this interface are the op-name union. */
export interface OpParams {
  // elementwise (src/ops/elementwise.ts)
  unary: { op: UnaryOp; alpha: number };
  binary: { op: BinaryOp; outShape: number[] };
  where: { outShape: number[] };
  cast: { dtype: DType };
  // movement (src/ops/movement.ts)
  reshape: { shape: number[] };
  permute: { axes: number[] };
  expand: { shape: number[] };
  slice: { starts: number[]; ends: number[]; steps: number[] };
  padInto: { shape: number[]; starts: number[]; steps: number[] }; // the adjoint of slice
  concat: { axis: number };
  // reduce (src/ops/reduce.ts)
  reduce: { op: ReduceOp; axes: number[]; keepdim: boolean };
  // matmul (src/ops/matmul.ts)
  matmul: { transA: boolean; transB: boolean };
  // softmax family (src/ops/softmax.ts)
  softmax: { log: boolean };
  crossEntropy: { smoothing: number };
  crossEntropyGrad: { smoothing: number };
  // indexing (src/ops/gather.ts)
  gather: { axis: number };
  gatherGrad: { axis: number; axisLen: number };
  oneHot: { classes: number };
  // convolution (src/ops/conv.ts); inputs [x, weight, bias?] / [grad, weight] / [grad, x]
  conv2d: { args: Conv2dArgs; activation: ConvActivation; alpha: number };
  conv2dGradInput: { args: Conv2dArgs };
  conv2dGradWeight: { args: Conv2dArgs };
  // pooling (src/ops/pool.ts); NCHW, shapes in Pool2dArgs
  maxPool2dIndices: { args: Pool2dArgs };
  poolGather: { args: Pool2dArgs };
  maxPool2dGrad: { args: Pool2dArgs };
  avgPool2d: { args: Pool2dArgs };
  avgPool2dGrad: { args: Pool2dArgs };
  // dropout (src/ops/dropout.ts)
  dropout: { p: number; seed: number };
}

export type OpName = keyof OpParams;

export interface BackwardContext<P extends OpName> {
  inputs: readonly Tensor[];
  /** which inputs need a gradient (skip work for the others) */
  needs: readonly boolean[];
  out: Tensor;
  params: OpParams[P];
}

/** Gradient w.r.t. each input (null where the input needs none). */
export type BackwardFn<P extends OpName> = (grad: Tensor, ctx: BackwardContext<P>) => (Tensor | null)[];

export interface OpRule<P extends OpName> {
  /** the backend kernel it runs: the CPU twin of this name is the reference */
  kernel: KernelName;
  /** output shape and dtype; throws a clear error on bad input */
  infer(inputs: readonly Tensor[], params: OpParams[P]): { shape: number[]; dtype: DType };
  forward(be: Backend, inputs: readonly Tensor[], params: OpParams[P], out: Storage): void;
  /** written with other ops; 'none' for ops with no gradient (comparisons, argmax, ...) */
  backward: BackwardFn<P> | 'none';
  /** the output shares the first input's storage (reshape): no kernel runs */
  alias?: true;
}

export type OpRules<K extends OpName> = { [P in K]: OpRule<P> };

let rules: OpRules<OpName> | null = null;
let makeRules: (() => OpRules<OpName>) | null = null;
export function installRules(make: () => OpRules<OpName>): void {
  makeRules = make;
}

/** Applies an op: checks inputs, allocates the output, runs the kernel, records the tape. */
export function apply<P extends OpName>(name: P, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  rules ??= makeRules!();
  const rule = rules[name] as OpRule<P>;
  const be = getBackend();
  for (const t of inputs) t.assertUsable(name, be);
  if (!FLOAT16_NATIVE.has(name) && inputs.some((t) => t.dtype === 'float16')) return viaFloat32(name, inputs, params);
  const { shape, dtype } = rule.infer(inputs, params);
  const needsGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  if (rule.alias) return record(Tensor.aliasOf(inputs[0], shape, needsGrad), name, rule, inputs, params);
  let size = 1;
  for (const d of shape) size *= d;
  const storage = be.alloc(size, dtype);
  if (size > 0) {
    if (shouldPoisonOutputs()) be.fill(storage, dtype === 'int32' ? -0x7fffffff : NaN);
    try {
      rule.forward(be, inputs, params, storage);
    } catch (e) {
      be.free(storage);
      throw e;
    }
  }
  return record(Tensor.fromStorage(storage, shape, needsGrad), name, rule, inputs, params);
}

function record<P extends OpName>(out: Tensor, name: P, rule: OpRule<P>, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  if (out.requiresGrad) {
    if (rule.backward === 'none') {
      out.requiresGrad = false;
    } else {
      out.node = { op: name, inputs, params, backward: rule.backward as unknown as BackwardFn<OpName> };
    }
  }
  return out;
}

/**
 * Ops whose kernels take float16 storages (f16 WGSL variants, f32 accumulation): elementwise,
 * the strided copies behind movement ops, reductions, matmul, conv2d. Any other op given a
 * float16 input runs on float32 copies of its float16 inputs and its float output is cast back
 * to float16 (`viaFloat32`): correct everywhere, at the price of the two casts.
 */
const FLOAT16_NATIVE: ReadonlySet<OpName> = new Set<OpName>([
  'unary', 'binary', 'where', 'cast', 'reshape', 'permute', 'expand', 'slice', 'padInto', 'concat', 'reduce', 'matmul', 'conv2d',
]);

function viaFloat32<P extends OpName>(name: P, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  const wide = inputs.map((t) => (t.dtype === 'float16' ? apply('cast', [t], { dtype: 'float32' }) : t));
  const out = apply(name, wide, params);
  const result = out.dtype === 'float32' ? apply('cast', [out], { dtype: 'float16' }) : out;
  if (!result.requiresGrad) {
    // nothing on a tape holds the temporaries: free them now rather than at the end of a tidy
    for (let i = 0; i < wide.length; i++) if (wide[i] !== inputs[i]) wide[i].dispose();
    if (result !== out) out.dispose();
  }
  return result;
}

// ---- shared helpers for rules -----------------------------------------------------------

export function view(t: Tensor): StridedView {
  return { shape: t.shape, strides: contiguous(t.shape), offset: 0 };
}

/** row-major strides of a contiguous tensor */
export const contiguous = contiguousStrides;

/** A view of t broadcast (NumPy rules) to outShape: missing and size-1 axes get stride 0. */
export function broadcastView(t: Tensor, outShape: readonly number[]): StridedView {
  const strides = contiguous(t.shape);
  const off = outShape.length - t.shape.length;
  const out = outShape.map((d, i) => {
    const j = i - off;
    if (j < 0 || t.shape[j] === 1) return 0;
    return strides[j];
  });
  return { shape: outShape, strides: out, offset: 0 };
}

export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`webgrad: ${op}: shapes [${a}] and [${b}] cannot be broadcast together`);
    out[i] = x === 1 ? y : x;
  }
  return out;
}

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) throw new Error(`webgrad: ${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

export function requireFloat(op: string, t: Tensor): void {
  if (t.dtype === 'int32') throw new Error(`webgrad: ${op} expects a float32 or float16 tensor, got ${t.dtype} [${t.shape}]`);
}
