// Reductions over any set of axes: sum, max, min, argmax, argmin (+ mean, var built on sum).
// Kernel: shaders/reduce.wgsl, src/backend/cpu/reduce.ts, over an [outer, reduce, inner] view;
// non-adjacent axes are first moved to the end with one strided copy.
import type { ReduceOp } from '../backend/types.js';
import type { Tensor } from '../tensor-core.js';
import { autocastFull } from './autocast.js';
import { binary } from './elementwise.js';
import { applier, contiguous, normAxis, type OpRules } from './registry.js';

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export const reduceRules: OpRules<'reduce'> = {
  reduce: {
    kernel: 'reduce',
    infer: ([x], { op, axes, keepdim }) => {
      if ((op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin') && axes.some((a) => x.shape[a] === 0))
        throw new Error(`webgrad: ${op}: cannot reduce over an empty axis of [${x.shape}]`);
      const shape = keepdim ? keptShape(x.shape, axes) : x.shape.filter((_, i) => !axes.includes(i));
      return { shape, dtype: op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype };
    },
    forward: (be, [x], { op, axes }, out) => {
      const rank = x.shape.length;
      const contiguousBlock = axes.length === 0 || axes[axes.length - 1] - axes[0] === axes.length - 1;
      if (contiguousBlock && axes.length > 0) {
        const outer = x.shape.slice(0, axes[0]).reduce((a, b) => a * b, 1);
        const r = axes.reduce((a, ax) => a * x.shape[ax], 1);
        const inner = x.shape.slice(axes[axes.length - 1] + 1).reduce((a, b) => a * b, 1);
        be.reduce(op, x.storage, outer, r, inner, out);
        return;
      }
      // sum / max / min over several contiguous runs of axes (conv's bias gradient: [0, 2, 3]):
      // reduce the runs last to first, each in place of a copy (a strided copy is a slow
      // per-element gather on a software adapter; the first reduction shrinks the data)
      if ((op === 'sum' || op === 'max' || op === 'min') && axes.length > 0) {
        let shape = [...x.shape];
        let src = x.storage;
        let rest = [...axes];
        while (rest.length > 0) {
          let start = rest.length - 1;
          while (start > 0 && rest[start - 1] === rest[start] - 1) start--;
          const run = rest.slice(start);
          rest = rest.slice(0, start);
          const outer = shape.slice(0, run[0]).reduce((a, b) => a * b, 1);
          const r = run.reduce((a, ax) => a * shape[ax], 1);
          const inner = shape.slice(run[run.length - 1] + 1).reduce((a, b) => a * b, 1);
          const dst = rest.length === 0 ? out : be.alloc(outer * inner, x.dtype);
          be.reduce(op, src, outer, r, inner, dst);
          if (src !== x.storage) be.free(src);
          src = dst;
          shape = shape.filter((_, i) => !run.includes(i));
        }
        return;
      }
      // move the reduced axes last (one strided copy), then reduce [outer, r, 1]
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const order = [...kept, ...axes];
      const strides = contiguous(x.shape);
      const tmp = be.alloc(x.size, x.dtype);
      be.copyStrided(x.storage, { shape: order.map((a) => x.shape[a]), strides: order.map((a) => strides[a]), offset: 0 }, tmp);
      const r = axes.reduce((a, ax) => a * x.shape[ax], 1);
      be.reduce(op, tmp, r === 0 ? 0 : x.size / r, r, 1, out);
      be.free(tmp);
      void rank;
    },
    backward: (g, { inputs: [x], out, params: { op, axes, keepdim } }) => {
      const shapeKept = keptShape(x.shape, axes);
      const gk = keepdim ? g : g.reshape(shapeKept);
      if (op === 'sum') return [gk.expand(x.shape)];
      // max/min: the gradient goes to the extreme elements, split evenly among ties
      const yk = keepdim ? out : out.reshape(shapeKept);
      const mask = binary('equal', x, yk);
      const count = mask.sum(axes, true);
      return [mask.mul(gk.div(count))];
    },
  },
};

const apply = applier(reduceRules);

/** Normalises an axis argument: undefined = all axes; returns sorted unique axes. */
export function normAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) {
    const all = new Array<number>(rank);
    for (let i = 0; i < rank; i++) all[i] = i;
    return all;
  }
  if (typeof axis === 'number') return [normAxis(op, axis, rank)];
  const list = axis;
  const norm = [...new Set(list.map((a) => normAxis(op, a, rank)))].sort((a, b) => a - b);
  return norm;
}

export function reduce(op: ReduceOp, x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  if (op === 'sum') x = autocastFull(x);
  const axes = normAxes(op, axis, x.shape.length);
  if ((op === 'argmax' || op === 'argmin') && axis === undefined && x.shape.length > 1) {
    // NumPy semantics: index into the flattened tensor
    return apply('reduce', [x.reshape([x.size])], { op, axes: [0], keepdim: false });
  }
  return apply('reduce', [x], { op, axes, keepdim });
}

export function mean(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = normAxes('mean', axis, x.shape.length);
  const n = axes.reduce((a, ax) => a * x.shape[ax], 1);
  x = autocastFull(x);
  return reduce('sum', x.dtype === 'int32' ? x.cast('float32') : x, axes, keepdim).mul(1 / n);
}

/** Variance; unbiased (divides by n − 1) by default, as torch.var. */
export function variance(x: Tensor, axis?: number | readonly number[], { keepdim = false, unbiased = true } = {}): Tensor {
  const axes = normAxes('var', axis, x.shape.length);
  const n = axes.reduce((a, ax) => a * x.shape[ax], 1);
  x = autocastFull(x);
  const centred = x.sub(mean(x, axes, true));
  return reduce('sum', centred.square(), axes, keepdim).mul(1 / Math.max(unbiased ? n - 1 : n, 0));
}
