// webgrad: the public API.
/// <reference types="@webgpu/types" preserve="true" />
import * as functional from './nn/functional.js';

export { Tensor } from './tensor.js';
export type { DType, TypedArray, Backend, BackendStats } from './backend/types.js';
export { init, backend, stats, resetStats, flush, settled, profileKernels, matmulTuning, trimPool, type InitOptions } from './init.js';
export { DeviceCheckError } from './backend/device-checks.js';
export { OutOfMemoryError } from './backend/out-of-memory.js';
export { setLeakWarning } from './backend/leak-detector.js';
export type { KernelTiming } from './backend/webgpu/profiler.js';
export { tidy, noGrad, keep } from './runtime.js';
export { compile, compileGuard, type CompiledFunction, type CompiledResult, type CompileOptions } from './compile.js';
export { tensor, zeros, ones, full, arange, rand, randn, randint, hasFloat16, type CreateOptions, type NestedNumbers, type RandomOptions } from './creation.js';
export { autocast, type AutocastOptions } from './ops/autocast.js';
export { manualSeed, Random } from './random.js';
export { gradcheck, type GradcheckInput, type GradcheckResult } from './autograd/gradcheck.js';
export {
  concat, gather, oneHot, where, matmul, softmax, logSoftmax, cast, clamp, reshape, permute, transpose, slice, expand, flatten,
  stack, split, chunk, hostScalar,
} from './ops/index.js';

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as amp from './amp/index.js';
export * as io from './io/index.js';
export * as train from './train/index.js';
export * as data from './data/index.js';
export * as classic from './classic/index.js';
export { functional };
// option and operand types that the functions above take, for code that wraps them
export type { Operand } from './ops/elementwise.js';
export type { MatmulOptions } from './ops/matmul.js';
export type { CrossEntropyOptions } from './ops/softmax.js';
export type { MatmulTuningEntry, MatmulTuningOptions, MatmulTuningTable } from './backend/webgpu/matmul-tuner.js';
export type { ConvActivation } from './backend/types.js';
