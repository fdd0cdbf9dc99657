// The command recorder: dispatches, uploads, copies and compiled-step replays are recorded in
// order and encoded at a flush into one command encoder (one queue.submit per flush).
import type { TypedArray } from '../types.js';
import type { BindGroupCache } from './bind-groups.js';
import type { ErrorScopes } from './error-scopes.js';
import type { DispatchSpec } from './device.js';
import type { PipelineCache } from './pipeline-cache.js';
import type { KernelProfiler } from './profiler.js';
import type { Recording } from './replay.js';
import type { UniformArena } from './uniform-arena.js';

export interface DispatchCommand {
  kind: 'dispatch';
  /** the pipeline cache key */
  key: string;
  spec: DispatchSpec;
  buffers: GPUBufferBinding[];
  grid: [number, number, number];
}
export interface UploadCommand { kind: 'upload'; dst: GPUBuffer; data: TypedArray }
export interface CopyCommand { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number }
/** one replay of a compiled step: its per-call uniform bytes and the argument copies */
export interface ReplayCommand { kind: 'replay'; recording: Recording; uniforms: Uint8Array<ArrayBuffer>; args: CopyCommand[] }
export type Command = DispatchCommand | UploadCommand | CopyCommand | ReplayCommand;

export const labelOf = (spec: DispatchSpec): string => spec.label ?? `${spec.shader}.${spec.entry}`;

/** The compute pass being encoded into; with a profiler attached each dispatch gets its own timed pass. */
export class PassCursor {
  private pass: GPUComputePassEncoder | null = null;
  dispatches = 0;
  constructor(readonly encoder: GPUCommandEncoder, private readonly profiler: KernelProfiler | null) {}

  /** `label` is called only while profiling (it builds a string) */
  forDispatch(label: () => string): GPUComputePassEncoder {
    this.dispatches++;
    if (this.profiler) {
      this.end();
      this.pass = this.encoder.beginComputePass(this.profiler.passFor(label()));
    }
    return (this.pass ??= this.encoder.beginComputePass());
  }

  /** ends the open pass before a copy (copies are encoder commands) */
  end(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}

export interface EncodeContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  bindGroups: BindGroupCache;
  arena: UniformArena;
  profiler: KernelProfiler | null;
}

export class Recorder {
  private list: Command[] = [];
  /** buffers referenced by recorded or in-flight (not yet submitted) commands */
  readonly touched = new Set<GPUBuffer>();
  /** flushes taken but not yet submitted */
  inFlight = 0;

  get length(): number {
    return this.list.length;
  }

  push(c: Command): void {
    this.list.push(c);
  }

  /** everything recorded so far, leaving the recorder empty */
  take(): Command[] {
    const cmds = this.list;
    this.list = [];
    return cmds;
  }

  /** a flush finished submitting: with nothing else pending, no buffer is in use by the recorder */
  settled(): void {
    if (this.inFlight === 0 && this.list.length === 0) this.touched.clear();
  }
}

/**
 * Encodes a batch: every eager dispatch's uniforms into the arena (one writeBuffer), staged
 * uploads into one mapped buffer, then the commands in order into one encoder. Pipelines must
 * be compiled (the caller awaits them first). Returns the encoder's cursor and the temporary
 * staging buffer (destroyed by the caller after the submit).
 */
