// The kernel interface both backends implement. `src/ops/` calls only these; the CPU
// backend (plain loops, float64 accumulation) is the reference the WebGPU one is checked
// against. `Backend` is a mapped type over `KernelName`, so a kernel without its CPU twin
// (or its WebGPU launcher) is a compile error.
//
// Every kernel writes a freshly allocated, contiguous output `Storage` given by the caller
// and never mutates its inputs, except the explicitly in-place ones (`*InPlace`, optimizer
// steps). Shapes are plain number arrays, row-major.

/**
 * float16 exists where the backend has it (`Backend.float16`): the WebGPU backend needs the
 * adapter's `shader-f16` feature; the CPU backend keeps float16 tensors as float32 numbers
 * rounded to float16 after every kernel (src/backend/half.ts), so it is the reference.
 */
export type DType = 'float32' | 'int32' | 'float16';

/** float32 and float16 are floating point; int32 is not */
export function isFloatDType(d: DType): boolean {
  return d !== 'int32';
}
/** float32 data is a Float32Array, except on the float64 CPU reference (gradient checks) */
export type TypedArray = Float32Array | Int32Array | Float64Array;

/** A backend's handle to a contiguous block of elements. Opaque to the ops layer. */
export interface Storage {
  readonly dtype: DType;
  /** number of elements */
  readonly size: number;
  readonly backend: BackendName;
}

export type BackendName = 'cpu' | 'webgpu';

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'square' | 'sign' | 'reciprocal'
  | 'relu' | 'leakyRelu' | 'elu' | 'sigmoid' | 'tanh' | 'gelu'
  // derivative helpers, used by backward formulas: f'(x) given x (or y where noted)
  | 'reluGrad' | 'leakyReluGrad' | 'eluGrad' | 'geluGrad'
  // scalar-parameter ops: x^a, a*x, x+a, clamp is done by maximum/minimum
  | 'powScalar' | 'mulScalar' | 'addScalar' | 'rsubScalar' | 'rdivScalar';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  // comparisons give 1 or 0 in the output dtype
  | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal';

export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * A strided read of `shape` elements: element at multi-index i is
 * `src[offset + Σ i_k · strides_k]` (stride 0 = broadcast).
 */
