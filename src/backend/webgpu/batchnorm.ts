// WebGPU launchers for fused batch norm (shaders/batchnorm.wgsl): the statistics and the
// gradient sums are one workgroup per channel; apply and the input gradient one invocation
// per element. Absent weight / bias / sums bind x (read-only bindings may alias); absent
// running statistics get distinct one-element dummies (writable bindings must not alias).
import type { BatchNormArgs, Storage } from '../types.js';
import { type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';

const WG = 256;

function uniforms(a: BatchNormArgs, flags: number, total: number): Uniforms {
  return new Uniforms().u32(a.n, a.channels, a.inner, a.fromVar ? 1 : 0).f32(a.eps, a.momentum).u32(flags, total);
}

const flagsOf = (weight: Storage | null, bias: Storage | null, third: boolean): number =>
  (weight ? 1 : 0) | (bias ? 2 : 0) | (third ? 4 : 0);

export function batchNormStats(dev: WebGPUDevice, x: Storage, out: Storage, a: BatchNormArgs, runningMean: Storage | null, runningVar: Storage | null): void {
  if (a.channels === 0 || a.n * a.inner === 0) return;
  const track = !!(runningMean && runningVar);
  const dummies: GpuStorage[] = [];
  const running = [runningMean, runningVar].map((s) => {
    if (track) return gpuStorage(s!);
    const d = gpuStorage(dev.alloc(1, 'float32'));
    dummies.push(d);
    return d;
  });
  if (!track && (runningMean || runningVar)) throw new Error('webgrad: batchNormStats: give both running statistics or neither');
  dev.dispatch({
    shader: 'batchnorm', entry: 'bn_stats', label: 'batchnorm.stats', defines: { STATS: true }, constants: { WG },
    uniforms: uniforms(a, track ? 4 : 0, 0),
    inputs: [gpuStorage(x)], outputs: [gpuStorage(out), ...running], workgroups: [a.channels, 1, 1],
  });
  for (const d of dummies) dev.free(d);
}

export function batchNormApply(dev: WebGPUDevice, x: Storage, s0: Storage, s1: Storage, weight: Storage | null, bias: Storage | null, out: Storage, a: BatchNormArgs): void {
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const X = gpuStorage(x);
  dev.dispatch({
    shader: 'batchnorm', entry: 'bn_apply', label: 'batchnorm.apply', defines: { APPLY: true }, constants: { WG },
    uniforms: uniforms(a, flagsOf(weight, bias, false), o.size),
    inputs: [X, gpuStorage(s0), gpuStorage(s1), weight ? gpuStorage(weight) : X, bias ? gpuStorage(bias) : X],
    outputs: [o], workgroups: Math.ceil(o.size / WG),
  });
}

export function batchNormGradStats(dev: WebGPUDevice, grad: Storage, x: Storage, s0: Storage, s1: Storage, out: Storage, a: BatchNormArgs): void {
  if (a.channels === 0) return;
  dev.dispatch({
    shader: 'batchnorm', entry: 'bn_grad_stats', label: 'batchnorm.gradStats', defines: { GRAD_STATS: true }, constants: { WG },
    uniforms: uniforms(a, 0, 0),
    inputs: [gpuStorage(x), gpuStorage(s0), gpuStorage(s1), gpuStorage(grad)], outputs: [gpuStorage(out)], workgroups: [a.channels, 1, 1],
  });
}

export function batchNormGradInput(dev: WebGPUDevice, grad: Storage, x: Storage, s0: Storage, s1: Storage, sums: Storage | null, weight: Storage | null, out: Storage, a: BatchNormArgs): void {
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const X = gpuStorage(x);
  dev.dispatch({
    shader: 'batchnorm', entry: 'bn_grad_input', label: 'batchnorm.gradInput', defines: { GRAD_INPUT: true }, constants: { WG },
    uniforms: uniforms(a, flagsOf(weight, null, !!sums), o.size),
    inputs: [X, gpuStorage(s0), gpuStorage(s1), gpuStorage(grad), sums ? gpuStorage(sums) : X, weight ? gpuStorage(weight) : X],
    outputs: [o], workgroups: Math.ceil(o.size / WG),
  });
}
