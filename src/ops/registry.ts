// The op registry's types and the single place ops are applied. An op is one typed entry
// (micrograd-style: shape rule, forward and backward side by side) in one of the family
// files; src/ops/index.ts assembles them into `{ [P in OpName]: OpRule<P> }`, so an op
// missing its backward (or its CPU reference kernel name) does not compile.
import type {
  Backend, BatchNormArgs, BinaryOp, Conv2dArgs, ConvActivation, DType, KernelName, Pool2dArgs, ReduceOp, Storage, StridedView, UnaryOp,
} from '../backend/types.js';
import { contiguousStrides } from '../backend/types.js';
import { launchKernel, usableBackend } from '../launch.js';
import { isGradEnabled } from '../runtime.js';
import { Tensor } from '../tensor-core.js';

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
  crossEntropyBackward: { smoothing: number };
  // indexing (src/ops/gather.ts)
  gather: { axis: number };
  gatherBackward: { axis: number; axisLen: number };
  oneHot: { classes: number };
  // convolution (src/ops/conv.ts); inputs [x, weight, bias?] / [grad, weight] / [grad, x]
  conv2d: { args: Conv2dArgs; activation: ConvActivation; alpha: number };
  conv2dBackwardInput: { args: Conv2dArgs };
  conv2dBackwardWeight: { args: Conv2dArgs };
  // pooling (src/ops/pool.ts); NCHW, shapes in Pool2dArgs
  maxPool2dArgmax: { args: Pool2dArgs };
  poolGather: { args: Pool2dArgs };
  maxPool2dBackward: { args: Pool2dArgs };
  avgPool2d: { args: Pool2dArgs };
  avgPool2dBackward: { args: Pool2dArgs };
  // dropout (src/ops/dropout.ts)
  dropout: { p: number; seed: number; cell: { seed: number }; draw: () => number };
  // fused batch norm (src/ops/batchnorm.ts); inputs [x, runningMean?, runningVar?] /
  // [x, s0, s1, weight?, bias?] / [grad, x, s0, s1] / [grad, x, s0, s1, sums?, weight?]
  batchNormStats: { args: BatchNormArgs; track: boolean };
  batchNorm: { args: BatchNormArgs; hasWeight: boolean; hasBias: boolean };
  batchNormGradStats: { args: BatchNormArgs };
  batchNormGradInput: { args: BatchNormArgs; hasSums: boolean; hasWeight: boolean };
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

/**
 * The apply function of one op family: each family file binds its own rules
 * (`const apply = applier(elementwiseRules)`), so applying an op needs no global table that
 * something has to fill in first, and the ops import this module, never the reverse.
 */
export function applier<K extends OpName>(rules: OpRules<K>) {
  return <P extends K>(name: P, inputs: readonly Tensor[], params: OpParams[P]): Tensor =>
    applyRule(name, rules[name] as OpRule<P>, inputs, params);
}

/** Applies an op: checks inputs, runs its kernel into a fresh output (launchKernel), records the tape. */
function applyRule<P extends OpName>(name: P, rule: OpRule<P>, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  const be = usableBackend(name, inputs);
  // ops without a float16 kernel run on float32 copies (viaFloat32) and return float16
  if (!FLOAT16_NATIVE.has(name) && inputs.some((t) => t.dtype === 'float16')) return viaFloat32(name, rule, inputs, params);
  const { shape, dtype } = rule.infer(inputs, params);
  let anyGrad = false; // a plain loop: this runs for every op
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) { anyGrad = true; break; }
  const needsGrad = anyGrad && isGradEnabled();
  const out = rule.alias
    ? Tensor.aliasOf(inputs[0], shape, needsGrad)
    : launchKernel(be, shape, dtype, (b, storage) => rule.forward(b, inputs, params, storage), needsGrad);
  return record(out, name, rule, inputs, params);
}

function record<P extends OpName>(out: Tensor, name: P, rule: OpRule<P>, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  if (out.requiresGrad) {
    if (rule.backward === 'none') {
      out.requiresGrad = false;
    } else {
      const versions = inputs.map((t) => t.version);
      versions.push(out.version);
      out.node = { op: name, inputs, versions, params, backward: rule.backward as unknown as BackwardFn<OpName> };
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

/**
 * The dtype conversion (a strided copy between dtypes). It lives here, below the op families,
 * because applying any op to float16 inputs may need it (viaFloat32); src/ops/elementwise.ts
 * exposes it as the `cast` op.
 */
export const castRule: OpRule<'cast'> = {
  kernel: 'copyStrided',
  infer: ([x], { dtype }) => ({ shape: [...x.shape], dtype }),
  forward: (be, [x], _p, out) => be.copyStrided(x.storage, view(x), out),
  // the gradient goes back in the input's dtype: a float32 master weight cast to float16
  // under autocast gets a float32 gradient
  backward: (g, { inputs: [x] }) => [x.dtype === 'int32' ? null : castTo(g, x.dtype)],
};

export function castTo(x: Tensor, dtype: DType): Tensor {
  return applyRule('cast', castRule, [x], { dtype });
}

function viaFloat32<P extends OpName>(name: P, rule: OpRule<P>, inputs: readonly Tensor[], params: OpParams[P]): Tensor {
  const wide = inputs.map((t) => (t.dtype === 'float16' ? castTo(t, 'float32') : t));
  const out = applyRule(name, rule, wide, params);
  const result = out.dtype === 'float32' ? castTo(out, 'float16') : out;
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
