// WebGPU launcher for batched matmul (shaders/matmul.wgsl): picks a variant (matmul-variants.ts)
// through the per-device tuner (matmul-tuner.ts), which measures the variants the first time a
// shape class is seen, and records its dispatch.
import type { MatmulArgs, Storage } from '../types.js';
import { type WebGPUDevice, gpuStorage } from './device.js';
import { fill } from './elementwise.js';
import { tunerFor } from './matmul-tuner.js';
import { type MatmulEpilogue, type MatmulVariant, fittedVariant } from './matmul-variants.js';

export * from './matmul-variants.js';

/**
 * The variant for args on this device: on a software adapter a workgroup fitted to a narrow
 * product (see fittedVariant), otherwise the tuner's (stored, measured or default) choice.
 */
export function chooseMatmulVariant(dev: WebGPUDevice, args: MatmulArgs): MatmulVariant {
  return (dev.isSoftwareAdapter && fittedVariant(args)) || tunerFor(dev).choose(args);
}

export function matmul(
  dev: WebGPUDevice, a: Storage, b: Storage, out: Storage, args: MatmulArgs, variant?: MatmulVariant, epilogue?: MatmulEpilogue,
): void {
  const as = gpuStorage(a);
  const bs = gpuStorage(b);
  const o = gpuStorage(out);
  if (args.batch * args.m * args.n === 0) return;
  const bias = epilogue?.rowBias;
  if (as.dtype !== bs.dtype || as.dtype !== o.dtype || (bias && bias.dtype !== o.dtype))
    throw new Error(`webgrad: matmul: operands ${as.dtype}, ${bs.dtype}${bias ? `, bias ${bias.dtype}` : ''} and output ${o.dtype} must share one dtype`);
  if (args.k === 0) {
    if (epilogue && (epilogue.rowBias || epilogue.relu)) throw new Error('webgrad: matmul: a fused epilogue needs k > 0 (the caller runs it separately)');
    fill(dev, o, 0, 'matmul.k0');
    return;
  }
  dev.dispatch((variant ?? chooseMatmulVariant(dev, args)).plan(as, bs, o, args, epilogue));
}
