// WebGPU launchers for softmax / log-softmax and the fused cross-entropy (shaders/softmax.wgsl).
import type { Storage } from '../types.js';
import { checkedOpName } from '../device-checks.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';
import { deviceChecks } from './device-checks.js';

/** threads per row: the smallest power of two in [32, 256] covering the row (or 256) */
function rowThreads(cols: number): number {
  let wg = 32;
  while (wg < cols && wg < 256) wg *= 2;
  return wg;
}

export function softmax(dev: WebGPUDevice, x: Storage, rows: number, cols: number, log: boolean, out: Storage): void {
  const xs = gpuStorage(x);
  const o = gpuStorage(out);
  if (rows === 0 || cols === 0) return;
  dev.dispatch({
    shader: 'softmax', entry: 'softmax_rows', label: log ? 'logSoftmax' : 'softmax',
    constants: { WG: rowThreads(cols), LOG: log ? 1 : 0 },
    uniforms: new Uniforms().u32(rows, cols).f32(0).u32(0),
    inputs: [xs], outputs: [o], workgroups: rows,
  } satisfies KernelSpec);
}

export function crossEntropy(dev: WebGPUDevice, logits: Storage, labels: Storage, rows: number, cols: number, smoothing: number, out: Storage): void {
  const xs = gpuStorage(logits);
  const ys = gpuStorage(labels);
  const o = gpuStorage(out);
  if (rows === 0) return;
  const check = deviceChecks(dev).use(checkedOpName('crossEntropy'), 'label');
  dev.dispatch({
    shader: 'softmax', entry: 'cross_entropy', label: 'crossEntropy',
    defines: { LABEL_INT: ys.dtype === 'int32' },
    constants: { WG: rowThreads(cols) },
    uniforms: new Uniforms().u32(rows, cols).f32(smoothing).u32(check.code),
    refresh: check.replayed(new Uniforms().u32(rows, cols).f32(smoothing).u32(check.code)),
    inputs: [xs, ys], outputs: [o, check.buffer], workgroups: rows,
  } satisfies KernelSpec);
}

export function crossEntropyBackward(
  dev: WebGPUDevice, logits: Storage, labels: Storage, gradScale: Storage, rows: number, cols: number, smoothing: number, out: Storage,
): void {
  const xs = gpuStorage(logits);
  const ys = gpuStorage(labels);
  const gs = gpuStorage(gradScale);
  const o = gpuStorage(out);
  if (rows === 0 || cols === 0) return;
  dev.dispatch({
    shader: 'softmax', entry: 'cross_entropy_backward', label: 'crossEntropyBackward',
    defines: { LABEL_INT: ys.dtype === 'int32' },
    constants: { WG: rowThreads(cols) },
    uniforms: new Uniforms().u32(rows, cols).f32(smoothing).u32(0),
    inputs: [xs, ys, gs], outputs: [o], workgroups: rows,
  } satisfies KernelSpec);
}
