// WebGPU launcher for batched matmul (shaders/matmul.wgsl). Structured as a list of kernel
// variants plus a chooser, so tuned variants (and autotuning) can be added beside `regBlocked`.
import type { MatmulArgs, Storage } from '../types.js';
import { type DispatchSpec, type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';

export interface MatmulVariant {
  name: string;
  /** whether this variant can run these args at all */
  supports(args: MatmulArgs): boolean;
  /** the dispatch for these args */
  plan(a: GpuStorage, b: GpuStorage, out: GpuStorage, args: MatmulArgs): DispatchSpec;
}

function regBlocked(block: 4 | 8): MatmulVariant {
  const WGX = 8;
  const WGY = 8;
  return {
    name: `regBlocked${block}x${block}`,
    supports: () => true,
    plan(a, b, out, args) {
      const { batch, m, n, k, transA, transB, aBatchStride, bBatchStride } = args;
      const tilesM = Math.ceil(m / (block * WGY));
      const tilesN = Math.ceil(n / (block * WGX));
      const a4 = aBatchStride % 4 === 0 || batch === 1;
      const b4 = bBatchStride % 4 === 0 || batch === 1;
      const defines = {
        BLOCK8: block === 8,
        TRANS_A: transA,
        TRANS_B: transB,
        A_VEC: !transA && k % 4 === 0 && a4,
        A_TVEC: transA && m % 4 === 0 && a4,
        B_VEC: !transB && n % 4 === 0 && b4,
        B_TVEC: transB && k % 4 === 0 && b4,
        C_VEC: n % 4 === 0,
      };
      return {
        shader: 'matmul', entry: 'matmul', label: `matmul.${this.name}`,
        defines, constants: { WGX, WGY },
        uniforms: new Uniforms().u32(m, n, k, batch, batch === 1 ? 0 : aBatchStride, batch === 1 ? 0 : bBatchStride, tilesM, tilesN),
        inputs: [a, b], outputs: [out], workgroups: batch * tilesM * tilesN,
      };
    },
  };
}

export const matmulVariants: MatmulVariant[] = [regBlocked(8), regBlocked(4)];

/** picks a variant: 8x8 blocks when the output is large enough to fill the machine, else 4x4 */
export function chooseMatmulVariant(args: MatmulArgs): MatmulVariant {
  const big = args.m >= 64 && args.n >= 64;
  const v = matmulVariants.find((x) => x.name === (big ? 'regBlocked8x8' : 'regBlocked4x4') && x.supports(args));
  return v ?? matmulVariants.find((x) => x.supports(args))!;
}

export function matmul(dev: WebGPUDevice, a: Storage, b: Storage, out: Storage, args: MatmulArgs, variant?: MatmulVariant): void {
  const as = gpuStorage(a);
  const bs = gpuStorage(b);
  const o = gpuStorage(out);
  if (args.batch * args.m * args.n === 0) return;
  if (args.k === 0) {
    dev.dispatch(fillZeroSpec(o, args.batch * args.m * args.n));
    return;
  }
  dev.dispatch((variant ?? chooseMatmulVariant(args)).plan(as, bs, o, args));
}

function fillZeroSpec(o: GpuStorage, n: number): DispatchSpec {
  return {
    shader: 'elementwise', entry: 'fill', label: 'matmul.k0', defines: {}, constants: { WG: 256 },
    uniforms: new Uniforms().u32(n, 0).f32(0).i32(0).vec4Array('u32', [], 8).vec4Array('i32', [], 24).vec4Array('i32', [], 4),
    inputs: [], outputs: [o], workgroups: Math.ceil(n / 256),
  };
}
