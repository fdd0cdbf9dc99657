// The WebGPU device: adapter/device acquisition and the façade kernel launchers use
// (`dispatch`, `alloc`, `free`, `upload`, `read`, `flush`). It composes small single-purpose
// parts (in the spirit of tinygrad's ops_webgpu.py): the size-class buffer pool
// (buffer-pool.ts), the pipeline cache (pipeline-cache.ts), cached bind groups
// (bind-groups.ts), the uniform arena (uniform-arena.ts), the command recorder and batch
// encoder (recorder.ts), error scopes that never stall a flush (error-scopes.ts), and the
// capture/replay of compiled steps (replay.ts). Launchers never touch WebGPU objects.
import type { BackendStats, DType, Storage, TypedArray } from '../types.js';
import type { DeviceOptions, DispatchSpec } from './dispatch-spec.js';
import { describeAdapter, isSoftware } from './adapter.js';
import { AllocGuard } from './alloc-guard.js';
import { elementBytes, GpuStorage, gpuStorage, sizeClass, storageBytes, Uniforms } from './buffers.js';
import { BindGroupCache } from './bind-groups.js';
import { BufferPool } from './buffer-pool.js';
import { ErrorScopes } from './error-scopes.js';
import { PipelineCache } from './pipeline-cache.js';
import { KernelProfiler, type KernelTiming } from './profiler.js';
import { type Command, type CopyCommand, Recorder, submitBatch } from './recorder.js';
import { timeDispatch } from './dispatch-timer.js';
import { CompiledSteps } from './compiled-steps.js';
import type { Recording } from './replay.js';
import { acquireDevice } from './acquire.js';
import { shaders as generatedShaders } from './shaders.generated.js';
import { UniformArena } from './uniform-arena.js';

export { GpuStorage, gpuStorage, sizeClass, Uniforms };

