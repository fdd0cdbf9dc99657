// WebGPU launchers for pooling (shaders/pool.wgsl).
import type { Pool2dArgs, Storage } from '../types.js';
import { type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { DefineName, EntryName, KernelSpec } from './kernel-spec.js';

const WG = 256;

/** the launcher keys are the Backend's kernel names (src/backend/types.ts) */
type PoolKernel = 'maxPool2dArgmax' | 'poolGather' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward';
const ENTRY: Record<PoolKernel, [entry: EntryName<'pool'>, define: DefineName<'pool'> | null]> = {
  maxPool2dArgmax: ['max_pool_argmax', 'ARGMAX'],
  poolGather: ['pool_gather', 'GATHER'],
  maxPool2dBackward: ['pool_backward', 'MAX_BACKWARD'],
  avgPool2d: ['avg_pool', null],
  avgPool2dBackward: ['pool_backward', null],
};

/** the windows cover the input without overlap or padding (the usual k = s max pool) */
const windowsTile = (a: Pool2dArgs): boolean =>
  !a.adaptive && a.kernelH === a.strideH && a.kernelW === a.strideW && a.padH === 0 && a.padW === 0;

function run(dev: WebGPUDevice, kernel: PoolKernel, a: Pool2dArgs, inputs: GpuStorage[], out: GpuStorage): void {
  // one invocation per row: of the input (w pixels) for the backward kernels, of the output
  // (outW windows) for argmax / gather
  const total = kernel === 'maxPool2dBackward' || kernel === 'avgPool2dBackward' ? out.size / a.w
    : kernel === 'maxPool2dArgmax' || kernel === 'poolGather' ? out.size / a.outW : out.size;
  if (total === 0) return;
  const [generalEntry, define] = ENTRY[kernel];
  const entry = kernel === 'maxPool2dBackward' && windowsTile(a) ? 'max_pool_backward_tiled' : generalEntry;
  dev.dispatch({
    shader: 'pool', entry, label: entry === generalEntry ? kernel : `${kernel}.tiled`,
    defines: define ? { [define]: true } : {}, constants: { WG },
    uniforms: new Uniforms().u32(
      a.planes, a.h, a.w, a.outH, a.outW, a.kernelH, a.kernelW, a.strideH, a.strideW, a.padH, a.padW,
      a.adaptive ? 1 : 0, a.countIncludePad ? 1 : 0, total,
    ),
    inputs, outputs: [out], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}

export const maxPool2dArgmax = (dev: WebGPUDevice, x: Storage, out: Storage, a: Pool2dArgs): void =>
  run(dev, 'maxPool2dArgmax', a, [gpuStorage(x)], gpuStorage(out));
export const poolGather = (dev: WebGPUDevice, x: Storage, idx: Storage, out: Storage, a: Pool2dArgs): void =>
  run(dev, 'poolGather', a, [gpuStorage(x), gpuStorage(idx)], gpuStorage(out));
export const maxPool2dBackward = (dev: WebGPUDevice, g: Storage, idx: Storage, out: Storage, a: Pool2dArgs): void =>
  run(dev, 'maxPool2dBackward', a, [gpuStorage(g), gpuStorage(idx)], gpuStorage(out));
export const avgPool2d = (dev: WebGPUDevice, x: Storage, out: Storage, a: Pool2dArgs): void =>
  run(dev, 'avgPool2d', a, [gpuStorage(x)], gpuStorage(out));
export const avgPool2dBackward = (dev: WebGPUDevice, g: Storage, out: Storage, a: Pool2dArgs): void =>
  run(dev, 'avgPool2dBackward', a, [gpuStorage(g)], gpuStorage(out));
