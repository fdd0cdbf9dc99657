// Elementwise ops: unary (with a scalar parameter), binary with NumPy broadcasting, where,
// cast. Kernels: shaders/elementwise.wgsl, src/backend/cpu/elementwise.ts.
import type { BinaryOp, DType, UnaryOp } from '../backend/types.js';
import { getBackend } from '../runtime.js';
import { Tensor } from '../tensor-core.js';
import { applier, broadcastShapes, broadcastView, castRule, type OpRules, requireFloat, view } from './registry.js';

export type Operand = Tensor | number;

const FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'exp', 'log', 'sqrt', 'reciprocal', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu',
  'reluGrad', 'leakyReluGrad', 'eluGrad', 'geluGrad', 'powScalar', 'rdivScalar',
]);

export const elementwiseRules: OpRules<'unary' | 'binary' | 'where' | 'cast'> = {
  unary: {
    kernel: 'unary',
    infer: ([x], { op }) => {
      if (FLOAT_ONLY.has(op)) requireFloat(op, x);
      return { shape: [...x.shape], dtype: x.dtype };
    },
    forward: (be, [x], { op, alpha }, out) => be.unary(op, x.storage, out, alpha),
    backward: (g, { inputs: [x], out, params: { op, alpha } }) => [unaryGrad(op, alpha, g, x, out)],
  },
  binary: {
    kernel: 'binary',
    infer: ([a, b], { op, outShape }) => {
      if (a.dtype !== b.dtype) throw new Error(`webgrad: ${op}: dtypes ${a.dtype} and ${b.dtype} differ (cast one with .cast())`);
      return { shape: outShape, dtype: a.dtype };
    },
    forward: (be, [a, b], { op, outShape }, out) =>
      be.binary(op, a.storage, broadcastView(a, outShape), b.storage, broadcastView(b, outShape), out),
    backward: (g, { inputs: [a, b], out, params: { op } }) => {
      const [ga, gb] = binaryGrad(op, g, a, b, out);
      return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
    },
  },
  where: {
    kernel: 'where',
    infer: ([, a, b], { outShape }) => {
      if (a.dtype !== b.dtype) throw new Error(`webgrad: where: dtypes ${a.dtype} and ${b.dtype} differ`);
      return { shape: outShape, dtype: a.dtype };
    },
    forward: (be, [c, a, b], { outShape }, out) =>
      be.where(c.storage, broadcastView(c, outShape), a.storage, broadcastView(a, outShape), b.storage, broadcastView(b, outShape), out),
    backward: (g, { inputs: [c, a, b] }) => {
      const zero = zerosLike(g);
      return [null, sumTo(where(c, g, zero), a.shape), sumTo(where(c, zero, g), b.shape)];
    },
  },
  cast: castRule,

};

const apply = applier(elementwiseRules);

function unaryGrad(op: UnaryOp, alpha: number, g: Tensor, x: Tensor, y: Tensor): Tensor {
  switch (op) {
    case 'neg': return g.neg();
    case 'exp': return g.mul(y);
    case 'log': return g.div(x);
    case 'sqrt': return g.div(y.mul(2));
    case 'abs': return g.mul(unary('sign', x));
    case 'square': return g.mul(x.mul(2));
    case 'reciprocal': return g.neg().mul(y.square());
    case 'relu': return g.mul(unary('reluGrad', x));
    case 'leakyRelu': return g.mul(unary('leakyReluGrad', x, alpha));
    case 'elu': return g.mul(unary('eluGrad', x, alpha));
    case 'sigmoid': return g.mul(y.mul(unary('rsubScalar', y, 1)));
    case 'tanh': return g.mul(unary('rsubScalar', y.square(), 1));
    case 'gelu': return g.mul(unary('geluGrad', x));
    case 'powScalar': return g.mul(unary('powScalar', x, alpha - 1).mul(alpha));
    case 'mulScalar': return unary('mulScalar', g, alpha);
    case 'addScalar': return g;
    case 'rsubScalar': return g.neg();
    case 'rdivScalar': return g.neg().mul(unary('rdivScalar', x.square(), alpha));
    case 'sign': case 'reluGrad': case 'leakyReluGrad': case 'eluGrad': case 'geluGrad':
      return zerosLike(g); // piecewise constant, or a second derivative webgrad does not provide
  }
}

function binaryGrad(op: BinaryOp, g: Tensor, a: Tensor, b: Tensor, y: Tensor): [Tensor | null, Tensor | null] {
  switch (op) {
    case 'add': return [g, g];
    case 'sub': return [g, g.neg()];
    case 'mul': return [g.mul(b), g.mul(a)];
    case 'div': return [g.div(b), g.neg().mul(y).div(b)];
    case 'pow': return [g.mul(b).mul(a.pow(b.sub(1))), g.mul(y).mul(a.log())];
    case 'maximum': case 'minimum': {
      // ties split the gradient evenly, as PyTorch
      const aWins = binary(op === 'maximum' ? 'greater' : 'less', a, b);
      const tie = binary('equal', a, b).mul(0.5);
      const wa = aWins.add(tie);
      return [g.mul(wa), g.mul(unary('rsubScalar', wa, 1))];
    }
    default:
      return [null, null];
  }
}

