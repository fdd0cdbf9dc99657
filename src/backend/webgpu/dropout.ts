// WebGPU launcher for dropout (shaders/dropout.wgsl); the threshold is shared with the CPU twin.
import { dropoutThreshold } from '../dropout-math.js';
import type { Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const WG = 256;

/** `reseed`: this call's seed in a replay of a compiled step (a new draw, or the forward's for the backward) */
export function dropout(dev: WebGPUDevice, x: Storage, out: Storage, p: number, seed: number, reseed?: () => number): void {
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const uniforms = (s: number): Uniforms => new Uniforms().u32(o.size, s >>> 0, dropoutThreshold(p)).f32(1 / (1 - p));
  dev.dispatch({
    shader: 'dropout', entry: 'dropout', label: 'dropout', constants: { WG },
    uniforms: uniforms(seed),
    refresh: reseed && (() => uniforms(reseed())),
    inputs: [gpuStorage(x)], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}