export function encodeBatch(ctx: EncodeContext, cmds: readonly Command[]): { cursor: PassCursor; staging: GPUBuffer | null } {
  const { device, arena } = ctx;
  const align = arena.align;
  let uniformBytes = 0;
  let uploadBytes = 0;
  for (const c of cmds) {
    if (c.kind === 'dispatch') uniformBytes += Math.ceil(c.spec.uniforms.byteLength / align) * align;
    else if (c.kind === 'upload') uploadBytes += Math.ceil(c.data.byteLength / 4) * 4;
  }
  const arenaBuffer = uniformBytes > 0 ? arena.reserve(uniformBytes) : null;
  if (arenaBuffer) {
    const view = arena.scratch(uniformBytes);
    let o = 0;
    for (const c of cmds) {
      if (c.kind !== 'dispatch') continue;
      c.spec.uniforms.writeTo(view, o);
      o += Math.ceil(c.spec.uniforms.byteLength / align) * align;
    }
    device.queue.writeBuffer(arenaBuffer, 0, view.buffer, 0, uniformBytes);
  }
  let staging: GPUBuffer | null = null;
  if (uploadBytes > 0) {
    staging = device.createBuffer({ size: uploadBytes, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    const range = new Uint8Array(staging.getMappedRange());
    let o = 0;
    for (const c of cmds) {
      if (c.kind !== 'upload') continue;
      range.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), o);
      o += Math.ceil(c.data.byteLength / 4) * 4;
    }
    staging.unmap();
  }

  const cursor = new PassCursor(device.createCommandEncoder(), ctx.profiler);
  const enc = cursor.encoder;
  let uo = 0;
  let so = 0;
  for (const c of cmds) {
    switch (c.kind) {
      case 'dispatch': {
        const pl = ctx.pipelines.get(c.key)!;
        const spec = c.spec;
        const size = spec.uniforms.byteLength;
        const layoutKey = `${spec.inputs.length}/${spec.outputs.length}`;
        const bg = ctx.bindGroups.get(ctx.pipelines.layout(spec.inputs.length, spec.outputs.length), layoutKey, arenaBuffer!, size, c.buffers);
        const pass = cursor.forDispatch(() => labelOf(spec));
        pass.setPipeline(pl);
        pass.setBindGroup(0, bg, [uo]);
        pass.dispatchWorkgroups(c.grid[0], c.grid[1], c.grid[2]);
        uo += Math.ceil(size / align) * align;
        break;
      }
      case 'upload': {
        cursor.end();
        const n = Math.ceil(c.data.byteLength / 4) * 4;
        enc.copyBufferToBuffer(staging!, so, c.dst, 0, n);
        so += n;
        break;
      }
      case 'copy':
        cursor.end();
        enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
        break;
      case 'replay':
        c.recording.encode(device, cursor, c);
        break;
    }
  }
  cursor.end();
  return { cursor, staging };
}

/**
 * Submits a batch: compiles the pipelines it still lacks (and prepares recordings about to
 * replay for the first time), encodes it into one encoder inside error scopes that are
 * checked later (error-scopes.ts), and submits it once. Returns the dispatch count.
 */
export async function submitBatch(ctx: EncodeContext & { errors: ErrorScopes }, cmds: Command[], check: () => void): Promise<number> {
  const replays = cmds.filter((c) => c.kind === 'replay');
  try {
    check();
    // pipelines: looked up synchronously; only new ones are awaited
    let waits: Promise<unknown>[] | null = null;
    for (const c of cmds) {
      if (c.kind === 'dispatch' && !ctx.pipelines.get(c.key)) (waits ??= []).push(ctx.pipelines.resolve(c.spec, c.key));
      else if (c.kind === 'replay' && !c.recording.isReady) (waits ??= []).push(c.recording.prepare(ctx.device, ctx.pipelines));
    }
    if (waits) {
      await Promise.all(waits);
      check();
    }
    const { profiler, errors } = ctx;
    errors.open();
    let submitted = false;
    let staging: GPUBuffer | null = null;
    try {
      profiler?.beginSubmit(cmds.reduce((n, c) => n + (c.kind === 'dispatch' ? 1 : c.kind === 'replay' ? c.recording.dispatches : 0), 0));
      const batch = encodeBatch(ctx, cmds);
      staging = batch.staging;
      profiler?.endEncoding(batch.cursor.encoder);
      ctx.device.queue.submit([batch.cursor.encoder.finish()]);
      submitted = true;
      return batch.cursor.dispatches;
    } finally {
      profiler?.afterSubmit(submitted);
      staging?.destroy();
      errors.close(() => {
        const labels = new Set<string>();
        for (const c of cmds) labels.add(c.kind === 'dispatch' ? labelOf(c.spec) : c.kind);
        return `a batch of ${cmds.length} commands (kernels: ${[...labels].join(', ')})`;
      });
    }
  } finally {
    for (const r of replays) {
      r.recording.pending--;
      r.recording.destroyIfIdle();
    }
  }
}
