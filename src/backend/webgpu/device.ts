// The one module that touches WebGPU objects (in the spirit of tinygrad's ops_webgpu.py):
// adapter/device acquisition, a size-class buffer pool, a pipeline cache, and a command
// recorder that batches every dispatch, upload and readback copy of a step into one command
// encoder and one queue.submit. Kernel launchers (elementwise.ts, matmul.ts, ...) only call
// `dispatch(...)` with GpuStorage handles, a uniform block and a workgroup count.
import type { BackendStats, DType, Storage, TypedArray } from '../types.js';
import { describeAdapter, isSoftware } from './adapter.js';
import { elementBytes, GpuStorage, gpuStorage, sizeClass, storageBytes, Uniforms } from './buffers.js';
import { preprocess } from './preprocess.js';
import { KernelProfiler, type KernelTiming } from './profiler.js';
import { shaders as generatedShaders } from './shaders.generated.js';

export { GpuStorage, gpuStorage, sizeClass, Uniforms };

export interface DeviceOptions {
  gpu?: GPU;
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
  /** recorded commands that trigger an automatic flush (default 4096) */
  maxRecorded?: number;
  /** override the shader sources (tests); defaults to shaders.generated.ts */
  shaders?: Record<string, string>;
}

export interface DispatchSpec {
  /** shader file name (shaders/<shader>.wgsl) */
  shader: string;
  entry: string;
  /** preprocessor variant switches (#if NAME) */
  defines?: Record<string, boolean>;
  /** WGSL override constants (numbers; booleans as 0/1) */
  constants?: Record<string, number>;
  uniforms: Uniforms;
  /** bound as read-only storage at bindings 1..inputs.length */
  inputs: GpuStorage[];
  /** bound as read_write storage after the inputs */
  outputs: GpuStorage[];
  /** total workgroups (folded to 2-D above the per-dimension limit), or an explicit grid */
  workgroups: number | [number, number, number];
  /** a label for error messages (defaults to shader.entry) */
  label?: string;
}

