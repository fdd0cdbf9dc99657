// The matmul kernel variants (shaders/matmul.wgsl's entries and switches) and how one is
// picked without measuring: the shape classes, the heuristic default per adapter, and the
// workgroups fitted to narrow products. The tuner (matmul-tuner.ts) and the launcher
// (matmul.ts) both build on this module.
import type { MatmulArgs, Storage } from '../types.js';
import { type GpuStorage, Uniforms, gpuStorage } from './device.js';
import type { Defines, KernelSpec } from './kernel-spec.js';

export interface MatmulVariant {
  name: string;
  /** 'registers': no workgroup memory (SwiftShader's best); 'workgroup': staged tiles (real GPUs) */
  kind: 'registers' | 'workgroup';
  /** the dispatch for these args, with the fused epilogue where given */
  plan(a: GpuStorage, b: GpuStorage, out: GpuStorage, args: MatmulArgs, epilogue?: MatmulEpilogue): KernelSpec;
}

/**
 * Applied to every stored element: + rowBias[row] (a conv's per-output-channel bias on its NCHW
 * product, rows being channels), then ReLU. Saves the separate bias + activation pass.
 */
export interface MatmulEpilogue {
  rowBias: Storage | null;
  relu: boolean;
}

export interface VariantShape {
  name: string;
  kind: MatmulVariant['kind'];
  /** outputs per invocation: rows x columns */
  rows: 4 | 8;
  cols: 4 | 8;
  /** invocations per workgroup in x (columns) and y (rows) */
  wgx: number;
  wgy: number;
  /** register-blocked only: read A and B as vec4 where layout and alignment allow */
  vecLoads: boolean;
  /** workgroup tiles only: k depth of one staged slice */
  tileK: number;
}

/** a variant from its shape (the fixed list below, and fittedVariant's workgroups shaped to a narrow product) */
export function variant(s: VariantShape): MatmulVariant {
  return {
    name: s.name,
    kind: s.kind,
    plan(a, b, out, args, epilogue) {
      const { batch, m, n, k, transA, transB, aBatchStride, bBatchStride } = args;
      const tilesM = Math.ceil(m / (s.rows * s.wgy));
      const tilesN = Math.ceil(n / (s.cols * s.wgx));
      // a vec4 view of a batched operand needs every batch's base on a 4-element boundary
      const aAligned = s.vecLoads && (aBatchStride % 4 === 0 || batch === 1);
      const bAligned = s.vecLoads && (bBatchStride % 4 === 0 || batch === 1);
      const defines: Defines<'matmul'> = {
        ROWS8: s.rows === 8,
        COLS8: s.cols === 8,
        TRANS_A: transA,
        TRANS_B: transB,
        A_VEC: aAligned && !transA && k % 4 === 0,
        A_TVEC: aAligned && transA && m % 4 === 0,
        B_VEC: bAligned && !transB && n % 4 === 0,
        B_TVEC: bAligned && transB && k % 4 === 0,
        C_VEC: n % 4 === 0,
        ROW_BIAS: !!epilogue?.rowBias,
        ACT_RELU: !!epilogue?.relu,
        // every operand f16 (the op layer never mixes them), accumulation in f32
        F16: a.dtype === 'float16',
      };
      const bias = epilogue?.rowBias ? [gpuStorage(epilogue.rowBias)] : [];
      const constants: Record<string, number> = { WGX: s.wgx, WGY: s.wgy };
      if (s.kind === 'workgroup') constants.TK = s.tileK;
      return {
        shader: 'matmul', entry: s.kind === 'workgroup' ? 'matmulTiled' : 'matmul', label: `matmul.${s.name}`,
        defines, constants,
        uniforms: new Uniforms().u32(m, n, k, batch, batch === 1 ? 0 : aBatchStride, batch === 1 ? 0 : bBatchStride, tilesM, tilesN),
        inputs: [a, b, ...bias], outputs: [out], workgroups: batch * tilesM * tilesN,
      };
    },
  };
}

const registers = { kind: 'registers', wgx: 8, wgy: 8, vecLoads: true, tileK: 0 } as const;
const workgroup = { kind: 'workgroup', vecLoads: false } as const;

