// The CPU backend: the numerical reference. Plain loops over typed arrays; reductions and
// matmul accumulate in float64 (JS numbers) and round once when stored.
import type { ClassicBackend, DType, Storage, TypedArray } from '../types.js';
import { augmentImages } from './augment.js';
import { batchNormApply, batchNormGradInput, batchNormGradStats, batchNormStats } from './batchnorm.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { copyStrided, scatterStridedInPlace } from './copy.js';
import { pairwiseL1 } from './distance.js';
import { dropout } from './dropout.js';
import { binary, fill, unary, where } from './elementwise.js';
import { hog, hueHistogram } from './features.js';
import { col2im, im2col } from './im2col.js';
import { gather, gatherBackward, oneHot } from './gather.js';
import { matmul } from './matmul.js';
import { optimizerStep } from './optimizer.js';
import { avgPool2d, avgPool2dBackward, maxPool2dArgmax, maxPool2dBackward, poolGather } from './pool.js';
import { reduce } from './reduce.js';
import { crossEntropy, crossEntropyBackward, softmax } from './softmax.js';
import { DeviceCheckError } from '../device-checks.js';
import { OutOfMemoryError } from '../out-of-memory.js';
import { LeakDetector } from '../leak-detector.js';
import { CpuCounters, CpuStorage, cpuData } from './storage.js';
import { knnVote, topkSmallest } from './topk.js';
import { withFloat16Rounding } from './half-rounding.js';

export interface CpuBackendOptions {
  /** hold float32 tensors as float64 (finite-difference gradient checks need the precision) */
  float64?: boolean;
}

export function createCpuBackend(opts: CpuBackendOptions = {}): ClassicBackend {
  const FloatArray = opts.float64 ? Float64Array : Float32Array;
  let counters = new CpuCounters();
  const leaks = new LeakDetector();
  const make = (data: TypedArray, dtype: DType): Storage => {
    counters.track(data.byteLength);
    return new CpuStorage(data, dtype);
  };
  return {
    name: 'cpu',
    adapterName: opts.float64 ? 'cpu (float64 reference)' : 'cpu (reference)',
    isSoftwareAdapter: true,
    float16: true,
    alloc(size: number, dtype: DType): Storage {
      let data: TypedArray;
      try {
        data = dtype === 'int32' ? new Int32Array(size) : new FloatArray(size);
      } catch (e) {
        // beyond what a typed array can hold (or what the JS heap can give): say so, as on the GPU
        if (!(e instanceof RangeError) || !Number.isInteger(size) || size < 0) throw e;
        const bytes = size * (dtype === 'int32' ? 4 : FloatArray.BYTES_PER_ELEMENT);
        throw new OutOfMemoryError('cpu', bytes, { liveBytes: counters.liveBytes, pooledBytes: 0 }, e.message);
      }
      return make(data, dtype);
    },
    upload(data: TypedArray): Storage {
      counters.uploads++;
      return data instanceof Int32Array ? make(data.slice(), 'int32') : make(FloatArray.from(data), 'float32');
    },
    async read(s: Storage): Promise<TypedArray> {
      leaks.observe(counters.liveStorages, counters.liveBytes);
      counters.readbacks++;
      return cpuData(s).slice();
    },
    free(s: Storage): void {
      const c = s as CpuStorage;
      if (c.freed) return;
      c.freed = true;
      const owner = c.base ?? c;
      if (--owner.refs === 0) counters.untrack(owner.data.byteLength);
    },
    view(base: Storage, offset: number, size: number): Storage {
      const data = cpuData(base);
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0 || offset + size > data.length)
        throw new Error(`webgrad: view of elements [${offset}, ${offset + size}) is outside a storage of ${data.length}`);
      // the GPU's rule, so code that works here works there
      if (offset % 64 !== 0) throw new Error(`webgrad: a view must start at a multiple of 64 elements, got element ${offset}`);
      // a subarray shares the memory (and keeps it alive after the base is freed, as on the GPU)
      const v = new CpuStorage(data.subarray(offset, offset + size), base.dtype);
      const b = base as CpuStorage;
      v.base = b.base ?? b;
      v.base.refs++;
      return v;
    },
    // the GPU's alignment, so arena layouts (and their padding) are the same on both backends
    viewAlignment: 64,
    copy(src: Storage, dst: Storage): void {
      const a = cpuData(src);
      const b = cpuData(dst);
      if (a.length !== b.length || src.dtype !== dst.dtype)
        throw new Error(`webgrad: copy of a ${src.dtype} storage of ${a.length} into a ${dst.dtype} storage of ${b.length}`);
      b.set(a);
      counters.copies++;
    },
    async flush(): Promise<void> {
      leaks.observe(counters.liveStorages, counters.liveBytes);
    },
    // the CPU throws at the failing kernel, so nothing is ever pending here
    async checkErrors(): Promise<void> {},
    checkFinite(x: Storage, op: string, tag: number): void {
      for (const v of cpuData(x)) if (!Number.isFinite(v)) throw new DeviceCheckError(op, 'nonFinite', tag, 0);
    },
    stats() {
      return {
        dispatches: 0, submits: 0, pipelinesCompiled: 0, pooledBytes: 0, copies: counters.copies,
        readbacks: counters.readbacks, uploads: counters.uploads,
        liveBytes: counters.liveBytes, peakBytes: counters.peakBytes, liveStorages: counters.liveStorages, recordingBytes: 0,
      };
    },
    resetStats() {
      counters.readbacks = 0;
      counters.uploads = 0;
      counters.copies = 0;
      counters.peakBytes = counters.liveBytes;
    },
    destroy() {
      counters = new CpuCounters();
    },
    pairwiseL1, topkSmallest, knnVote, hueHistogram, hog,
    ...withFloat16Rounding({
      fill, unary, binary, where, copyStrided, scatterStridedInPlace, reduce, matmul,
      softmax, crossEntropy, crossEntropyBackward, gather, gatherBackward, oneHot, optimizerStep,
      conv2d, conv2dBackwardInput, conv2dBackwardWeight, im2col, col2im,
      maxPool2dArgmax, poolGather, maxPool2dBackward, avgPool2d, avgPool2dBackward, dropout,
      augmentImages, batchNormStats, batchNormApply, batchNormGradStats, batchNormGradInput,
    }),
  };
}
