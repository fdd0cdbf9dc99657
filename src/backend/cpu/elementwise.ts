// CPU reference for the elementwise family (shaders/elementwise.wgsl): fill, unary, binary, where.
import { binaryInt, binaryScalar, unaryScalar } from '../scalar-math.js';
import type { BinaryOp, Storage, StridedView, UnaryOp } from '../types.js';
import { cpuData, viewOffsets } from './storage.js';

export function fill(out: Storage, value: number): void {
  cpuData(out).fill(value);
}

export function unary(op: UnaryOp, x: Storage, out: Storage, alpha: number): void {
  const src = cpuData(x);
  const dst = cpuData(out);
  const isInt = out.dtype === 'int32';
  for (let i = 0; i < dst.length; i++) {
    const v = unaryScalar(op, src[i], alpha);
    dst[i] = isInt ? v | 0 : v;
  }
}

export function binary(op: BinaryOp, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage): void {
  const av = cpuData(a);
  const bv = cpuData(b);
  const dst = cpuData(out);
  const ao = viewOffsets(aView);
  const bo = viewOffsets(bView);
  const f = out.dtype === 'int32' && a.dtype === 'int32' ? binaryInt : binaryScalar;
  for (let i = 0; i < dst.length; i++) dst[i] = f(op, av[ao[i]], bv[bo[i]]);
}

export function where(
  cond: Storage, condView: StridedView, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage,
): void {
  const cv = cpuData(cond);
  const av = cpuData(a);
  const bv = cpuData(b);
  const dst = cpuData(out);
  const co = viewOffsets(condView);
  const ao = viewOffsets(aView);
  const bo = viewOffsets(bView);
  for (let i = 0; i < dst.length; i++) dst[i] = cv[co[i]] !== 0 ? av[ao[i]] : bv[bo[i]];
}
