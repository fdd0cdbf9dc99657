// WebGPU launcher for pairwise L1 distances (shaders/distance.wgsl).
import type { Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

/** outputs per invocation along each axis (the shader's TILE) and invocations per workgroup axis */
const TILE = 4;
const WG = 8;

export function pairwiseL1(dev: WebGPUDevice, a: Storage, b: Storage, m: number, n: number, d: number, out: Storage): void {
  const as = gpuStorage(a);
  const bs = gpuStorage(b);
  const o = gpuStorage(out);
  if (m === 0 || n === 0) return;
  const per = TILE * WG;
  dev.dispatch({
    shader: 'distance', entry: 'pairwise_l1', label: 'pairwiseL1',
    constants: { WG_X: WG, WG_Y: WG },
    uniforms: new Uniforms().u32(m, n, d, 0),
    inputs: [as, bs], outputs: [o], workgroups: [Math.ceil(n / per), Math.ceil(m / per), 1],
  } satisfies KernelSpec);
}