export type { DeviceOptions, DispatchSpec } from './dispatch-spec.js';

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class WebGPUDevice {
  readonly adapterName: string;
  readonly isSoftwareAdapter: boolean;
  readonly limits: GPUSupportedLimits;
  private readonly maxPerDim: number;
  private readonly maxRecorded: number;

  private lostReason: string | null = null;
  private uncaptured: string[] = [];
  private deferredError: Error | null = null;
  private destroyed = false;

  private counters = { dispatches: 0, copies: 0, submits: 0, readbacks: 0, uploads: 0 };
  private readonly bindGroups: BindGroupCache;
  private readonly pool: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly arena: UniformArena;
  private readonly errors: ErrorScopes;
  private readonly recorder = new Recorder();
  /** new buffers are made inside out-of-memory error scopes (alloc-guard.ts) */
  private readonly allocGuard = new AllocGuard('webgpu');
  private chain: Promise<void> = Promise.resolve();

  private readonly steps: CompiledSteps;

  /**
   * The GPU instance and adapter are kept referenced for the device's lifetime: with Dawn for
   * Node, letting `create([])`'s instance be garbage-collected while the device lives aborts
   * the process (a futex / std::system_error abort inside Dawn).
   */
  private keepAlive: unknown[];

  private constructor(
    readonly device: GPUDevice, adapterInfo: GPUAdapterInfo | undefined, isFallback: boolean, opts: DeviceOptions, keep: unknown[] = [],
  ) {
    this.keepAlive = keep;
    this.adapterName = describeAdapter(adapterInfo, isFallback);
    this.isSoftwareAdapter = isSoftware(adapterInfo, isFallback);
    this.limits = device.limits;
    this.maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    this.maxRecorded = opts.maxRecorded ?? 4096;
    this.bindGroups = new BindGroupCache(device);
    this.pool = new BufferPool(
      (size) => this.allocGuard.create(device, size, USAGE(), { liveBytes: this.pool.liveBytes, pooledBytes: this.pool.pooledBytes }),
      device.limits.maxBufferSize, (b) => this.bindGroups.forget(b),
    );
    this.pipelines = new PipelineCache(device, opts.shaders ?? generatedShaders);
    this.arena = new UniformArena(device, device.limits.minUniformBufferOffsetAlignment, (b) => this.bindGroups.forget(b));
    this.errors = new ErrorScopes(device);
    this.steps = new CompiledSteps(this.pool, this.arena.align);
    device.lost.then((info) => {
      if (!this.destroyed) this.lostReason = `${info.reason}): ${info.message || 'no message'}`;
      else this.lostReason = `destroyed): the backend was destroyed`;
    });
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      if (this.uncaptured.length < 100) this.uncaptured.push(ev.error.message);
    };
  }
  static async create(opts: DeviceOptions = {}): Promise<WebGPUDevice> {
    if (opts.device) return new WebGPUDevice(opts.device, opts.device.adapterInfo, false, opts);
    const { device, info, isFallback, keepAlive } = await acquireDevice(opts);
    return new WebGPUDevice(device, info, isFallback, opts, keepAlive);
  }

  private check(): void {
    if (this.lostReason !== null) throw new Error(`webgrad: WebGPU device lost (${this.lostReason}`);
    if (this.destroyed) throw new Error('webgrad: WebGPU backend used after destroy()');
  }

  /** uncaptured WebGPU errors seen so far (most recent last) */
  get uncapturedErrors(): readonly string[] {
    return this.uncaptured;
  }

  // ---------------------------------------------------------------- buffers

  alloc(size: number, dtype: DType): GpuStorage {
    this.check();
    if (!Number.isInteger(size) || size < 0) throw new Error(`webgrad: bad storage size ${size}`);
    const bytes = storageBytes(size, dtype);
    const cls = this.pool.classFor(bytes, () => `a storage of ${size} elements`);
    const capture = this.steps.capture;
    let buffer = capture?.reuse(cls);
    if (buffer) this.pool.liveStorages++;
    else {
      buffer = this.pool.acquire(cls);
      capture?.born(buffer, cls);
    }
    return new GpuStorage(buffer, dtype, size, cls);
  }

  /** returns the buffer to the pool; idempotent. Safe mid-batch: commands stay in order. */
  free(s: Storage): void {
    const g = s as GpuStorage;
    if (g.backend !== 'webgpu' || g.buffer === null) return;
    const buf = g.buffer;
    g.buffer = null;
    // any storage of a buffer a recording uses going away (a parameter's arena slot replaced
    // by loadStateDict, a gradient dropped) means the recording no longer matches the tensors
    this.steps.touchedOutside(buf);
    const owner = g.base ?? g;
    if (--owner.refs > 0) return; // views (or the owner) still use the buffer
    if (this.destroyed) {
      this.pool.liveStorages--;
      this.pool.liveBytes -= owner.classBytes;
      return;
    }
    if (this.allocGuard.isFailed(buf)) {
      // its allocation failed (reported at the next submit): never pooled
      this.pool.liveStorages--;
      this.pool.liveBytes -= owner.classBytes;
      return buf.destroy();
    }
    if (this.steps.capture) {
      // a temporary of the step being captured: its replays will write it again
      this.pool.hold();
      this.steps.capture.onFree(buf, owner.classBytes);
      return;
    }
    this.pool.release(buf, owner.classBytes);
  }

  /**
   * A storage aliasing `size` elements of `base` from element `offset` on: no copy, no new
   * buffer. The offset must be a multiple of `viewAlignment` elements (WebGPU binds storage
   * ranges only at minStorageBufferOffsetAlignment). The base's buffer lives until it and
   * every view of it are freed.
   */
  view(base: Storage, offset: number, size: number): GpuStorage {
    const b = gpuStorage(base);
    const owner = b.base ?? b;
    const byteOffset = b.byteOffset + offset * elementBytes(b.dtype);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0 || offset + size > b.size)
      throw new Error(`webgrad: view of elements [${offset}, ${offset + size}) is outside a storage of ${b.size}`);
    if (byteOffset % this.limits.minStorageBufferOffsetAlignment !== 0)
      throw new Error(`webgrad: a view must start at a multiple of ${this.viewAlignment} elements (minStorageBufferOffsetAlignment ${this.limits.minStorageBufferOffsetAlignment} bytes), got element ${offset}`);
    owner.refs++;
    const v = new GpuStorage(owner.buffer, b.dtype, size, 0);
    v.base = owner;
    v.byteOffset = byteOffset;
    return v;
  }

  /** the element alignment views need */
  get viewAlignment(): number {
    return this.limits.minStorageBufferOffsetAlignment / 4;
  }

  /** Copies all of src into dst (same size): a buffer copy command, no kernel dispatch. */
  copy(src: Storage, dst: Storage): void {
    const a = gpuStorage(src);
    const b = gpuStorage(dst);
    if (a.size !== b.size || a.dtype !== b.dtype)
      throw new Error(`webgrad: copy of a ${a.dtype} storage of ${a.size} into a ${b.dtype} storage of ${b.size}`);
    this.check();
    if (a.size === 0) return;
    this.record({ kind: 'copy', src: a.buffer!, srcOffset: a.byteOffset, dst: b.buffer!, dstOffset: b.byteOffset, bytes: storageBytes(a.size, a.dtype) });
    this.counters.copies++;
    this.recorder.touched.add(a.buffer!);
    this.recorder.touched.add(b.buffer!);
  }

  /** destroys every pooled (free) buffer */
  trimPool(): void {
    this.pool.trim();
  }

  upload(data: TypedArray): GpuStorage {
    // float64 data (nested arrays, the float64 reference's inputs) is stored as float32 here
    if (data instanceof Float64Array) data = Float32Array.from(data);
    const s = this.alloc(data.length, data instanceof Int32Array ? 'int32' : 'float32');
    this.counters.uploads++;
    if (data.length === 0) return s;
    const buf = s.buffer!;
    if (!this.steps.capture && this.recorder.inFlight === 0 && !this.recorder.touched.has(buf)) {
      // nothing recorded or in flight uses this buffer: the queue orders the write before any later submit
      this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    } else {
      // a captured upload is replayed from the recording's own copy of the data
      this.record({ kind: 'upload', dst: buf, data: data.slice() });
      this.recorder.touched.add(buf);
    }
    return s;
  }

  async read(s: Storage): Promise<TypedArray> {
    const g = gpuStorage(s);
    this.check();
    const capture = this.steps.capture;
    if (capture) {
      // the readback's promise rejects, and the compiled call itself throws (endCapture)
      capture.failure ??= 'webgrad: compile: the compiled function reads a tensor back (data(), item(), array()); a compiled step cannot wait for the GPU or branch on tensor values: return the tensor and read it after the call';
      throw new Error(capture.failure);
    }
    this.counters.readbacks++;
    const n = g.size;
    const bytes = n * 4;
    if (n === 0) {
      await this.flush();
      return g.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    }
    const padded = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({ size: padded, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      this.record({ kind: 'copy', src: g.buffer!, srcOffset: g.byteOffset, dst: staging, dstOffset: 0, bytes: padded });
      this.recorder.touched.add(g.buffer!);
      await this.flush();
      this.check();
      await staging.mapAsync(GPUMapMode.READ);
      // the GPU has run the batch: its error scopes have answered
      await this.errors.settle();
      this.throwDeferred();
      const copy = staging.getMappedRange().slice(0);
      staging.unmap();
      return g.dtype === 'int32' ? new Int32Array(copy, 0, n) : new Float32Array(copy, 0, n);
    } finally {
      staging.destroy();
    }
  }

  // ---------------------------------------------------------------- recording

  dispatch(spec: DispatchSpec): void {
    this.check();
    const grid = this.grid(spec.workgroups);
    if (grid[0] * grid[1] * grid[2] === 0) return;
    const buffers: GPUBufferBinding[] = [];
    const touched = this.recorder.touched;
    for (const s of spec.inputs) buffers.push(this.binding(s, touched));
    for (const s of spec.outputs) buffers.push(this.binding(s, touched));
    this.record({ kind: 'dispatch', key: this.pipelines.key(spec), spec, buffers, grid });
  }

  private binding(s: GpuStorage, touched: Set<GPUBuffer>): GPUBufferBinding {
    const g = gpuStorage(s);
    touched.add(g.buffer!);
    // an owning storage binds its whole buffer; a view only its range
    return g.base ? { buffer: g.buffer!, offset: g.byteOffset, size: storageBytes(g.size, g.dtype) } : { buffer: g.buffer! };
  }

  private record(c: Command): void {
    this.recorder.push(c);
    this.steps.capture?.record(c);
    if (this.recorder.length >= this.maxRecorded) {
      this.flush().catch((e: unknown) => {
        this.deferredError ??= e instanceof Error ? e : new Error(String(e));
      });
    }
  }

  /** folds a workgroup count over 2-D when it exceeds maxComputeWorkgroupsPerDimension */
  grid(w: number | [number, number, number]): [number, number, number] {
    if (Array.isArray(w)) return w;
    if (w <= this.maxPerDim) return [w, 1, 1];
    const y = Math.ceil(w / this.maxPerDim);
    const x = Math.ceil(w / y);
    if (y > this.maxPerDim) throw new Error(`webgrad: dispatch of ${w} workgroups is too large`);
    return [x, y, 1];
  }

  /** the shader module of a (file, variant), compiled once */
  shaderModule(shader: string, defines: Record<string, boolean> = {}): GPUShaderModule {
    return this.pipelines.module(shader, defines);
  }

  /** resolves (and caches) the pipeline of a dispatch; concurrent requests share one compile */
  pipeline(spec: DispatchSpec): Promise<GPUComputePipeline> {
    return this.pipelines.resolve(spec);
  }

  /** the bind group layout of a dispatch with nIn inputs and nOut outputs (binding 0: uniforms, dynamic offset) */
  bindGroupLayout(nIn: number, nOut: number): GPUBindGroupLayout {
    return this.pipelines.layout(nIn, nOut);
  }

  private throwDeferred(): void {
    const e = this.deferredError ?? this.errors.take();
    if (e) {
      this.deferredError = null;
      throw e;
    }
  }

  /**
   * Submits everything recorded so far (one encoder, one submit); serialized with earlier
   * flushes. A WebGPU error of this batch is thrown by the next flush or readback.
   */
  flush(): Promise<void> {
    const cmds = this.recorder.take();
    if (cmds.length > 0) this.recorder.inFlight++;
    const run = this.chain.then(async () => {
      try {
        if (cmds.length > 0) await this.submit(cmds);
      } finally {
        if (cmds.length > 0) {
          this.recorder.inFlight--;
          this.recorder.settled();
        }
      }
    });
    this.chain = run.catch(() => undefined);
    return run.then(() => this.throwDeferred());
  }

  private async submit(cmds: Command[]): Promise<void> {
    // only after new buffers were made: the steady state awaits nothing here
    await this.allocGuard.throwIfFailed();
    const n = await submitBatch(
      { device: this.device, pipelines: this.pipelines, bindGroups: this.bindGroups, arena: this.arena, profiler: this.profiler, errors: this.errors },
      cmds, () => this.check(),
    );
    this.counters.dispatches += n;
    this.counters.submits++;
  }

  /**
   * Seconds per dispatch of `spec` run `reps` times in one pass of its own submit (the matmul
   * tuner's measurement; dispatch-timer.ts): cached pipeline and bind group, pooled storages.
   */
  timeDispatch(spec: DispatchSpec, reps: number): Promise<number> {
    this.check();
    return timeDispatch(
      { device: this.device, pipelines: this.pipelines, bindGroups: this.bindGroups, grid: (w) => this.grid(w), binding: (g) => this.binding(g, new Set()) },
      spec, reps,
    );
  }

  // ---------------------------------------------------------------- compiled steps (compiled-steps.ts)

  /** true while a compiled step's first run is being captured */
  get capturing(): boolean {
    return this.steps.capture !== null;
  }

  beginCapture(): void {
    this.check();
    this.steps.begin();
  }

  endCapture(): { recording: Recording } | { unsteady: string } {
    return this.steps.end();
  }

  abortCapture(): void {
    this.steps.abort();
  }

  markUnsteady(reason: string): void {
    this.steps.markUnsteady(reason);
  }

  guard(holds: () => boolean): void {
    this.steps.guard(holds);
  }

  existedBeforeCapture(s: Storage): boolean {
    return this.steps.existedBeforeCapture(s);
  }

  /** a tensor moved off storage `s` (assign, loadStateDict): recordings using it record again */
  replaced(s: Storage): void {
    const g = s as GpuStorage;
    if (g.buffer) this.steps.touchedOutside(g.buffer);
  }

  invalidate(rec: Recording): void {
    this.steps.invalidate(rec);
  }

  /**
   * Records one replay of `rec`: the arguments copied into the recording's input storages,
   * then its commands, submitted at once. Returns false when the recording cannot replay
   * (invalidated, or a dynamic dispatch needs another pipeline): record the step again.
   */
  replay(rec: Recording, args: readonly Storage[], inputs: readonly Storage[]): boolean {
    this.check();
    if (!rec.valid || this.steps.capture) return false;
    const uniforms = rec.snapshot();
    if (!uniforms) {
      this.steps.invalidate(rec);
      return false;
    }
    const copies: CopyCommand[] = [];
    args.forEach((a, i) => {
      const src = gpuStorage(a);
      const dst = gpuStorage(inputs[i]);
      if (src.size > 0) copies.push({ kind: 'copy', src: src.buffer!, srcOffset: src.byteOffset, dst: dst.buffer!, dstOffset: dst.byteOffset, bytes: storageBytes(src.size, src.dtype) });
      this.recorder.touched.add(src.buffer!);
    });
    rec.pending++;
    this.record({ kind: 'replay', recording: rec, uniforms, args: copies });
    // one submit per call: a recording's uniform buffer holds one call's values at a time
    this.flush().catch((e: unknown) => {
      this.deferredError ??= e instanceof Error ? e : new Error(String(e));
    });
    return true;
  }

  // ---------------------------------------------------------------- stats / profiling / lifetime

  private profiler: KernelProfiler | null = null;

  /** times every dispatch submitted from now on (see profiler.ts); work recorded earlier is submitted untimed first */
  async startProfile(): Promise<void> {
    if (this.profiler) throw new Error('webgrad: a kernel profile is already running (call stopProfile() first)');
    await this.flush();
    this.profiler = new KernelProfiler(this.device);
  }

  /** submits what is recorded, stops timing and returns the GPU time per kernel label, most expensive first */
  async stopProfile(): Promise<KernelTiming[]> {
    const profiler = this.profiler;
    if (!profiler) throw new Error('webgrad: stopProfile() without startProfile()');
    try {
      await this.flush();
    } finally {
      this.profiler = null;
    }
    return profiler.results();
  }

  stats(): BackendStats {
    return {
      ...this.counters,
      pipelinesCompiled: this.pipelines.pipelinesCompiled,
      liveBytes: this.pool.liveBytes,
      peakBytes: this.pool.peakBytes,
      pooledBytes: this.pool.pooledBytes,
      liveStorages: this.pool.liveStorages,
      recordingBytes: this.steps.heldBytes,
    };
  }

  resetStats(): void {
    this.counters = { dispatches: 0, copies: 0, submits: 0, readbacks: 0, uploads: 0 };
    this.pipelines.pipelinesCompiled = 0;
    this.pool.resetPeak();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.steps.dropAll();
    this.destroyed = true;
    this.trimPool();
    this.arena.destroy();
    this.device.destroy();
    this.keepAlive = [];
  }
}
