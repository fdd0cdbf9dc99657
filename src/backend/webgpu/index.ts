// The WebGPU backend: device.ts (device, pool, pipelines, recorder) plus one launcher file
// per kernel family. `createWebGPUBackend` returns the same `Backend` interface as the CPU one.
import type { ClassicBackend, DType, Storage, TypedArray } from '../types.js';
import { augmentImages } from './augment.js';
import { batchNormApply, batchNormGradInput, batchNormGradStats, batchNormStats } from './batchnorm.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { copyStrided, scatterStridedInPlace } from './copy.js';
import { type DeviceOptions, WebGPUDevice, gpuStorage } from './device.js';
import { deviceChecks } from './device-checks.js';
import { LeakDetector } from '../leak-detector.js';
import { dropout } from './dropout.js';
import { pairwiseL1 } from './distance.js';
import { binary, fill, unary, where } from './elementwise.js';
import { hog, hueHistogram } from './features.js';
import { col2im, im2col } from './im2col.js';
import { gather, gatherBackward, oneHot } from './gather.js';
import { matmul } from './matmul.js';
import { configureMatmulTuning, type MatmulTuningOptions } from './matmul-tuner.js';
import { optimizerStep } from './optimizer.js';
import { avgPool2d, avgPool2dBackward, maxPool2dArgmax, maxPool2dBackward, poolGather } from './pool.js';
import { reduce } from './reduce.js';
import type { Recording } from './replay.js';
import { crossEntropy, crossEntropyBackward, softmax } from './softmax.js';
import { knnVote, topkSmallest } from './topk.js';
import { allocChecked, hasShaderF16, readWidened } from './float16.js';

export type WebGPUBackendOptions = Pick<DeviceOptions, 'gpu' | 'device' | 'powerPreference' | 'maxRecorded'> & {
  /** matmul autotuning: on/off, a saved table, per-class overrides (see matmul-tuner.ts) */
  matmulTuning?: MatmulTuningOptions;
};

export type WebGPUBackend = ClassicBackend & { readonly device: WebGPUDevice };