export interface StridedView {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export interface MatmulArgs {
  /** number of independent products; a and b batch strides (0 = broadcast) */
  batch: number;
  m: number;
  n: number;
  k: number;
  /** a is stored [batch, k, m] (transposed) instead of [batch, m, k] */
  transA: boolean;
  /** b is stored [batch, n, k] (transposed) instead of [batch, k, n] */
  transB: boolean;
  aBatchStride: number;
  bBatchStride: number;
}

/** The update rules of the fused optimizer kernel (src/optim/), PyTorch's formulas. */
export type OptimizerRule = 'sgd' | 'rmsprop' | 'adam';

/**
 * Hyper-parameters of one optimizer step; fields a rule does not use are ignored.
 * State slots (`state[k]`, null where the option is off):
 * sgd [momentumBuffer]; rmsprop [squareAvg, momentumBuffer, gradAvg]; adam [expAvg, expAvgSq, maxExpAvgSq].
 */
export interface OptimizerStepArgs {
  rule: OptimizerRule;
  lr: number;
  weightDecay: number;
  /** AdamW: p ← p·(1 − lr·wd) before the update, instead of adding wd·p to the gradient */
  decoupledWeightDecay: boolean;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** SGD: the momentum buffer starts as a copy of the gradient on a parameter's first step */
  firstStep: boolean;
  /** RMSprop smoothing constant */
  alpha: number;
  eps: number;
  centered: boolean;
  beta1: number;
  beta2: number;
  amsgrad: boolean;
  /** Adam: 1 − β1^t and 1 − β2^t, computed on the host in float64 */
  biasCorrection1: number;
  biasCorrection2: number;
  /**
   * A float32 storage whose first element, when nonzero, makes the whole step a no-op (params
   * and state untouched): GradScaler's found-inf flag, read on the device, so skipping an
   * overflowed step needs no readback.
   */
  skipIf?: Storage | null;
}

/** Geometry of a 2-D convolution on NCHW tensors (weight [cOut, cIn/groups, kernelH, kernelW]). */
export interface Conv2dArgs {
  n: number; cIn: number; h: number; w: number;
  cOut: number; outH: number; outW: number;
  kernelH: number; kernelW: number;
  strideH: number; strideW: number;
  padH: number; padW: number;
  dilationH: number; dilationW: number;
  groups: number;
}

/** The activation fused into the conv epilogue (alpha: leakyRelu slope / elu α). */
export type ConvActivation = 'none' | 'relu' | 'leakyRelu' | 'elu' | 'gelu';

/**
 * Geometry of a 2-D pooling window on NCHW planes. Windowed: output o covers input
 * [o·stride − pad, o·stride − pad + kernel). Adaptive (PyTorch's bins): output o covers
 * [⌊o·in/out⌋, ⌈(o+1)·in/out⌉) and kernel/stride/pad are ignored.
 */
export interface Pool2dArgs {
  /** N·C planes */
  planes: number;
  h: number; w: number; outH: number; outW: number;
  kernelH: number; kernelW: number;
  strideH: number; strideW: number;
  padH: number; padW: number;
  adaptive: boolean;
  /** avg pooling: divide by the full window including padding (PyTorch's default) */
  countIncludePad: boolean;
}

/**
 * Fused batch norm (shaders/batchnorm.wgsl): x viewed as [n, channels, inner], statistics per
 * channel over its M = n·inner values. `fromVar` says where the kernels that read statistics
 * find them: false, s0 = s1 = batchNormStats' [3, channels] output (shift, mean − shift,
 * invstd); true (eval), s0 = the running mean, s1 = the running variance, invstd = 1/√(var + eps).
 */
export interface BatchNormArgs {
  n: number; channels: number; inner: number;
  eps: number;
  /** the running statistics' update weight (batchNormStats with running tensors) */
  momentum: number;
  fromVar: boolean;
}

/**
 * augmentImages (shaders/augment.wgsl): geometry of an image batch [batch, channels, height,
 * width] and the per-channel affine map v · scale[c] + offset[c] applied to each pixel value
 * (normalisation folded in). channels ≤ 16.
 */
export interface AugmentArgs {
  batch: number; channels: number; height: number; width: number;
  scale: readonly number[];
  offset: readonly number[];
  /** sources outside the image mirror back in (PyTorch's 'reflect' padding: −1 → 1) instead of reading 0; shifts must stay under the image size */
  reflect?: boolean;
}

export interface KernelSignatures {
  /**
   * out[i] = value. `refresh`: this call's value in a replay of a compiled step (a host number
   * such as a learning rate that the step reads through a tensor); absent, the value is fixed.
   */
  fill(out: Storage, value: number, refresh?: () => number): void;
  /** out[i] = f(x[i]; alpha). Same dtype in and out (float32 only for transcendental ops). */
  unary(op: UnaryOp, x: Storage, out: Storage, alpha: number): void;
  /** out[idx] = f(a[view a], b[view b]); views already broadcast to out's shape. */
  binary(op: BinaryOp, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage): void;
  /** out = cond != 0 ? a : b, all three already broadcast to out's shape */
  where(cond: Storage, condView: StridedView, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage): void;
  /** out (contiguous, shape = view.shape) = strided read of x; also casts when dtypes differ */
  copyStrided(x: Storage, view: StridedView, out: Storage): void;
  /** writes src (contiguous, shape = dstView.shape) into the strided positions of dst, in place */
  scatterStridedInPlace(src: Storage, dst: Storage, dstView: StridedView): void;
  /**
   * x viewed as [outer, reduce, inner]; out is [outer, inner].
   * sum/max/min keep x's dtype; argmax/argmin write int32 indices (first occurrence on ties).
   */
  reduce(op: ReduceOp, x: Storage, outer: number, reduce: number, inner: number, out: Storage): void;
  /** out[batch, m, n] = A·B (see MatmulArgs for layouts) */
  matmul(a: Storage, b: Storage, out: Storage, args: MatmulArgs): void;
  /** x viewed as [rows, cols]: softmax (or log-softmax) of each row, max-subtracted */
  softmax(x: Storage, rows: number, cols: number, log: boolean, out: Storage): void;
  /**
   * Fused softmax + negative log-likelihood with label smoothing ε:
   * out[r] = -Σ_c q_c · log_softmax(x_r)_c, q = (1-ε)·onehot(y_r) + ε/cols.
   * Labels outside [0, cols) give NaN for that row.
   */
  crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number, smoothing: number, out: Storage): void;
  /** d logits = (softmax(x_r) - q_r) · gradScale[r] (gradScale has `rows` entries) */
  crossEntropyBackward(logits: Storage, labels: Storage, gradScale: Storage, rows: number, cols: number, smoothing: number, out: Storage): void;
  /** x viewed as [outer, axisLen, inner]; out [outer, nIdx, inner] = x[:, idx[j], :]; idx out of range → NaN (float) / 0 */
  gather(x: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void;
  /** the adjoint of gather: out [outer, axisLen, inner] = Σ_j [idx[j] = a] · g[:, j, :] (deterministic order) */
  gatherBackward(grad: Storage, indices: Storage, outer: number, axisLen: number, inner: number, out: Storage): void;
  /** out[i, c] = (labels[i] == c) ? 1 : 0, float32 [n, classes] */
  oneHot(labels: Storage, n: number, classes: number, out: Storage): void;
  /** out = act(conv2d(x, weight) + bias) (bias may be null) */
  conv2d(x: Storage, weight: Storage, bias: Storage | null, out: Storage, args: Conv2dArgs, activation: ConvActivation, alpha: number): void;
  /** out [n, cIn, h, w] = the input gradient of conv2d given grad [n, cOut, outH, outW] */
  conv2dBackwardInput(grad: Storage, weight: Storage, out: Storage, args: Conv2dArgs): void;
  /** out [cOut, cIn/groups, kernelH, kernelW] = the weight gradient of conv2d (reduced over n, outH, outW) */
  conv2dBackwardWeight(grad: Storage, x: Storage, out: Storage, args: Conv2dArgs): void;
  /**
   * out [n, cIn·kernelH·kernelW, outH·outW] = the column blocks of conv2d: row (c, kh, kw),
   * column (oh, ow) holds x[n, c, oh·strideH − padH + kh·dilationH, ...] (0 in the padding),
   * so conv2d(x, w)[n] = w [cOut, cIn·kH·kW] · out[n] when groups = 1.
   */
  im2col(x: Storage, out: Storage, args: Conv2dArgs): void;
  /** out [n, cIn, h, w] = the adjoint of im2col: each input pixel sums the column entries of its taps */
  col2im(cols: Storage, out: Storage, args: Conv2dArgs): void;
  /** out (int32, [planes, outH, outW]) = the in-plane index (ih·w + iw) of each window's max; ties and NaN → first; an all-padding window → -1 */
  maxPool2dArgmax(x: Storage, out: Storage, args: Pool2dArgs): void;
  /** out[p, o] = x[p, idx[p, o]] (NaN where idx < 0) */
  poolGather(x: Storage, indices: Storage, out: Storage, args: Pool2dArgs): void;
  /** out [planes, h, w] = Σ of grad over the outputs whose argmax is that element (deterministic order) */
  maxPool2dBackward(grad: Storage, indices: Storage, out: Storage, args: Pool2dArgs): void;
  avgPool2d(x: Storage, out: Storage, args: Pool2dArgs): void;
  /** out [planes, h, w] = the input gradient of avgPool2d */
  avgPool2dBackward(grad: Storage, out: Storage, args: Pool2dArgs): void;
  /**
   * Inverted dropout with a counter-based mask: element i is kept when
   * hash(seed, i) / 2³² ≥ p (scaled by 1/(1−p)), else 0. Same mask on every backend.
   */
  dropout(x: Storage, out: Storage, p: number, seed: number, reseed?: () => number): void;
  /**
   * out [3, channels] = (shift, mean − shift, 1/√(biased var + eps)) of each channel: the shift
   * is the channel's first value, so x − shift is exact and the small mean − shift keeps x̂
   * accurate for large means (float32, two passes); when running mean / var are given they are
   * updated in place: r ← (1 − momentum)·r + momentum·stat, the variance unbiased (as PyTorch).
   */
  batchNormStats(x: Storage, out: Storage, args: BatchNormArgs, runningMean: Storage | null, runningVar: Storage | null): void;
  /** out = (x − mean)·invstd·weight + bias per channel (weight / bias may be null); statistics as BatchNormArgs.fromVar */
  batchNormApply(x: Storage, s0: Storage, s1: Storage, weight: Storage | null, bias: Storage | null, out: Storage, args: BatchNormArgs): void;
  /** out [2, channels] = (Σ grad, Σ grad·x̂) per channel, x̂ = (x − mean)·invstd */
  batchNormGradStats(grad: Storage, x: Storage, s0: Storage, s1: Storage, out: Storage, args: BatchNormArgs): void;
  /**
   * out = the input gradient: weight·invstd·(g − Σg/M − x̂·Σgx̂/M) with `sums` (batchNormGradStats'
   * output; batch statistics), weight·invstd·g without (fixed statistics, eval)
   */
  batchNormGradInput(grad: Storage, x: Storage, s0: Storage, s1: Storage, sums: Storage | null, weight: Storage | null, out: Storage, args: BatchNormArgs): void;
  /**
   * Random crop (zero padding) + horizontal flip + normalisation of an image batch, one pass.
   * images: int32 storage = uint8 pixels packed four per element (little-endian), or float32
   * one per element; params int32 [batch, 3] = (dy, dx, flip) per image; out float32 [batch,
   * channels, height, width]: out[n, c, y, x] = v · scale[c] + offset[c] with v = images[n, c,
   * y + dy, (flip ? width − 1 − x : x) + dx], 0 outside the image.
   */
  augmentImages(images: Storage, params: Storage, out: Storage, args: AugmentArgs): void;
  /** one fused optimizer update, in place on param and state (float32, all `param.size` long) */
  optimizerStep(args: OptimizerStepArgs, param: Storage, grad: Storage, state: readonly (Storage | null)[], refresh?: () => OptimizerStepArgs | null): void;
}

export type KernelName = keyof KernelSignatures;

/**
 * The classic-course kernels (src/classic: kNN, image features; no gradients). An optional
 * contract: a backend for training alone may leave them out, and src/classic says so clearly
 * when the active backend lacks them. Both built-in backends implement them (ClassicBackend).
 */
export interface ClassicKernelSignatures {
  /** out [m, n] = Σ_d |a[i, d] − b[j, d]| (a [m, d], b [n, d], float32) */
  pairwiseL1(a: Storage, b: Storage, m: number, n: number, d: number, out: Storage): void;
  /**
   * out (int32 [rows, k]) = the column indices of the k smallest values of each row of x
   * [rows, cols], ascending; ties → the smaller index; NaN sorts last; -1 past cols. k ≤ 128.
   */
  topkSmallest(x: Storage, rows: number, cols: number, k: number, out: Storage): void;
  /**
   * out (int32 [rows]) = the majority label among the first k of each row's `kmax` neighbour
   * indices (labels[neighbour], int32); ties → the smaller label; -1 when no valid vote. classes ≤ 256.
   */
  knnVote(neighbours: Storage, labels: Storage, rows: number, kmax: number, k: number, classes: number, out: Storage): void;
  /** out [count, bins] = fraction of each RGB image's pixels (images [count, 3, h, w] in [0, 1]) per hue bin over [0, 1); bins ≤ 256 */
  hueHistogram(images: Storage, count: number, h: number, w: number, bins: number, out: Storage): void;
  /**
   * HoG: out [count, h/cell, w/cell, bins] = per cell and unsigned gradient orientation bin, Σ gradient
   * magnitude / cell² of the grey image (RGB → 0.299 R + 0.587 G + 0.114 B; forward differences). bins ≤ 32.
   */
  hog(images: Storage, count: number, channels: number, h: number, w: number, cellSize: number, bins: number, out: Storage): void;
}

export type ClassicKernelName = keyof ClassicKernelSignatures;

export interface BackendBase {
  readonly name: BackendName;
  alloc(size: number, dtype: DType): Storage;
  upload(data: TypedArray): Storage;
  read(s: Storage): Promise<TypedArray>;
  /** return the storage's memory (to the pool); idempotent per storage */
  free(s: Storage): void;
  /**
   * A storage aliasing `size` elements of `base` from element `offset` (a multiple of
   * `viewAlignment`): writes through either are seen by both. The memory stays until the
   * base and all its views are freed. Used for the optimizers' flat parameter arenas.
   */
  view(base: Storage, offset: number, size: number): Storage;
  /** the element alignment of view offsets (64 on WebGPU: 256-byte binding offsets) */
  readonly viewAlignment: number;
  /** copies all of src into dst (same size and dtype), in stream order; a buffer copy, not a kernel */
  copy(src: Storage, dst: Storage): void;
  /**
   * Resolves when every device-side check recorded so far passed (label/index ranges of
   * crossEntropy, oneHot, gather; checkFinite); rejects with a DeviceCheckError naming the first
   * failure. One 4-word readback on WebGPU, none when nothing was checked; a no-op on the CPU,
   * which throws at once. Every read() makes the same check on the way.
   */
  checkErrors(): Promise<void>;
  /** Records a check that every element of x is finite; a failure reports `tag` (fit: the step) as `op`. */
  checkFinite(x: Storage, op: string, tag: number, nextTag?: () => number): void;
  /** submit recorded work; resolves when the GPU queue accepted it (no-op on CPU) */
  flush(): Promise<void>;
  /** counters since creation (or the last resetStats) and the pool's live/peak bytes */
  stats(): BackendStats;
  resetStats(): void;
  /** a human-readable adapter description, e.g. 'SwiftShader (software)' or 'cpu' */
  readonly adapterName: string;
  readonly isSoftwareAdapter: boolean;
  /** whether float16 storages and kernels exist here (WebGPU: the adapter has `shader-f16`) */
  readonly float16: boolean;
  /** release every resource (GPU device, pools); the backend is unusable afterwards */
  destroy(): void;
  /** capture and replay of compiled steps (wg.compile); absent where steps run eagerly (CPU) */
  readonly capture?: StepCapture;
}

export interface BackendStats {
  dispatches: number;
  /** storage-to-storage buffer copies (`copy`, e.g. gradients into an optimizer's arena); not kernels */
  copies: number;
  submits: number;
  readbacks: number;
  uploads: number;
  pipelinesCompiled: number;
  /** bytes held by live storages (excluding free buffers cached in the pool) */
  liveBytes: number;
  peakBytes: number;
  /** bytes held by the pool's free lists, reusable without a new allocation */
  pooledBytes: number;
  liveStorages: number;
  /** bytes of the temporaries compiled steps' recordings keep between calls (counted in liveBytes; see wg.compile) */
  recordingBytes: number;
}

/** A compiled step's recording, as the backend hands it to src/compile.ts. */
export interface StepRecording {
  /** false once a storage it uses was freed or it was disposed: the step must record again */
  readonly valid: boolean;
  /** bytes of the temporaries it keeps */
  readonly heldBytes: number;
  readonly dispatches: number;
}

/**
 * Capture and replay of a step (wg.compile), on backends that record commands (WebGPU). The
 * CPU backend has none: a compiled function runs eagerly there.
 */
export interface StepCapture {
  readonly capturing: boolean;
  begin(): void;
  end(): { recording: StepRecording } | { unsteady: string };
  abort(): void;
  /** the capture cannot be replayed as it is (one-time work such as creating optimizer state) */
  markUnsteady(reason: string): void;
  /**
   * While capturing: a condition every replay checks before it refreshes any value; false means
   * the step records again, and no refresh (a dropout draw, an optimizer's step count) has run.
   * For host state that decides what the step computes (an option switched on), not its values.
   */
  guard(holds: () => boolean): void;
  /** true while capturing, for a storage made before the capture (an in-place update must keep it) */
  existedBeforeCapture(s: Storage): boolean;
  /** one replay with `args` copied into `inputs`; false when it must record again */
  replay(rec: StepRecording, args: readonly Storage[], inputs: readonly Storage[]): boolean;
  /** a tensor moved off storage `s` (assign, loadStateDict): recordings that use it record again */
  replaced(s: Storage): void;
  /** frees what the recording holds; it never replays again */
  release(rec: StepRecording): void;
}

export type Backend = BackendBase & { [K in KernelName]: KernelSignatures[K] } & Partial<ClassicKernelSignatures>;

/** A backend with the classic-course kernels too (the CPU and WebGPU backends). */
export type ClassicBackend = Backend & ClassicKernelSignatures;

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}
