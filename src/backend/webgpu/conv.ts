// WebGPU launchers for convolution, two algorithms chosen per shape (chooseConvAlgorithm):
// - implicit GEMM (shaders/conv.wgsl): forward and input gradient as one kernel with
//   different tap rules, weight gradient as a split-K GEMM reduced by the reduce kernel;
//   no extra memory, but its gathers make it slow on software adapters.
// - im2col + the tuned matmul (shaders/im2col.wgsl, matmul.ts): an explicit column buffer per
//   batch chunk, forward out[n] = W · cols[n]; input gradient a forward conv of g with the
//   flipped, transposed weight where the stride is 1 (inputGradAsForwardConv), else cols = Wᵀ · g[n]
//   then col2im; weight gradient Σ_n g[n] · cols[n]ᵀ; bias + ReLU fused into the matmul's stores
//   when the batch is one chunk, else (and for other activations) a separate epilogue pass.
import type { Conv2dArgs, ConvActivation, MatmulArgs, Storage } from '../types.js';
import { copyStrided } from './copy.js';
import { type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import { col2im, columnRows, columnsPerImage, im2col, maxColumnBytes, sumPartials } from './im2col.js';
import { widened } from './float16.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';
import type { Defines, KernelSpec } from './kernel-spec.js';

const WGX = 8;
const WGY = 8;
const neg = (v: number): number => (-v) >>> 0;

/** rows per invocation of conv_gemm (implicit GEMM); see chooseConvRows for the per-shape choice */
export type ConvRows = 1 | 4;

/**
 * Rows (output channels of a group) per invocation. One row is the direct form for
 * depthwise / tiny groups (no wasted rows); 4 otherwise. Measured once in Node/Dawn on
 * SwiftShader for 64×3×32×32 → 16 5×5 pad 2: rows1 10.0 s, rows4 4.5 s, rows8 10.7 s per
 * forward (all far too slow: the private arrays are likely not promoted to registers; the
 * fix is explicit unrolling as in matmul.wgsl), so the 8-row variant was dropped. Ungrouped
 * convs take im2col + matmul instead (chooseConvAlgorithm); `npm run bench:conv` times both.
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
  defines: Defines<'conv'>, alpha: number, rows: ConvRows,
): void {
  // the direct one-row form spreads its 64 invocations along the pixels instead
  const wgx = rows === 1 ? WGX * WGY : WGX;
  const wgy = rows === 1 ? 1 : WGY;
  const tilesM = Math.ceil(g.rowsG / (rows * wgy));
  const tilesN = Math.ceil((a.n * g.dst[1] * g.dst[2]) / (4 * wgx));
  dev.dispatch({
    shader: 'conv', entry: 'conv_gemm', label: `${label}.rows${rows}`,
    defines: { ...defines, ROWS1: rows === 1 },
    constants: { WGX: wgx, WGY: wgy },
    uniforms: gemmUniforms(a, g, tilesM, tilesN, 1, 0, alpha),
    inputs, outputs: [out], workgroups: a.groups * tilesM * tilesN,
  } satisfies KernelSpec);
}

/** 'implicitGemm': shaders/conv.wgsl's kernels; 'im2colGemm': column buffer + tuned matmul */
export type ConvAlgorithm = 'implicitGemm' | 'im2colGemm';

/**
 * im2col + matmul for ungrouped convs, the implicit kernel for grouped / depthwise ones.
 * Measured by `npm run bench:conv` (Chromium, SwiftShader, bench/results/conv.json): on the two
 * small CIFAR shapes im2col + matmul ran 0.18-0.52 GFLOP/s per pass, the implicit kernel
 * 0.04-0.10 (2-10× slower in every pass); the 3×3·64 shape was not timed implicit (too slow).
 * Grouped convs stay implicit: the batched matmul cannot step the weight per group while
 * stepping the image per batch entry, and a depthwise group is a 1-row GEMM (no reuse to win).
 */
export function chooseConvAlgorithm(a: Conv2dArgs): ConvAlgorithm {
  if (forcedAlgorithm === 'implicitGemm') return forcedAlgorithm;
  return a.groups === 1 ? 'im2colGemm' : 'implicitGemm';
}

let forcedAlgorithm: ConvAlgorithm | null = null;

/**
 * Makes every conv use one algorithm where it applies (benchmarks' before / after runs;
 * im2colGemm still leaves grouped convs implicit); null restores the per-shape choice.
 */
export function forceConvAlgorithm(algorithm: ConvAlgorithm | null): void {
  forcedAlgorithm = algorithm;
}

function requireUngrouped(a: Conv2dArgs): void {
  if (a.groups !== 1) throw new Error(`webgrad: conv2d: the im2col path handles groups = 1 only, got ${a.groups}`);
}

const forwardGeometry = (a: Conv2dArgs): GemmGeometry => ({
  rowsG: a.cOut / a.groups, chansG: a.cIn / a.groups, src: [a.cIn, a.h, a.w], dst: [a.cOut, a.outH, a.outW],
  tapMul: [a.strideH, a.strideW], tapOff: [neg(a.padH), neg(a.padW)], tapStep: [a.dilationH, a.dilationW], div: [1, 1],
  wRowStride: (a.cIn / a.groups) * a.kernelH * a.kernelW, wChanStride: a.kernelH * a.kernelW,
});

const activationDefines = (activation: ConvActivation): Defines<'conv'> => ({
  ACT_RELU: activation === 'relu', ACT_LEAKY: activation === 'leakyRelu', ACT_ELU: activation === 'elu', ACT_GELU: activation === 'gelu',
});

export function conv2d(
  dev: WebGPUDevice, x: Storage, weight: Storage, bias: Storage | null, out: Storage, a: Conv2dArgs,
  activation: ConvActivation, alpha: number, algorithm = chooseConvAlgorithm(a),
): void {
  // float16 runs natively where im2col + matmul carries the whole batch with its bias + ReLU
  // fused into the (f16) matmul's stores; other shapes widen to float32 around the f32 kernels
  if (x.dtype === 'float16' && !(algorithm === 'im2colGemm' && im2colF16(a, activation)))
    return widened(dev, [x, weight, bias], out, ([wx, ww, wb], wo) => conv2d(dev, wx!, ww!, wb, wo, a, activation, alpha, algorithm));
  if (algorithm === 'im2colGemm') return conv2dIm2col(dev, x, weight, bias, out, a, activation, alpha);
  const inputs = [gpuStorage(x), gpuStorage(weight), ...(bias ? [gpuStorage(bias)] : [])];
  runGemm(dev, 'conv2d', a, forwardGeometry(a), inputs, gpuStorage(out), { HAS_BIAS: bias !== null, ...activationDefines(activation) },
    alpha, chooseConvRows(a.cOut / a.groups));
}

/** dx[n, ci, ih, iw] = Σ over (co, kh, kw) with (ih + pad − kh·dil) divisible by the stride of g·w */
export function conv2dBackwardInput(dev: WebGPUDevice, grad: Storage, weight: Storage, out: Storage, a: Conv2dArgs, algorithm = chooseConvAlgorithm(a)): void {
  if (algorithm === 'im2colGemm') return conv2dBackwardInputIm2col(dev, grad, weight, out, a);
  const cOutG = a.cOut / a.groups;
  const cInG = a.cIn / a.groups;
  const kHW = a.kernelH * a.kernelW;
  const geometry: GemmGeometry = {
    rowsG: cInG, chansG: cOutG, src: [a.cOut, a.outH, a.outW], dst: [a.cIn, a.h, a.w],
    tapMul: [1, 1], tapOff: [a.padH, a.padW], tapStep: [neg(a.dilationH), neg(a.dilationW)], div: [a.strideH, a.strideW],
    wRowStride: kHW, wChanStride: cInG * kHW,
  };
  runGemm(dev, 'conv2dBackwardInput', a, geometry, [gpuStorage(grad), gpuStorage(weight)], gpuStorage(out),
    { STRIDED_TAP: a.strideH > 1 || a.strideW > 1 }, 0, chooseConvRows(cInG));
}

/** how many chunks the N·outH reduction of the weight gradient is split into */
export function weightGradSplits(a: Conv2dArgs, workgroupsPerSplit: number): number {
  const rowsToReduce = a.n * a.outH;
  // enough workgroups to occupy every core (and then some), but chunks of at least 4 rows
  const wanted = Math.ceil(256 / workgroupsPerSplit);
  return Math.max(1, Math.min(wanted, Math.floor(rowsToReduce / 4), 1024));
}

export function conv2dBackwardWeight(dev: WebGPUDevice, grad: Storage, x: Storage, out: Storage, a: Conv2dArgs, algorithm = chooseConvAlgorithm(a)): void {
  if (algorithm === 'im2colGemm') return conv2dBackwardWeightIm2col(dev, grad, x, out, a);
  const cOutG = a.cOut / a.groups;
  const cols = (a.cIn / a.groups) * a.kernelH * a.kernelW;
  const tilesM = Math.ceil(cOutG / (4 * WGY));
  const tilesN = Math.ceil(cols / (4 * WGX));
  const perSplit = a.groups * tilesM * tilesN;
  const splits = weightGradSplits(a, perSplit);
  const chunk = Math.ceil((a.n * a.outH) / splits);
  const o = gpuStorage(out);
  const partial = splits === 1 ? o : gpuStorage(dev.alloc(splits * o.size, 'float32'));
  dev.dispatch({
    shader: 'conv', entry: 'conv_wgrad', label: `conv2dBackwardWeight.split${splits}`,
    defines: { WGRAD: true }, constants: { WGX, WGY },
    uniforms: gemmUniforms(a, { ...forwardGeometry(a), wRowStride: 0, wChanStride: 0 }, tilesM, tilesN, splits, chunk, 0),
    inputs: [gpuStorage(grad), gpuStorage(x)], outputs: [partial], workgroups: splits * perSplit,
  } satisfies KernelSpec);
  if (partial !== o) {
    reduce(dev, 'sum', partial, 1, splits, o.size, o);
    dev.free(partial);
  }
}

// ---------------------------------------------------------------- im2col + matmul (groups = 1)

/**
 * The batch chunks of an im2col pass: whole images, each chunk's largest temporary (the
 * column block, or `extraPerImage` elements per image such as the per-image weight-gradient
 * partials) under maxColumnBytes(). One chunk when the whole batch fits.
 */
function batchChunks(a: Conv2dArgs, extraPerImage = 0): { n0: number; images: number; single: boolean }[] {
  const perImage = Math.max(columnsPerImage(a), extraPerImage);
  const size = Math.max(1, Math.min(a.n, Math.floor(maxColumnBytes() / (4 * perImage))));
  const chunks = [];
  for (let n0 = 0; n0 < a.n; n0 += size) chunks.push({ n0, images: Math.min(size, a.n - n0), single: size >= a.n });
  return chunks;
}

/** a 1×1, stride-1, unpadded conv's column block is the input itself */
const isPointwise = (a: Conv2dArgs): boolean =>
  a.kernelH === 1 && a.kernelW === 1 && a.strideH === 1 && a.strideW === 1 && a.padH === 0 && a.padW === 0;

/** the column block of a chunk: x itself for a whole-batch pointwise conv, else a fresh im2col */
function columnsOf(dev: WebGPUDevice, x: Storage, a: Conv2dArgs, n0: number, images: number, single: boolean): Storage {
  if (single && isPointwise(a)) return x;
  const cols = dev.alloc(images * columnsPerImage(a), x.dtype);
  im2col(dev, x, cols, a, n0, images);
  return cols;
}

/** images n0 .. n0+images of the output gradient: the storage itself when it is the whole batch */
function gradChunk(dev: WebGPUDevice, grad: Storage, a: Conv2dArgs, n0: number, images: number, single: boolean): Storage {
  if (single) return grad;
  const perImage = a.cOut * a.outH * a.outW;
  const chunk = dev.alloc(images * perImage, 'float32');
  copyStrided(dev, grad, { shape: [images * perImage], strides: [1], offset: n0 * perImage }, chunk);
  return chunk;
}

const freeUnless = (dev: WebGPUDevice, s: Storage, keep: Storage): void => {
  if (s !== keep) dev.free(s);
};

function batchedMatmul(batch: number, m: number, n: number, k: number, o: Partial<MatmulArgs>): MatmulArgs {
  return { batch, m, n, k, transA: false, transB: false, aBatchStride: m * k, bBatchStride: k * n, ...o };
}

const im2colF16 = (a: Conv2dArgs, activation: ConvActivation): boolean =>
  batchChunks(a).length === 1 && columnRows(a) > 0 && (activation === 'none' || activation === 'relu');

function conv2dIm2col(dev: WebGPUDevice, x: Storage, weight: Storage, bias: Storage | null, out: Storage, a: Conv2dArgs, activation: ConvActivation, alpha: number): void {
  requireUngrouped(a);
  const rows = columnRows(a);
  const outHW = a.outH * a.outW;
  const epilogue = bias !== null || activation !== 'none';
  for (const { n0, images, single } of batchChunks(a)) {
    const cols = columnsOf(dev, x, a, n0, images, single);
    // out[n] [cOut, outHW] = W [cOut, rows] · cols[n] [rows, outHW]: NCHW without a permute;
    // bias + ReLU ride on the matmul's stores when it writes the output itself (not for rows = 0:
    // a zero-channel input's matmul is a fill, which has no epilogue)
    const product = single ? out : dev.alloc(images * a.cOut * outHW, 'float32');
    const fused = product === out && rows > 0 && (activation === 'none' || activation === 'relu');
    matmul(dev, weight, cols, product, batchedMatmul(images, a.cOut, outHW, rows, { aBatchStride: 0 }), undefined,
      fused ? { rowBias: bias, relu: activation === 'relu' } : undefined);
    freeUnless(dev, cols, x);
    if (product !== out || (epilogue && !fused)) runEpilogue(dev, product, bias, out, a, n0, images, activation, alpha);
    freeUnless(dev, product, out);
  }
}

/** out[n0 + ...] = act(product + bias), in place when product is out (then n0 is 0) */
function runEpilogue(
  dev: WebGPUDevice, product: Storage, bias: Storage | null, out: Storage, a: Conv2dArgs, n0: number, images: number,
  activation: ConvActivation, alpha: number,
): void {
  const inPlace = product === out;
  const elements = images * a.cOut * a.outH * a.outW;
  dev.dispatch({
    shader: 'conv', entry: 'conv_epilogue', label: `conv2d.epilogue.${activation}`,
    defines: { EPILOGUE: true, IN_PLACE: inPlace, HAS_BIAS: bias !== null, ...activationDefines(activation) },
    constants: { WGX, WGY },
    uniforms: gemmUniforms({ ...a, n: images }, forwardGeometry(a), 0, 0, 0, n0, alpha),
    inputs: [...(inPlace ? [] : [gpuStorage(product)]), ...(bias ? [gpuStorage(bias)] : [])],
    outputs: [gpuStorage(out)], workgroups: Math.ceil(elements / (WGX * WGY)),
  } satisfies KernelSpec);
}

/**
 * Stride 1, dilation 1, padding ≤ k − 1: the input gradient is a forward conv of g,
 * dx[n, ci, ih, iw] = Σ_(co, kh, kw) w[co, ci, kh, kw] · g[n, co, ih + padH − kh, iw + padW − kw],
 * i.e. g correlated with the weight flipped in both taps and transposed to [cIn, cOut, kH, kW],
 * padding k − 1 − pad. Its GEMM has K = cOut·kH·kW and cIn rows instead of cIn·kH·kW rows and
 * K = cOut (the Wᵀ·g form, K = 20 on the ConvNetJS net), and there is no col2im. Measured with
 * bench:conv --profile-steps=3 (SwiftShader): the net's two input gradients (layers 2 and 3)
 * took ≈ 295 ms a step as Wᵀ·g GEMMs + col2im and ≈ 225 ms this way (GEMMs + im2col of g + the flip).
 */
function inputGradAsForwardConv(a: Conv2dArgs): Conv2dArgs | null {
  const unit = a.strideH === 1 && a.strideW === 1 && a.dilationH === 1 && a.dilationW === 1;
  if (!unit || a.groups !== 1 || a.padH > a.kernelH - 1 || a.padW > a.kernelW - 1) return null;
  return {
    n: a.n, cIn: a.cOut, h: a.outH, w: a.outW, cOut: a.cIn, outH: a.h, outW: a.w,
    kernelH: a.kernelH, kernelW: a.kernelW, strideH: 1, strideW: 1,
    padH: a.kernelH - 1 - a.padH, padW: a.kernelW - 1 - a.padW, dilationH: 1, dilationW: 1, groups: 1,
  };
}

function conv2dBackwardInputIm2col(dev: WebGPUDevice, grad: Storage, weight: Storage, out: Storage, a: Conv2dArgs): void {
  requireUngrouped(a);
  const asForward = inputGradAsForwardConv(a);
  if (asForward) {
    // w' [cIn, cOut, kH, kW] = w[co, ci, kH − 1 − kh, kW − 1 − kw]: a strided copy with negative tap strides
    const kHW = a.kernelH * a.kernelW;
    const flipped = dev.alloc(a.cOut * a.cIn * kHW, 'float32');
    copyStrided(dev, weight, { shape: [a.cIn, a.cOut, a.kernelH, a.kernelW], strides: [kHW, a.cIn * kHW, -a.kernelW, -1], offset: kHW - 1 }, flipped);
    conv2dIm2col(dev, grad, flipped, null, out, asForward, 'none', 0);
    dev.free(flipped);
    return;
  }
  const rows = columnRows(a);
  const outHW = a.outH * a.outW;
  for (const { n0, images, single } of batchChunks(a)) {
    const g = gradChunk(dev, grad, a, n0, images, single);
    // cols[n] [rows, outHW] = Wᵀ [rows, cOut] · g[n] [cOut, outHW]; W is read transposed in place
    const cols = dev.alloc(images * columnsPerImage(a), 'float32');
    matmul(dev, weight, g, cols, batchedMatmul(images, rows, outHW, a.cOut, { transA: true, aBatchStride: 0 }));
    freeUnless(dev, g, grad);
    col2im(dev, cols, out, a, n0, images);
    dev.free(cols);
  }
}

function conv2dBackwardWeightIm2col(dev: WebGPUDevice, grad: Storage, x: Storage, out: Storage, a: Conv2dArgs): void {
  requireUngrouped(a);
  const rows = columnRows(a);
  const outHW = a.outH * a.outW;
  const weightSize = a.cOut * rows;
  for (const { n0, images, single } of batchChunks(a, weightSize)) {
    const cols = columnsOf(dev, x, a, n0, images, single);
    const g = gradChunk(dev, grad, a, n0, images, single);
    // per image g[n] [cOut, outHW] · cols[n]ᵀ [outHW, rows] (cols read transposed in place),
    // then an ordered sum over the images and the chunks: deterministic, no atomics
    const direct = single && images === 1;
    const partials = direct ? out : dev.alloc(images * weightSize, 'float32');
    matmul(dev, g, cols, partials, batchedMatmul(images, a.cOut, rows, outHW, { transB: true }));
    freeUnless(dev, cols, x);
    freeUnless(dev, g, grad);
    if (!direct) {
      sumPartials(dev, partials, images, weightSize, out, n0 > 0);
      dev.free(partials);
    }
  }
}
