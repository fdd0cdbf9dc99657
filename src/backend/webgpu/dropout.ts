// WebGPU launcher for dropout (shaders/dropout.wgsl); the threshold is shared with the CPU twin.
import { dropoutThreshold } from '../dropout-math.js';
import type { Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const WG = 256;

export function dropout(dev: WebGPUDevice, x: Storage, out: Storage, p: number, seed: number): void {
  const o = gpuStorage(out);
  if (o.size === 0) return;
  dev.dispatch({
    shader: 'dropout', entry: 'dropout', label: 'dropout', constants: { WG },
    uniforms: new Uniforms().u32(o.size, seed >>> 0, dropoutThreshold(p)).f32(1 / (1 - p)),
    inputs: [gpuStorage(x)], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}