// ---- public functions ---------------------------------------------------------------------

export function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  if (x.dtype === 'int32' && FLOAT_ONLY.has(op)) x = x.cast('float32');
  return apply('unary', [x], { op, alpha });
}

/** Makes a 0-d tensor holding v, in dtype (a fill dispatch, no upload). */
export function scalarTensor(v: number, dtype: DType = 'float32'): Tensor {
  return full([], v, dtype);
}

/**
 * A 0-d tensor holding `read()`: a host number (a learning rate, a momentum) that a step composed
 * from ops multiplies by. A number passed to an op is fixed in its uniforms when a compiled step
 * is captured; this one is read again on every replay, by the fill that makes it. `read` runs
 * once per call, eager or replayed (so it may count steps). Host state that changes what the
 * step computes belongs in a capture guard (StepCapture.guard), not here.
 */
export function hostScalar(read: () => number, dtype: DType = 'float32'): Tensor {
  const be = getBackend();
  const s = be.alloc(1, dtype);
  be.fill(s, read(), read);
  return Tensor.fromStorage(s, [], false);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const be = getBackend();
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`webgrad: invalid shape [${shape}]: dimensions must be non-negative integers`);
    size *= d;
  }
  const s = be.alloc(size, dtype);
  if (size > 0) be.fill(s, value);
  return Tensor.fromStorage(s, [...shape], false);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

const RANK: Record<DType, number> = { int32: 0, float16: 1, float32: 2 };

/** PyTorch's promotion for two tensors: int32 < float16 < float32 */
function promote(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.dtype === b.dtype) return [a, b];
  const to = RANK[a.dtype] > RANK[b.dtype] ? a.dtype : b.dtype;
  return [a.cast(to), b.cast(to)];
}

/** the dtype of a tensor combined with a number: a float tensor keeps its dtype; int32 stays int32 only with an integer */
const scalarDType = (t: Tensor, v: number): DType => (t.dtype === 'int32' ? (Number.isInteger(v) ? 'int32' : 'float32') : t.dtype);

export function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`webgrad: ${op}: at least one operand must be a tensor`);
  if (typeof b === 'number') {
    const ta = a as Tensor;
    const isInt = ta.dtype === 'int32' && Number.isInteger(b);
    // scalar fast paths: one unary dispatch, no scalar tensor
    if (op === 'add') return unary('addScalar', ta, b);
    if (op === 'sub') return unary('addScalar', ta, -b);
    if (op === 'mul') return unary('mulScalar', ta, b);
    if (op === 'div' && !isInt) return unary('mulScalar', ta, 1 / b);
    if (op === 'pow' && !isInt) return unary('powScalar', ta, b);
    b = scalarTensor(b, scalarDType(ta, b));
  } else if (typeof a === 'number') {
    const tb = b as Tensor;
    if (op === 'add') return unary('addScalar', tb, a);
    if (op === 'mul') return unary('mulScalar', tb, a);
    if (op === 'sub') return unary('rsubScalar', tb, a);
    if (op === 'div' && tb.dtype !== 'int32') return unary('rdivScalar', tb, a);
    a = scalarTensor(a, scalarDType(tb, a));
  }
  const [x, y] = promote(a as Tensor, b as Tensor);
  const outShape = broadcastShapes(op, x.shape, y.shape);
  return apply('binary', [x, y], { op, outShape });
}

export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const other = typeof a === 'number' ? (typeof b === 'number' ? null : b) : a;
  const ta = typeof a === 'number' ? scalarTensor(a, other && other.dtype !== 'int32' ? other.dtype : 'float32') : a;
  const tb = typeof b === 'number' ? scalarTensor(b, other && other.dtype !== 'int32' ? other.dtype : 'float32') : b;
  const [x, y] = promote(ta, tb);
  const outShape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  return apply('where', [cond, x, y], { outShape });
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return apply('cast', [x], { dtype });
}

export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min !== undefined && max !== undefined && min > max) throw new Error(`webgrad: clamp: min ${min} > max ${max}`);
  let y = x;
  if (min !== undefined) y = binary('maximum', y, min);
  if (max !== undefined) y = binary('minimum', y, max);
  return y;
}

/** Sums g over the broadcast axes so it has `shape` (the adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const off = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? g.sum(axes, true) : g;
  return s.reshape([...shape]);
}
