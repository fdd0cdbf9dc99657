// WebGPU launcher for reductions (shaders/reduce.wgsl).
import type { ReduceOp, Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const OPS: readonly ReduceOp[] = ['sum', 'max', 'min', 'argmax', 'argmin'];

export function reduce(dev: WebGPUDevice, op: ReduceOp, x: Storage, outer: number, len: number, inner: number, out: Storage): void {
  const xs = gpuStorage(x);
  const o = gpuStorage(out);
  const nOut = outer * inner;
  if (nOut === 0) return;
  const isIdx = op === 'argmax' || op === 'argmin';
  // a workgroup per output when the reduction is long and there are few outputs to spread over threads
  // (a software adapter pays per invocation and per barrier, so there a serial loop per output
  // wins once there are a few workgroups of outputs: conv's bias gradient, 1024 rows of 1024,
  // measured 671 ms grouped vs 8 ms serial on SwiftShader in Node/Dawn)
  const group = dev.isSoftwareAdapter ? len >= 32 && nOut < 256 : len > 256 || (len >= 32 && nOut <= 2048);
  const WG = group ? (len >= 1024 ? 256 : 64) : 64;
  dev.dispatch({
    shader: 'reduce', entry: group ? 'reduce_group' : 'reduce_thread', label: `reduce.${op}`,
    defines: { X_INT: xs.dtype === 'int32', X_F16: xs.dtype === 'float16', IDX_OUT: isIdx },
    constants: { WG, OP: OPS.indexOf(op) },
    uniforms: new Uniforms().u32(outer, len, inner, nOut),
    inputs: [xs], outputs: [o], workgroups: group ? nOut : Math.ceil(nOut / WG),
  } satisfies KernelSpec);
}
