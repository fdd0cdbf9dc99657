// Shape/movement ops: reshape (an alias, no kernel), permute, expand, slice and its adjoint,
// concat. Kernels: shaders/copy.wgsl (copyStrided, scatterStridedInPlace), src/backend/cpu/copy.ts.
import type { StridedView } from '../backend/types.js';
import type { Tensor } from '../tensor-core.js';
import { applier, broadcastShapes, broadcastView, contiguous, normAxis, type OpRules } from './registry.js';

function sliceView(shape: readonly number[], starts: number[], ends: number[], steps: number[]): StridedView {
  const strides = contiguous(shape);
  let offset = 0;
  const outShape = shape.map((_, i) => Math.max(0, Math.ceil((ends[i] - starts[i]) / steps[i])));
  for (let i = 0; i < shape.length; i++) offset += starts[i] * strides[i];
  return { shape: outShape, strides: strides.map((s, i) => s * steps[i]), offset };
}

export const movementRules: OpRules<'reshape' | 'permute' | 'expand' | 'slice' | 'padInto' | 'concat'> = {
  reshape: {
    kernel: 'copyStrided',
    alias: true,
    infer: ([x], { shape }) => ({ shape, dtype: x.dtype }),
    forward: () => {},
    backward: (g, { inputs: [x] }) => [g.reshape([...x.shape])],
  },
  permute: {
    kernel: 'copyStrided',
    infer: ([x], { axes }) => ({ shape: axes.map((a) => x.shape[a]), dtype: x.dtype }),
    forward: (be, [x], { axes }, out) => {
      const strides = contiguous(x.shape);
      be.copyStrided(x.storage, { shape: axes.map((a) => x.shape[a]), strides: axes.map((a) => strides[a]), offset: 0 }, out);
    },
    backward: (g, { params: { axes } }) => {
      const inverse = new Array<number>(axes.length);
      axes.forEach((a, i) => (inverse[a] = i));
      return [permute(g, inverse)];
    },
  },
  expand: {
    kernel: 'copyStrided',
    infer: ([x], { shape }) => ({ shape, dtype: x.dtype }),
    forward: (be, [x], { shape }, out) => be.copyStrided(x.storage, broadcastView(x, shape), out),
    backward: (g, { inputs: [x] }) => [g.sumTo(x.shape)],
  },
  slice: {
    kernel: 'copyStrided',
    infer: ([x], { starts, ends, steps }) => ({ shape: [...sliceView(x.shape, starts, ends, steps).shape], dtype: x.dtype }),
    forward: (be, [x], { starts, ends, steps }, out) => be.copyStrided(x.storage, sliceView(x.shape, starts, ends, steps), out),
    backward: (g, { inputs: [x], params: { starts, steps } }) => [apply('padInto', [g], { shape: [...x.shape], starts, steps })],
  },
  padInto: {
    kernel: 'scatterStridedInPlace',
    infer: ([g], { shape }) => ({ shape, dtype: g.dtype }),
    forward: (be, [g], { shape, starts, steps }, out) => {
      be.fill(out, 0);
      const ends = starts.map((s, i) => s + g.shape[i] * steps[i]);
      be.scatterStridedInPlace(g.storage, out, sliceView(shape, starts, ends, steps));
    },
    backward: (g, { inputs: [x], params: { starts, steps } }) => [
      apply('slice', [g], { starts, ends: starts.map((s, i) => s + x.shape[i] * steps[i]), steps }),
    ],
  },
  concat: {
    kernel: 'scatterStridedInPlace',
    infer: (xs, { axis }) => {
      const first = xs[0];
      const shape = [...first.shape];
      shape[axis] = 0;
      for (const t of xs) {
        if (t.dtype !== first.dtype) throw new Error(`webgrad: concat: dtypes ${first.dtype} and ${t.dtype} differ`);
        if (t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i]))
          throw new Error(`webgrad: concat: shapes [${first.shape}] and [${t.shape}] differ outside axis ${axis}`);
        shape[axis] += t.shape[axis];
      }
      return { shape, dtype: first.dtype };
    },
    forward: (be, xs, { axis }, out) => {
      const shape = [...xs[0].shape];
      shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
      let at = 0;
      for (const t of xs) {
        const starts = shape.map((_, i) => (i === axis ? at : 0));
        const ends = shape.map((d, i) => (i === axis ? at + t.shape[axis] : d));
        if (t.size > 0) be.scatterStridedInPlace(t.storage, out, sliceView(shape, starts, ends, shape.map(() => 1)));
        at += t.shape[axis];
      }
    },
    backward: (g, { inputs, params: { axis } }) => {
      let at = 0;
      return inputs.map((t) => {
        const starts = g.shape.map((_, i) => (i === axis ? at : 0));
        const ends = g.shape.map((d, i) => (i === axis ? at + t.shape[axis] : d));
        at += t.shape[axis];
        return apply('slice', [g], { starts, ends, steps: g.shape.map(() => 1) });
      });
    },
  },
};

