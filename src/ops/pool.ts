// Pooling on NCHW tensors: max (int32 argmax indices saved in the forward, the backward
// routes each gradient to its argmax, ties to the first index), average (count_include_pad
// as PyTorch's default) and adaptive average (PyTorch's bins). Kernels: shaders/pool.wgsl,
// src/backend/cpu/pool.ts.
import type { Pool2dArgs } from '../backend/types.js';
import type { Tensor } from '../tensor-core.js';
import { convOutSize, pair } from './conv.js';
import { applier, type OpRules, requireFloat } from './registry.js';

const outShape = (x: Tensor, a: Pool2dArgs): number[] => [x.shape[0], x.shape[1], a.outH, a.outW];
const inShape = (g: Tensor, a: Pool2dArgs): number[] => [g.shape[0], g.shape[1], a.h, a.w];

export const poolRules: OpRules<'maxPool2dArgmax' | 'poolGather' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward'> = {
  maxPool2dArgmax: {
    kernel: 'maxPool2dArgmax',
    infer: ([x], { args }) => {
      requireFloat('maxPool2d', x);
      return { shape: outShape(x, args), dtype: 'int32' };
    },
    forward: (be, [x], { args }, out) => be.maxPool2dArgmax(x.storage, out, args),
    backward: 'none',
  },
  poolGather: {
    kernel: 'poolGather',
    infer: ([x], { args }) => ({ shape: outShape(x, args), dtype: 'float32' }),
    forward: (be, [x, idx], { args }, out) => be.poolGather(x.storage, idx.storage, out, args),
    backward: (g, { inputs: [, idx], params: { args } }) => [apply('maxPool2dBackward', [g, idx], { args }), null],
  },
  maxPool2dBackward: {
    kernel: 'maxPool2dBackward',
    infer: ([g], { args }) => ({ shape: inShape(g, args), dtype: 'float32' }),
    forward: (be, [g, idx], { args }, out) => be.maxPool2dBackward(g.storage, idx.storage, out, args),
    // the adjoint of a scatter is the gather at the same indices
    backward: (gg, { inputs: [, idx], params: { args } }) => [apply('poolGather', [gg, idx], { args }), null],
  },
  avgPool2d: {
    kernel: 'avgPool2d',
    infer: ([x], { args }) => {
      requireFloat('avgPool2d', x);
      return { shape: outShape(x, args), dtype: 'float32' };
    },
    forward: (be, [x], { args }, out) => be.avgPool2d(x.storage, out, args),
    backward: (g, { params: { args } }) => [apply('avgPool2dBackward', [g], { args })],
  },
  avgPool2dBackward: {
    kernel: 'avgPool2dBackward',
    infer: ([g], { args }) => ({ shape: inShape(g, args), dtype: 'float32' }),
    forward: (be, [g], { args }, out) => be.avgPool2dBackward(g.storage, out, args),
    backward: 'none',
  },
};

const apply = applier(poolRules);

export interface Pool2dOptions {
  /** default: the kernel size */
  stride?: number | [number, number];
  padding?: number | [number, number];
}

function windowArgs(op: string, x: Tensor, kernelSize: number | [number, number], opts: Pool2dOptions, countIncludePad: boolean): Pool2dArgs {
  if (x.shape.length !== 4) throw new Error(`webgrad: ${op}: expects an [N, C, H, W] input, got [${x.shape}]`);
  const [kernelH, kernelW] = pair(kernelSize);
  const [strideH, strideW] = pair(opts.stride ?? kernelSize);
  const [padH, padW] = pair(opts.padding ?? 0);
  if ([kernelH, kernelW, strideH, strideW].some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`webgrad: ${op}: kernel [${kernelH}, ${kernelW}] and stride [${strideH}, ${strideW}] must be positive integers`);
  if (padH < 0 || padW < 0 || padH > kernelH / 2 || padW > kernelW / 2)
    throw new Error(`webgrad: ${op}: padding [${padH}, ${padW}] must be between 0 and half the kernel [${kernelH}, ${kernelW}] (as PyTorch)`);
  const [, , h, w] = x.shape;
  const outH = convOutSize(h, kernelH, strideH, padH, 1);
  const outW = convOutSize(w, kernelW, strideW, padW, 1);
  if (outH < 1 || outW < 1) throw new Error(`webgrad: ${op}: the ${kernelH}x${kernelW} window does not fit the ${h}x${w} input`);
  return { planes: x.shape[0] * x.shape[1], h, w, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, adaptive: false, countIncludePad };
}

/** max over each window; the gradient goes to the (first) argmax */
export function maxPool2d(x: Tensor, kernelSize: number | [number, number], opts: Pool2dOptions = {}): Tensor {
  const args = windowArgs('maxPool2d', x, kernelSize, opts, false);
  // the indices stay alive as the gather's input on the tape (the backward routes through them)
  const indices = apply('maxPool2dArgmax', [x], { args });
  return apply('poolGather', [x, indices], { args });
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** divide by the whole window, padding included (PyTorch's default true) */
  countIncludePad?: boolean;
}

export function avgPool2d(x: Tensor, kernelSize: number | [number, number], opts: AvgPool2dOptions = {}): Tensor {
  return apply('avgPool2d', [x], { args: windowArgs('avgPool2d', x, kernelSize, opts, opts.countIncludePad ?? true) });
}

/** average over PyTorch's adaptive bins [⌊i·H/out⌋, ⌈(i+1)·H/out⌉); outputSize 1 is global average pooling */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | [number, number]): Tensor {
  if (x.shape.length !== 4) throw new Error(`webgrad: adaptiveAvgPool2d: expects an [N, C, H, W] input, got [${x.shape}]`);
  const [outH, outW] = pair(outputSize);
  if (![outH, outW].every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`webgrad: adaptiveAvgPool2d: output size [${outH}, ${outW}] must be positive integers`);
  const [, , h, w] = x.shape;
  const args: Pool2dArgs = {
    planes: x.shape[0] * x.shape[1], h, w, outH, outW, kernelH: 0, kernelW: 0, strideH: 1, strideW: 1, padH: 0, padW: 0,
    adaptive: true, countIncludePad: false,
  };
  return apply('avgPool2d', [x], { args });
}