type Command =
  | { kind: 'dispatch'; key: string; spec: DispatchSpec; buffers: GPUBufferBinding[]; grid: [number, number, number] }
  | { kind: 'upload'; dst: GPUBuffer; data: TypedArray }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number };

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class WebGPUDevice {
  readonly adapterName: string;
  readonly isSoftwareAdapter: boolean;
  readonly limits: GPUSupportedLimits;
  private readonly uniformAlign: number;
  private readonly maxPerDim: number;
  private readonly shaderSources: Record<string, string>;
  private readonly maxRecorded: number;

  private lostReason: string | null = null;
  private uncaptured: string[] = [];
  private deferredError: Error | null = null;
  private destroyed = false;

  // buffer pool
  private pool = new Map<number, GPUBuffer[]>();
  private counters = { dispatches: 0, copies: 0, submits: 0, readbacks: 0, uploads: 0, pipelinesCompiled: 0 };
  private liveBytes = 0;
  private peakBytes = 0;
  private pooledBytes = 0;
  private liveStorages = 0;

  // pipelines
  private modules = new Map<string, GPUShaderModule>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private pipelines = new Map<string, GPUComputePipeline>();
  private pending = new Map<string, Promise<GPUComputePipeline>>();

  // recording
  private recorded: Command[] = [];
  /** buffers referenced by recorded or in-flight (not yet submitted) commands */
  private touched = new Set<GPUBuffer>();
  private inFlight = 0;
  private chain: Promise<void> = Promise.resolve();

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
    this.uniformAlign = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    this.maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    this.shaderSources = opts.shaders ?? generatedShaders;
    this.maxRecorded = opts.maxRecorded ?? 4096;
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
    const gpu = opts.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) {
      throw new Error('webgrad: no WebGPU adapter found (navigator.gpu is missing; in Node pass { gpu: create([]) } from the `webgpu` package, or use the CPU backend)');
    }
    const adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
    if (!adapter) {
      throw new Error('webgrad: no WebGPU adapter found (requestAdapter returned null; on a machine without a GPU use SwiftShader, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json in Node, or use the CPU backend)');
    }
    const requiredLimits: Record<string, number> = {};
    for (const name of [
      'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage',
      'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
    ] as const) {
      const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
      if (typeof v === 'number') requiredLimits[name] = v;
    }
    // timestamps only serve kernel profiling (startProfile); asked for where the adapter has them
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    if (adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16'); // float16 tensors, where the adapter has them
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    const info = adapter.info as GPUAdapterInfo | undefined;
    const isFallback = !!(adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
    return new WebGPUDevice(device, info, isFallback, opts, [gpu, adapter]);
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
    let cls = sizeClass(bytes);
    if (cls > this.limits.maxBufferSize) cls = Math.ceil(bytes / 16) * 16;
    if (cls > this.limits.maxBufferSize) {
      throw new Error(`webgrad: a storage of ${size} elements (${bytes} bytes) exceeds the adapter's maxBufferSize ${this.limits.maxBufferSize}`);
    }
    const free = this.pool.get(cls);
    let buffer = free?.pop();
    if (buffer) this.pooledBytes -= cls;
    else buffer = this.device.createBuffer({ size: cls, usage: USAGE() });
    this.liveBytes += cls;
    this.liveStorages++;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
    return new GpuStorage(buffer, dtype, size, cls);
  }

  /** returns the buffer to the pool; idempotent. Safe mid-batch: commands stay in order. */
  free(s: Storage): void {
    const g = s as GpuStorage;
    if (g.backend !== 'webgpu' || g.buffer === null) return;
    const buf = g.buffer;
    g.buffer = null;
    const owner = g.base ?? g;
    if (--owner.refs > 0) return; // views (or the owner) still use the buffer
    this.liveBytes -= owner.classBytes;
    this.liveStorages--;
    if (this.destroyed) return;
    let list = this.pool.get(owner.classBytes);
    if (!list) this.pool.set(owner.classBytes, (list = []));
    list.push(buf);
    this.pooledBytes += owner.classBytes;
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
    this.touched.add(a.buffer!);
    this.touched.add(b.buffer!);
  }

  /** destroys every pooled (free) buffer */
  trimPool(): void {
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.pooledBytes = 0;
  }

  upload(data: TypedArray): GpuStorage {
    // float64 data (nested arrays, the float64 reference's inputs) is stored as float32 here
    if (data instanceof Float64Array) data = Float32Array.from(data);
    const s = this.alloc(data.length, data instanceof Int32Array ? 'int32' : 'float32');
    this.counters.uploads++;
    if (data.length === 0) return s;
    const buf = s.buffer!;
    if (this.inFlight === 0 && !this.touched.has(buf)) {
      // nothing recorded or in flight uses this buffer: the queue orders the write before any later submit
      this.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    } else {
      this.record({ kind: 'upload', dst: buf, data: data.slice() });
      this.touched.add(buf);
    }
    return s;
  }

  async read(s: Storage): Promise<TypedArray> {
    const g = gpuStorage(s);
    this.check();
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
      this.touched.add(g.buffer!);
      await this.flush();
      this.check();
      await staging.mapAsync(GPUMapMode.READ);
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
    for (const s of [...spec.inputs, ...spec.outputs]) {
      const g = gpuStorage(s);
      // an owning storage binds its whole buffer; a view only its range
      buffers.push(g.base ? { buffer: g.buffer!, offset: g.byteOffset, size: storageBytes(g.size, g.dtype) } : { buffer: g.buffer! });
      this.touched.add(g.buffer!);
    }
    const key = this.pipelineKey(spec);
    this.record({ kind: 'dispatch', key, spec, buffers, grid });
  }

  private record(c: Command): void {
    this.recorded.push(c);
    if (this.recorded.length >= this.maxRecorded) {
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

  private pipelineKey(spec: DispatchSpec): string {
    const d = Object.entries(spec.defines ?? {}).filter(([, v]) => v).map(([k]) => k).sort().join(',');
    const c = Object.entries(spec.constants ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
    return `${spec.shader}:${spec.entry}:${spec.inputs.length}/${spec.outputs.length}|${d}|${c}`;
  }

  /** the shader module of a (file, variant), compiled once */
  shaderModule(shader: string, defines: Record<string, boolean> = {}): GPUShaderModule {
    const d = Object.entries(defines).filter(([, v]) => v).map(([k]) => k).sort().join(',');
    const key = `${shader}|${d}`;
    let m = this.modules.get(key);
    if (!m) {
      const src = this.shaderSources[shader];
      if (src === undefined) throw new Error(`webgrad: no shader named '${shader}' (run scripts/gen-shaders.mjs)`);
      m = this.device.createShaderModule({ code: preprocess(src, defines), label: key });
      this.modules.set(key, m);
    }
    return m;
  }

  private layout(nIn: number, nOut: number): GPUBindGroupLayout {
    const key = `${nIn}/${nOut}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }];
      for (let i = 0; i < nIn; i++) entries.push({ binding: 1 + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < nOut; i++) entries.push({ binding: 1 + nIn + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      l = this.device.createBindGroupLayout({ entries, label: key });
      this.layouts.set(key, l);
    }
    return l;
  }

  /** resolves (and caches) the pipeline of a dispatch; concurrent requests share one compile */
  pipeline(spec: DispatchSpec, key = this.pipelineKey(spec)): Promise<GPUComputePipeline> {
    const done = this.pipelines.get(key);
    if (done) return Promise.resolve(done);
    let p = this.pending.get(key);
    if (!p) {
      const module = this.shaderModule(spec.shader, spec.defines);
      const layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(spec.inputs.length, spec.outputs.length)] });
      p = this.device
        .createComputePipelineAsync({ layout, compute: { module, entryPoint: spec.entry, constants: spec.constants }, label: key })
        .then(
          (pl) => {
            this.pipelines.set(key, pl);
            this.pending.delete(key);
            this.counters.pipelinesCompiled++;
            return pl;
          },
          async (e: unknown) => {
            this.pending.delete(key);
            let detail = '';
            try {
              const info = await module.getCompilationInfo();
              detail = info.messages.map((m) => `\n  ${m.type} line ${m.lineNum}: ${m.message}`).join('');
            } catch { /* no compilation info */ }
            throw new Error(`webgrad: compiling pipeline ${key} failed: ${e instanceof Error ? e.message : String(e)}${detail}`);
          },
        );
      this.pending.set(key, p);
    }
    return p;
  }

  /** submits everything recorded so far (one encoder, one submit); serialized with earlier flushes */
  flush(): Promise<void> {
    const cmds = this.recorded;
    this.recorded = [];
    if (cmds.length > 0) this.inFlight++;
    const run = this.chain.then(async () => {
      try {
        if (cmds.length > 0) await this.submit(cmds);
      } finally {
        if (cmds.length > 0) {
          this.inFlight--;
          if (this.inFlight === 0 && this.recorded.length === 0) this.touched.clear();
        }
      }
    });
    this.chain = run.catch(() => undefined);
    return run.then(() => {
      const e = this.deferredError;
      if (e) {
        this.deferredError = null;
        throw e;
      }
    });
  }

  private async submit(cmds: Command[]): Promise<void> {
    this.check();
    const dev = this.device;
    // 1. pipelines
    const pipes = new Map<string, Promise<GPUComputePipeline>>();
    for (const c of cmds) if (c.kind === 'dispatch' && !pipes.has(c.key)) pipes.set(c.key, this.pipeline(c.spec, c.key));
    const resolved = new Map<string, GPUComputePipeline>();
    await Promise.all([...pipes].map(async ([k, p]) => resolved.set(k, await p)));
    this.check();

    // 2. uniforms: one arena, one writeBuffer
    let uniformBytes = 0;
    const offsets: number[] = [];
    for (const c of cmds) {
      if (c.kind !== 'dispatch') continue;
      offsets.push(uniformBytes);
      uniformBytes += Math.ceil(c.spec.uniforms.byteLength / this.uniformAlign) * this.uniformAlign;
    }
    // 3. staged uploads: one mapped staging buffer
    let uploadBytes = 0;
    for (const c of cmds) if (c.kind === 'upload') uploadBytes += Math.ceil(c.data.byteLength / 4) * 4;

    const labels = new Set<string>();
    for (const c of cmds) labels.add(c.kind === 'dispatch' ? (c.spec.label ?? `${c.spec.shader}.${c.spec.entry}`) : c.kind);

    dev.pushErrorScope('out-of-memory');
    dev.pushErrorScope('validation');
    let arena: GpuStorage | null = null;
    let staging: GPUBuffer | null = null;
    let submitted = false;
    const profiler = this.profiler;
    try {
      if (uniformBytes > 0) {
        arena = this.allocRaw(uniformBytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
        const data = new ArrayBuffer(uniformBytes);
        const view = new DataView(data);
        let i = 0;
        for (const c of cmds) if (c.kind === 'dispatch') c.spec.uniforms.writeTo(view, offsets[i++]);
        dev.queue.writeBuffer(arena.buffer!, 0, data);
      }
      if (uploadBytes > 0) {
        staging = dev.createBuffer({ size: uploadBytes, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
        const range = new Uint8Array(staging.getMappedRange());
        let o = 0;
        for (const c of cmds) {
          if (c.kind !== 'upload') continue;
          range.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), o);
          o += Math.ceil(c.data.byteLength / 4) * 4;
        }
        staging.unmap();
      }
      const enc = dev.createCommandEncoder();
      profiler?.beginSubmit(cmds.filter((c) => c.kind === 'dispatch').length);
      let pass: GPUComputePassEncoder | null = null;
      let ui = 0;
      let uo = 0;
      for (const c of cmds) {
        if (c.kind === 'dispatch') {
          if (profiler) {
            // one pass per dispatch, so its timestamps bracket this kernel alone
            pass?.end();
            pass = enc.beginComputePass(profiler.passFor(c.spec.label ?? `${c.spec.shader}.${c.spec.entry}`));
          }
          pass ??= enc.beginComputePass();
          const pl = resolved.get(c.key)!;
          const size = c.spec.uniforms.byteLength;
          const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: arena!.buffer!, offset: offsets[ui++], size } }];
          c.buffers.forEach((b, i) => entries.push({ binding: 1 + i, resource: b }));
          pass.setPipeline(pl);
          pass.setBindGroup(0, dev.createBindGroup({ layout: pl.getBindGroupLayout(0), entries }));
          pass.dispatchWorkgroups(c.grid[0], c.grid[1], c.grid[2]);
          this.counters.dispatches++;
        } else {
          if (pass) { pass.end(); pass = null; }
          if (c.kind === 'upload') {
            const n = Math.ceil(c.data.byteLength / 4) * 4;
            enc.copyBufferToBuffer(staging!, uo, c.dst, 0, n);
            uo += n;
          } else {
            enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
          }
        }
      }
      if (pass) pass.end();
      profiler?.endEncoding(enc);
      dev.queue.submit([enc.finish()]);
      this.counters.submits++;
      submitted = true;
    } finally {
      profiler?.afterSubmit(submitted);
      if (staging) staging.destroy();
      if (arena) this.freeRaw(arena);
      const validation = await dev.popErrorScope();
      const oom = await dev.popErrorScope();
      const err = validation ?? oom;
      if (err) {
        const kind = validation ? 'validation' : 'out-of-memory';
        // eslint-disable-next-line no-unsafe-finally
        throw new Error(`webgrad: WebGPU ${kind} error in a batch of ${cmds.length} commands (kernels: ${[...labels].join(', ')}): ${err.message}`);
      }
    }
  }

  /** an internal pooled buffer with custom usage (uniform arena); freed like a storage */
  private uniformPool = new Map<number, GPUBuffer[]>();
  private allocRaw(bytes: number, usage: number): GpuStorage {
    const cls = sizeClass(bytes);
    const list = this.uniformPool.get(cls);
    const buffer = list?.pop() ?? this.device.createBuffer({ size: cls, usage });
    return new GpuStorage(buffer, 'float32', cls / 4, cls);
  }
  private freeRaw(s: GpuStorage): void {
    let list = this.uniformPool.get(s.classBytes);
    if (!list) this.uniformPool.set(s.classBytes, (list = []));
    list.push(s.buffer!);
    s.buffer = null;
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
      liveBytes: this.liveBytes,
      peakBytes: this.peakBytes,
      pooledBytes: this.pooledBytes,
      liveStorages: this.liveStorages,
    };
  }

  resetStats(): void {
    this.counters = { dispatches: 0, copies: 0, submits: 0, readbacks: 0, uploads: 0, pipelinesCompiled: 0 };
    this.peakBytes = this.liveBytes;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.trimPool();
    for (const list of this.uniformPool.values()) for (const b of list) b.destroy();
    this.uniformPool.clear();
    this.device.destroy();
    this.keepAlive = [];
  }
}
