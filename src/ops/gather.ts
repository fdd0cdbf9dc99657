// Indexing: gather / indexSelect along an axis, its adjoint, one-hot.
// Kernels: shaders/gather.wgsl, src/backend/cpu/gather.ts.
import type { Tensor } from '../tensor-core.js';
import { applier, normAxis, type OpRules } from './registry.js';

function split(shape: readonly number[], axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return [outer, shape[axis], inner];
}

function checkIndices(op: string, idx: Tensor): void {
  if (idx.dtype !== 'int32' || idx.shape.length !== 1)
    throw new Error(`webgrad: ${op}: indices must be a 1-D int32 tensor, got ${idx.dtype} [${idx.shape}]`);
}

export const gatherRules: OpRules<'gather' | 'gatherBackward' | 'oneHot'> = {
  gather: {
    kernel: 'gather',
    infer: ([x, idx], { axis }) => {
      checkIndices('gather', idx);
      const shape = [...x.shape];
      shape[axis] = idx.shape[0];
      return { shape, dtype: x.dtype };
    },
    forward: (be, [x, idx], { axis }, out) => {
      const [outer, len, inner] = split(x.shape, axis);
      be.gather(x.storage, idx.storage, outer, len, inner, out);
    },
    backward: (g, { inputs: [x, idx], params: { axis } }) => [
      apply('gatherBackward', [g, idx], { axis, axisLen: x.shape[axis] }),
      null,
    ],
  },
  gatherBackward: {
    kernel: 'gatherBackward',
    infer: ([g], { axis, axisLen }) => {
      const shape = [...g.shape];
      shape[axis] = axisLen;
      return { shape, dtype: g.dtype };
    },
    forward: (be, [g, idx], { axis, axisLen }, out) => {
      const [outer, , inner] = split(g.shape, axis);
      be.gatherBackward(g.storage, idx.storage, outer, axisLen, inner, out);
    },
    backward: (g, { inputs: [, idx], params: { axis } }) => [gather(g, idx, axis), null],
  },
  oneHot: {
    kernel: 'oneHot',
    infer: ([y], { classes }) => {
      checkIndices('oneHot', y);
      return { shape: [y.shape[0], classes], dtype: 'float32' };
    },
    forward: (be, [y], { classes }, out) => be.oneHot(y.storage, y.shape[0], classes, out),
    backward: 'none',
  },
};

const apply = applier(gatherRules);

/** Rows (or slices along `axis`) of x picked by int32 indices, as torch.index_select. */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  return apply('gather', [x, indices], { axis: normAxis('gather', axis, x.shape.length) });
}

export function oneHot(labels: Tensor, classes: number): Tensor {
  if (!Number.isInteger(classes) || classes <= 0) throw new Error(`webgrad: oneHot: classes must be a positive integer, got ${classes}`);
  return apply('oneHot', [labels], { classes });
}