const apply = applier(movementRules);

// ---- public functions ---------------------------------------------------------------------

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  // plain loops: this runs on every flatten / view, in forward and backward
  let known = 1;
  let unknown = -1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1 && unknown === -1) unknown = i;
    else if (d < 0 || !Number.isInteger(d)) throw new Error(`webgrad: reshape: invalid shape [${shape}]`);
    else known *= d;
  }
  const size = x.size;
  const resolved = shape.slice();
  if (unknown >= 0) resolved[unknown] = known === 0 ? 0 : size / known;
  if ((unknown >= 0 ? known * resolved[unknown] : known) !== size || !Number.isInteger(resolved[unknown] ?? 0))
    throw new Error(`webgrad: reshape: cannot reshape [${x.shape}] (${size} elements) into [${shape}]`);
  let same = resolved.length === x.shape.length;
  for (let i = 0; same && i < resolved.length; i++) same = resolved[i] === x.shape[i];
  if (same) return x;
  return apply('reshape', [x], { shape: resolved });
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.shape.length;
  const norm = axes.map((a) => normAxis('permute', a, rank));
  if (norm.length !== rank || new Set(norm).size !== rank)
    throw new Error(`webgrad: permute: [${axes}] is not a permutation of the ${rank} axes of [${x.shape}]`);
  if (norm.every((a, i) => a === i)) return x;
  return apply('permute', [x], { axes: norm });
}

/** Swaps two axes (default: the last two, as a matrix transpose). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const rank = x.shape.length;
  if (rank < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normAxis('transpose', dim0, rank);
  const b = normAxis('transpose', dim1, rank);
  const axes = x.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes('expand', x.shape, shape);
  if (out.length !== shape.length || out.some((d, i) => d !== shape[i]))
    throw new Error(`webgrad: expand: [${x.shape}] cannot be expanded to [${shape}]`);
  if (out.length === x.shape.length && out.every((d, i) => d === x.shape[i])) return x;
  return apply('expand', [x], { shape: out });
}

/**
 * Slices every axis: ranges[i] = [start, end, step?] (negative indices count from the end,
 * missing axes are kept whole), as NumPy's x[a:b:c, ...]. Steps must be positive.
 */
export function slice(x: Tensor, ranges: readonly (readonly [number, number?, number?] | null)[]): Tensor {
  const rank = x.shape.length;
  if (ranges.length > rank) throw new Error(`webgrad: slice: ${ranges.length} ranges for a tensor of rank ${rank}`);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = x.shape[i];
    const r = ranges[i] ?? [0, d, 1];
    const step = r[2] ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new Error(`webgrad: slice: step ${step} on axis ${i} must be a positive integer`);
    const clampIdx = (v: number) => Math.min(d, Math.max(0, v < 0 ? v + d : v));
    const start = clampIdx(r[0]);
    starts.push(start);
    ends.push(Math.max(start, clampIdx(r[1] ?? d)));
    steps.push(step);
  }
  return apply('slice', [x], { starts, ends, steps });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('webgrad: concat: needs at least one tensor');
  const a = normAxis('concat', axis, xs[0].shape.length);
  if (xs.length === 1) return xs[0];
  return apply('concat', xs, { axis: a });
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const rank = x.shape.length;
  if (rank === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startDim, rank);
  const e = normAxis('flatten', endDim, rank);
  const mid = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
}
