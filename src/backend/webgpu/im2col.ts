// WebGPU launchers for shaders/im2col.wgsl: the column buffer that turns conv2d into the
// tuned matmul (im2col), its adjoint (col2im), and the ordered sum of per-image partial
// weight gradients. Offsets in whole images let conv.ts work through a batch in chunks
// whose column buffer stays under a memory bound.
import type { Conv2dArgs, Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const WG = 256;

let columnLimitBytes = 64 * 1024 * 1024;

/** A column buffer larger than this (default 64 MiB) is built one batch chunk at a time. */
export const maxColumnBytes = (): number => columnLimitBytes;

/** sets the column-buffer bound (tests use a tiny one to exercise chunking); returns the previous */
export function setMaxColumnBytes(bytes: number): number {
  const previous = columnLimitBytes;
  columnLimitBytes = bytes;
  return previous;
}

/** rows of one image's column block: cIn·kH·kW (all groups, group-major) */
export const columnRows = (a: Conv2dArgs): number => a.cIn * a.kernelH * a.kernelW;

/** elements of one image's column block [cIn·kH·kW, outH·outW] */
export const columnsPerImage = (a: Conv2dArgs): number => columnRows(a) * a.outH * a.outW;

function uniforms(a: Conv2dArgs, images: number, n0: number, total: number): Uniforms {
  return new Uniforms().u32(
    images, n0, a.cIn, a.h, a.w, a.outH, a.outW, a.kernelH, a.kernelW,
    a.strideH, a.strideW, a.padH, a.padW, a.dilationH, a.dilationW, total,
  );
}

/** cols [images, cIn·kH·kW, outH·outW] from images n0 .. n0+images of x [n, cIn, h, w] */
export function im2col(dev: WebGPUDevice, x: Storage, cols: Storage, a: Conv2dArgs, n0 = 0, images = a.n): void {
  // one invocation per column-block row segment (image, (c, kh, kw), oh): outW elements each
  const total = images * columnRows(a) * a.outH;
  dev.dispatch({
    shader: 'im2col', entry: 'im2col', label: 'im2col', constants: {}, defines: { VEC4_ROWS: a.outW % 4 === 0, F16: x.dtype === 'float16' },
    uniforms: uniforms(a, images, n0, total),
    inputs: [gpuStorage(x)], outputs: [gpuStorage(cols)], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}

/** images n0 .. n0+images of dx [n, cIn, h, w] = the adjoint of im2col applied to cols */
export function col2im(dev: WebGPUDevice, cols: Storage, dx: Storage, a: Conv2dArgs, n0 = 0, images = a.n): void {
  const total = images * a.cIn * a.h * a.w;
  dev.dispatch({
    shader: 'im2col', entry: 'col2im', label: 'col2im', constants: {},
    defines: { UNIT_STRIDE: a.strideH === 1 && a.strideW === 1 && a.dilationH === 1 && a.dilationW === 1 },
    uniforms: uniforms(a, images, n0, total),
    inputs: [gpuStorage(cols)], outputs: [gpuStorage(dx)], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}

/** out[i] = (accumulate ? out[i] : 0) + Σ_p partials[p, i], p < count, i < len (fixed order) */
export function sumPartials(dev: WebGPUDevice, partials: Storage, count: number, len: number, out: Storage, accumulate: boolean): void {
  dev.dispatch({
    shader: 'im2col', entry: 'sum_images', label: `sumPartials${accumulate ? '.acc' : ''}`,
    defines: { ACCUMULATE: accumulate }, constants: {},
    uniforms: new Uniforms().u32(count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, len),
    inputs: [gpuStorage(partials)], outputs: [gpuStorage(out)], workgroups: Math.ceil(len / WG),
  } satisfies KernelSpec);
}