export const matmulVariants: readonly MatmulVariant[] = [
  variant({ ...registers, name: 'regBlocked4x4', rows: 4, cols: 4 }),
  variant({ ...registers, name: 'regBlocked8x4', rows: 8, cols: 4 }),
  variant({ ...registers, name: 'regBlocked8x8', rows: 8, cols: 8 }),
  variant({ ...registers, name: 'regBlocked8x8Scalar', rows: 8, cols: 8, vecLoads: false }),
  // 64x64 output tiles either way: 16x16 invocations of 4x4, or 8x8 invocations of 8x8
  variant({ ...workgroup, name: 'wgTiled4x4k16', rows: 4, cols: 4, wgx: 16, wgy: 16, tileK: 16 }),
  variant({ ...workgroup, name: 'wgTiled8x8k8', rows: 8, cols: 8, wgx: 8, wgy: 8, tileK: 8 }),
];

export function matmulVariantByName(name: string): MatmulVariant | undefined {
  return matmulVariants.find((v) => v.name === name);
}

export type MatmulShapeClass = `${'small' | 'medium' | 'large'}-${'aligned' | 'unaligned'}`;

export const MATMUL_SHAPE_CLASSES: readonly MatmulShapeClass[] = [
  'small-aligned', 'small-unaligned', 'medium-aligned', 'medium-unaligned', 'large-aligned', 'large-unaligned',
];

/**
 * Size by multiply-adds (up to 128³: launch overhead and edges dominate; up to 512³; beyond),
 * alignment by whether m, n, k are all multiples of 4 (the vec4 load paths apply).
 */
export function matmulShapeClass(args: MatmulArgs): MatmulShapeClass {
  const work = args.batch * args.m * args.n * args.k;
  const size = work <= 128 ** 3 ? 'small' : work <= 512 ** 3 ? 'medium' : 'large';
  const aligned = args.m % 4 === 0 && args.n % 4 === 0 && args.k % 4 === 0;
  return `${size}-${aligned ? 'aligned' : 'unaligned'}`;
}

/**
 * The choice without measuring: register blocks on software adapters (barriers are slow on
 * CPUs; 8x8 once the output is large enough to keep every core busy, else 4x4 for more
 * invocations), workgroup tiles on hardware adapters for all but small products.
 */
export function defaultMatmulVariant(shapeClass: MatmulShapeClass, softwareAdapter: boolean): MatmulVariant {
  const small = shapeClass.startsWith('small');
  const name = softwareAdapter ? (small ? 'regBlocked4x4' : 'regBlocked8x8') : small ? 'regBlocked4x4' : 'wgTiled4x4k16';
  return matmulVariantByName(name)!;
}

const fittedVariants = new Map<string, MatmulVariant>();

/**
 * Products with a narrow side (m or n ≤ 32: a conv GEMM's cOut = 16 or 20 on the CIFAR net,
 * a classifier's 10 classes, its weight gradient's 10 rows) leave the 32- or 64-wide register tiles computing
 * mostly clamped duplicates: 84% wasted work at n = 10 on 8×8 blocks, and on a software
 * adapter every invocation costs CPU time. There the workgroup is shaped to the product
 * instead: as few invocations across the narrow side as cover it (4 or 8 outputs each) and
 * up to 64 invocations along the other. Measured (SwiftShader): bench:conv's first CIFAR
 * layer forward 0.30 → 0.42 GFLOP/s, weight gradient 0.18 → 0.50. m = 75 (a conv input
 * gradient's cIn·kH·kW) measured faster on the default 8-row tiles, hence the bound of 32.
 */
export function fittedVariant(args: MatmulArgs): MatmulVariant | undefined {
  const { m, n } = args;
  if (m > 32 && n > 32) return undefined;
  let rows: 4 | 8, cols: 4 | 8, wgx: number, wgy: number;
  if (m <= n) {
    rows = m % 8 === 0 ? 8 : 4;
    cols = 8;
    wgy = Math.min(8, Math.ceil(m / rows));
    wgx = Math.max(1, Math.min(Math.floor(64 / wgy), Math.ceil(n / cols)));
  } else {
    cols = n % 8 === 0 ? 8 : 4;
    rows = 8;
    wgx = Math.min(8, Math.ceil(n / cols));
    wgy = Math.max(1, Math.min(Math.floor(64 / wgx), Math.ceil(m / rows)));
  }
  const name = `fitted${rows}x${cols}.${wgx}x${wgy}`;
  let v = fittedVariants.get(name);
  if (!v) fittedVariants.set(name, (v = variant({ name, kind: 'registers', rows, cols, wgx, wgy, vecLoads: true, tileK: 0 })));
  return v;
}