export async function createWebGPUBackend(opts: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const dev = await WebGPUDevice.create(opts);
  if (opts.matmulTuning) configureMatmulTuning(dev, opts.matmulTuning);
  const checks = deviceChecks(dev);
  const leaks = new LeakDetector();
  const observeLive = (): void => {
    const st = dev.stats();
    leaks.observe(st.liveStorages, st.liveBytes);
  };
  return {
    name: 'webgpu',
    device: dev,
    adapterName: dev.adapterName,
    isSoftwareAdapter: dev.isSoftwareAdapter,
    float16: hasShaderF16(dev),
    alloc: (size: number, dtype: DType): Storage => allocChecked(dev, size, dtype),
    upload: (data: TypedArray): Storage => dev.upload(data),
    // a readback also brings back the device-side check words (label/index ranges, finite loss)
    read: (s: Storage): Promise<TypedArray> => {
      observeLive();
      // float16 storages are widened to float32 on the device first
      return s.dtype === 'float16' ? readWidened(dev, s, (w) => checks.read(gpuStorage(w))) : checks.read(gpuStorage(s));
    },
    checkErrors: () => checks.check(),
    checkFinite: (x, op, tag, nextTag) => checks.checkFinite(gpuStorage(x), op, tag, nextTag),
    free: (s: Storage): void => dev.free(s),
    view: (base: Storage, offset: number, size: number): Storage => dev.view(base, offset, size),
    viewAlignment: dev.viewAlignment,
    copy: (src: Storage, dst: Storage): void => dev.copy(src, dst),
    flush: (): Promise<void> => {
      observeLive();
      return dev.flush();
    },
    stats: () => dev.stats(),
    resetStats: () => dev.resetStats(),
    destroy: () => dev.destroy(),
    capture: {
      get capturing() { return dev.capturing; },
      begin: () => dev.beginCapture(),
      end: () => dev.endCapture(),
      abort: () => dev.abortCapture(),
      markUnsteady: (reason) => dev.markUnsteady(reason),
      guard: (holds) => dev.guard(holds),
      existedBeforeCapture: (s) => dev.existedBeforeCapture(s),
      replay: (rec, args, inputs) => dev.replay(rec as Recording, args, inputs),
      replaced: (s) => dev.replaced(s),
      release: (rec) => dev.invalidate(rec as Recording),
    },
    fill: (out, value, refresh) => fill(dev, out, value, 'fill', refresh),
    unary: (op, x, out, alpha) => unary(dev, op, x, out, alpha),
    binary: (op, a, av, b, bv, out) => binary(dev, op, a, av, b, bv, out),
    where: (c, cv, a, av, b, bv, out) => where(dev, c, cv, a, av, b, bv, out),
    copyStrided: (x, view, out) => copyStrided(dev, x, view, out),
    scatterStridedInPlace: (src, dst, view) => scatterStridedInPlace(dev, src, dst, view),
    reduce: (op, x, outer, len, inner, out) => reduce(dev, op, x, outer, len, inner, out),
    matmul: (a, b, out, args) => matmul(dev, a, b, out, args),
    softmax: (x, rows, cols, log, out) => softmax(dev, x, rows, cols, log, out),
    crossEntropy: (l, y, rows, cols, eps, out) => crossEntropy(dev, l, y, rows, cols, eps, out),
    crossEntropyBackward: (l, y, g, rows, cols, eps, out) => crossEntropyBackward(dev, l, y, g, rows, cols, eps, out),
    gather: (x, idx, outer, axisLen, inner, out) => gather(dev, x, idx, outer, axisLen, inner, out),
    gatherBackward: (g, idx, outer, axisLen, inner, out) => gatherBackward(dev, g, idx, outer, axisLen, inner, out),
    oneHot: (labels, n, classes, out) => oneHot(dev, labels, n, classes, out),
    optimizerStep: (args, param, grad, state, refresh) => optimizerStep(dev, args, param, grad, state, refresh),
    conv2d: (x, w, b, out, args, act, alpha) => conv2d(dev, x, w, b, out, args, act, alpha),
    conv2dBackwardInput: (g, w, out, args) => conv2dBackwardInput(dev, g, w, out, args),
    conv2dBackwardWeight: (g, x, out, args) => conv2dBackwardWeight(dev, g, x, out, args),
    im2col: (x, out, args) => im2col(dev, x, out, args),
    col2im: (cols, out, args) => col2im(dev, cols, out, args),
    maxPool2dArgmax: (x, out, args) => maxPool2dArgmax(dev, x, out, args),
    poolGather: (x, idx, out, args) => poolGather(dev, x, idx, out, args),
    maxPool2dBackward: (g, idx, out, args) => maxPool2dBackward(dev, g, idx, out, args),
    avgPool2d: (x, out, args) => avgPool2d(dev, x, out, args),
    avgPool2dBackward: (g, out, args) => avgPool2dBackward(dev, g, out, args),
    dropout: (x, out, p, seed, reseed) => dropout(dev, x, out, p, seed, reseed),
    augmentImages: (images, params, out, args) => augmentImages(dev, images, params, out, args),
    batchNormStats: (x, out, args, rm, rv) => batchNormStats(dev, x, out, args, rm, rv),
    batchNormApply: (x, s0, s1, w, b, out, args) => batchNormApply(dev, x, s0, s1, w, b, out, args),
    batchNormGradStats: (g, x, s0, s1, out, args) => batchNormGradStats(dev, g, x, s0, s1, out, args),
    batchNormGradInput: (g, x, s0, s1, sums, w, out, args) => batchNormGradInput(dev, g, x, s0, s1, sums, w, out, args),
    pairwiseL1: (a, b, m, n, d, out) => pairwiseL1(dev, a, b, m, n, d, out),
    topkSmallest: (x, rows, cols, k, out) => topkSmallest(dev, x, rows, cols, k, out),
    knnVote: (nb, labels, rows, kmax, k, classes, out) => knnVote(dev, nb, labels, rows, kmax, k, classes, out),
    hueHistogram: (images, count, h, w, bins, out) => hueHistogram(dev, images, count, h, w, bins, out),
    hog: (images, count, channels, h, w, cell, bins, out) => hog(dev, images, count, channels, h, w, cell, bins, out),
  };
}

export { WebGPUDevice, GpuStorage, Uniforms, gpuStorage, sizeClass } from './device.js';
export type { DeviceOptions, DispatchSpec } from './device.js';
export { preprocess } from './preprocess.js';
export { getMatmulTuning, matmulTuningSettled, setMatmulTuning, setMatmulVariant, tuneMatmul } from './matmul-tuner.js';
export type { MatmulTuningEntry, MatmulTuningOptions, MatmulTuningTable } from './matmul-tuner.js';
export { MATMUL_SHAPE_CLASSES, matmulShapeClass, matmulVariants, type MatmulShapeClass } from './matmul.js';
