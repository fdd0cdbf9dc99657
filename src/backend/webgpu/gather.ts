// WebGPU launchers for gather / gatherBackward / oneHot (shaders/gather.wgsl).
import type { Storage } from '../types.js';
import { checkedOpName } from '../device-checks.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';
import { deviceChecks } from './device-checks.js';

const WG = 256;

function uniforms(outer: number, axisLen: number, inner: number, nIdx: number, total: number, errCode = 0): Uniforms {
  return new Uniforms().u32(outer, axisLen, inner, nIdx, total, errCode, 0, 0);
}

export function gather(dev: WebGPUDevice, x: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void {
  const xs = gpuStorage(x);
  const is = gpuStorage(indices);
  const o = gpuStorage(out);
  const total = outer * is.size * inner;
  if (total === 0) return;
  const check = deviceChecks(dev).use(checkedOpName('gather'), 'index');
  dev.dispatch({
    shader: 'gather', entry: 'gather', label: 'gather',
    defines: { IDX_INT: is.dtype === 'int32', X_INT: o.dtype === 'int32' },
    constants: { WG },
    uniforms: uniforms(outer, axisLen, inner, is.size, total, check.code),
    refresh: check.replayed(uniforms(outer, axisLen, inner, is.size, total, check.code)),
    inputs: [xs, is], outputs: [o, check.buffer], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}

export function gatherBackward(dev: WebGPUDevice, grad: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void {
  const gs = gpuStorage(grad);
  const is = gpuStorage(indices);
  const o = gpuStorage(out);
  const total = outer * axisLen * inner;
  if (total === 0) return;
  dev.dispatch({
    shader: 'gather', entry: 'gather_backward', label: 'gatherBackward',
    defines: { IDX_INT: is.dtype === 'int32' },
    constants: { WG },
    uniforms: uniforms(outer, axisLen, inner, is.size, total),
    inputs: [gs, is], outputs: [o], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}

export function oneHot(dev: WebGPUDevice, labels: Storage, n: number, classes: number, out: Storage): void {
  const ls = gpuStorage(labels);
  const o = gpuStorage(out);
  const total = n * classes;
  if (total === 0) return;
  const check = deviceChecks(dev).use(checkedOpName('oneHot'), 'label');
  dev.dispatch({
    shader: 'gather', entry: 'one_hot', label: 'oneHot',
    defines: { IDX_INT: ls.dtype === 'int32' },
    constants: { WG },
    uniforms: uniforms(n, classes, 1, n, total, check.code),
    refresh: check.replayed(uniforms(n, classes, 1, n, total, check.code)),
    inputs: [ls], outputs: [o, check.buffer], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}
