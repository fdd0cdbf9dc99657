// WebGPU launchers for convolution (shaders/conv.wgsl): forward and input gradient as one
// implicit-GEMM kernel with different tap rules, weight gradient as a split-K GEMM whose
// partial sums are reduced by the reduce kernel.
import type { Conv2dArgs, ConvActivation, Storage } from '../types.js';
import { type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import { reduce } from './reduce.js';

const WGX = 8;
const WGY = 8;
const neg = (v: number): number => (-v) >>> 0;

/** rows per invocation of conv_gemm; see chooseConvRows for the per-shape choice */
export type ConvRows = 1 | 4 | 8;

/**
 * Rows (output channels of a group) per invocation. One row is the direct form for
 * depthwise / tiny groups (no wasted rows); 4 otherwise. Measured once in Node/Dawn on
 * SwiftShader for 64×3×32×32 → 16 5×5 pad 2: rows1 10.0 s, rows4 4.5 s, rows8 10.7 s per
 * forward (all far too slow: the private arrays are likely not promoted to registers; the
 * fix is explicit unrolling as in matmul.wgsl). No bench/conv.ts yet.
 */
export function chooseConvRows(rowsPerGroup: number): ConvRows {
  return rowsPerGroup < 4 ? 1 : 4;
}

interface GemmGeometry {
  rowsG: number; chansG: number;
  src: [number, number, number]; dst: [number, number, number];
  tapMul: [number, number]; tapOff: [number, number]; tapStep: [number, number]; div: [number, number];
  wRowStride: number; wChanStride: number;
}

function gemmUniforms(a: Conv2dArgs, g: GemmGeometry, tilesM: number, tilesN: number, splits: number, chunk: number, alpha: number): Uniforms {
  return new Uniforms()
    .u32(a.n, a.groups, g.rowsG, g.chansG, ...g.src, g.dst[0], g.dst[1], g.dst[2], a.kernelH, a.kernelW)
    .u32(...g.tapMul, ...g.tapOff, ...g.tapStep, ...g.div, g.wRowStride, g.wChanStride, tilesM, tilesN, splits, chunk)
    .f32(alpha)
    .u32((a.cOut / a.groups) * (a.cIn / a.groups) * a.kernelH * a.kernelW);
}

function runGemm(
  dev: WebGPUDevice, label: string, a: Conv2dArgs, g: GemmGeometry, inputs: GpuStorage[], out: GpuStorage,
  defines: Record<string, boolean>, alpha: number, rows: ConvRows,
): void {
  // the direct one-row form spreads its 64 invocations along the pixels instead
  const wgx = rows === 1 ? WGX * WGY : WGX;
  const wgy = rows === 1 ? 1 : WGY;
  const tilesM = Math.ceil(g.rowsG / (rows * wgy));
  const tilesN = Math.ceil((a.n * g.dst[1] * g.dst[2]) / (4 * wgx));
  dev.dispatch({
    shader: 'conv', entry: 'conv_gemm', label: `${label}.rows${rows}`,
    defines: { ...defines, ROWS8: rows === 8, ROWS1: rows === 1 },
    constants: { WGX: wgx, WGY: wgy },
    uniforms: gemmUniforms(a, g, tilesM, tilesN, 1, 0, alpha),
    inputs, outputs: [out], workgroups: a.groups * tilesM * tilesN,
  });
}

export function conv2d(
  dev: WebGPUDevice, x: Storage, weight: Storage, bias: Storage | null, out: Storage, a: Conv2dArgs,
  activation: ConvActivation, alpha: number, rows?: ConvRows,
): void {
  const cOutG = a.cOut / a.groups;
  const cInG = a.cIn / a.groups;
  const kHW = a.kernelH * a.kernelW;
  const r = rows ?? chooseConvRows(cOutG);
  const geometry: GemmGeometry = {
    rowsG: cOutG, chansG: cInG, src: [a.cIn, a.h, a.w], dst: [a.cOut, a.outH, a.outW],
    tapMul: [a.strideH, a.strideW], tapOff: [neg(a.padH), neg(a.padW)], tapStep: [a.dilationH, a.dilationW], div: [1, 1],
    wRowStride: cInG * kHW, wChanStride: kHW,
  };
  const inputs = [gpuStorage(x), gpuStorage(weight), ...(bias ? [gpuStorage(bias)] : [])];
  const defines = {
    HAS_BIAS: bias !== null, ACT_RELU: activation === 'relu', ACT_LEAKY: activation === 'leakyRelu',
    ACT_ELU: activation === 'elu', ACT_GELU: activation === 'gelu',
  };
  runGemm(dev, 'conv2d', a, geometry, inputs, gpuStorage(out), defines, alpha, r);
}

/** dx[n, ci, ih, iw] = Σ over (co, kh, kw) with (ih + pad − kh·dil) divisible by the stride of g·w */
export function conv2dBackwardInput(dev: WebGPUDevice, grad: Storage, weight: Storage, out: Storage, a: Conv2dArgs, rows?: ConvRows): void {
  const cOutG = a.cOut / a.groups;
  const cInG = a.cIn / a.groups;
  const kHW = a.kernelH * a.kernelW;
  const geometry: GemmGeometry = {
    rowsG: cInG, chansG: cOutG, src: [a.cOut, a.outH, a.outW], dst: [a.cIn, a.h, a.w],
    tapMul: [1, 1], tapOff: [a.padH, a.padW], tapStep: [neg(a.dilationH), neg(a.dilationW)], div: [a.strideH, a.strideW],
    wRowStride: kHW, wChanStride: cInG * kHW,
  };
  runGemm(dev, 'conv2dBackwardInput', a, geometry, [gpuStorage(grad), gpuStorage(weight)], gpuStorage(out),
    { STRIDED_TAP: a.strideH > 1 || a.strideW > 1 }, 0, rows ?? chooseConvRows(cInG));
}

/** how many chunks the N·outH reduction of the weight gradient is split into */
export function weightGradSplits(a: Conv2dArgs, workgroupsPerSplit: number): number {
  const rowsToReduce = a.n * a.outH;
  // enough workgroups to occupy every core (and then some), but chunks of at least 4 rows
  const wanted = Math.ceil(256 / workgroupsPerSplit);
  return Math.max(1, Math.min(wanted, Math.floor(rowsToReduce / 4), 1024));
}

export function conv2dBackwardWeight(dev: WebGPUDevice, grad: Storage, x: Storage, out: Storage, a: Conv2dArgs): void {
  const cOutG = a.cOut / a.groups;
  const cInG = a.cIn / a.groups;
  const cols = cInG * a.kernelH * a.kernelW;
  const tilesM = Math.ceil(cOutG / (4 * WGY));
  const tilesN = Math.ceil(cols / (4 * WGX));
  const perSplit = a.groups * tilesM * tilesN;
  const splits = weightGradSplits(a, perSplit);
  const chunk = Math.ceil((a.n * a.outH) / splits);
  const o = gpuStorage(out);
  const partial = splits === 1 ? o : gpuStorage(dev.alloc(splits * o.size, 'float32'));
  const geometry: GemmGeometry = {
    rowsG: cOutG, chansG: cInG, src: [a.cIn, a.h, a.w], dst: [a.cOut, a.outH, a.outW],
    tapMul: [a.strideH, a.strideW], tapOff: [neg(a.padH), neg(a.padW)], tapStep: [a.dilationH, a.dilationW], div: [1, 1],
    wRowStride: 0, wChanStride: 0,
  };
  dev.dispatch({
    shader: 'conv', entry: 'conv_wgrad', label: `conv2dBackwardWeight.split${splits}`,
    defines: { WGRAD: true }, constants: { WGX, WGY },
    uniforms: gemmUniforms(a, geometry, tilesM, tilesN, splits, chunk, 0),
    inputs: [gpuStorage(grad), gpuStorage(x)], outputs: [partial], workgroups: splits * perSplit,
  });
  if (partial !== o) {
    reduce(dev, 'sum', partial, 1, splits, o.size, o);
    dev.free(partial);
  }
}
