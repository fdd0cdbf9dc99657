// Compiled steps (wg.compile): a Capture watches one eager run of a step and turns what it
// recorded into a Recording; later calls replay the Recording over the same buffers with no op
// dispatch in JavaScript: the per-call uniform values (refreshed by the dispatches that have
// host values changing between calls: learning rates, step counts, dropout seeds) are written
// once, and the pipelines and bind groups are the ones built for the first replay.
//
// The buffers a replay writes must stay out of everyone else's hands. The step's temporaries
// (storages allocated and freed during the capture) get buffers the recording holds, placed
// anew from their lives (temporaries-plan.ts); buffers still in use afterwards (parameters,
// gradients, optimizer state, the returned tensors) are watched: freeing one (loadStateDict,
// dispose, a new parameter group) invalidates the recording, and the step records again.
import type { Uniforms } from './buffers.js';
import type { PipelineCache } from './pipeline-cache.js';
import { type Command, type PassCursor, type ReplayCommand, labelOf } from './recorder.js';
import type { Life } from './temporaries-plan.js';

/** a temporary of the capture: its life, and the buffer the capture ran it in */
export interface CapturedTemporary extends Life {
  buffer: GPUBuffer;
}

/** the buffers one recorded command reads or writes */
function buffersOf(c: Command): GPUBuffer[] {
  if (c.kind === 'dispatch') return c.buffers.map((x) => x.buffer);
  if (c.kind === 'copy') return [c.src, c.dst];
  if (c.kind === 'upload') return [c.dst];
  return [];
}

export class Capture {
  readonly commands: Command[] = [];
  /** buffers acquired from the pool while capturing */
  readonly acquired = new Set<GPUBuffer>();
  /** buffers freed while capturing, by size class: later allocations of the capture reuse them */
  private readonly free = new Map<number, GPUBuffer[]>();
  /** why the run cannot be replayed as it is (one-time work, replaced state), if so */
  unsteady: string | null = null;
  /** why the step cannot be compiled at all (a readback inside it) */
  failure: string | null = null;
  /** conditions every replay checks before refreshing any value (see StepCapture.guard) */
  readonly guards: (() => boolean)[] = [];
  /** each buffer acquired during the capture: the lives of the storages it held in turn */
  private readonly lives = new Map<GPUBuffer, CapturedTemporary[]>();

  record(c: Command): void {
    this.commands.push(c);
  }

  /** a buffer of class `cls` freed earlier in this capture, if any */
  reuse(cls: number): GPUBuffer | undefined {
    const b = this.free.get(cls)?.pop();
    if (b) this.born(b, cls);
    return b;
  }

  /** a storage of class `cls` got `buffer` (from the pool or reused) */
  born(buffer: GPUBuffer, cls: number): void {
    this.acquired.add(buffer);
    let list = this.lives.get(buffer);
    if (!list) this.lives.set(buffer, (list = []));
    list.push({ buffer, cls, start: this.commands.length, end: Infinity });
  }

  /** the last storage of `buffer` was freed during the capture */
  onFree(buffer: GPUBuffer, cls: number): void {
    if (!this.acquired.has(buffer) && this.references(buffer)) {
      // a buffer from before the step that the step used, then dropped: state replaced by a
      // new storage (e.g. a tensor reassigned each step). A replay would keep reading the old one.
      this.unsteady ??= 'a storage that existed before the step was used by it and then freed during it (state replaced instead of updated in place)';
    }
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buffer);
    const life = this.lives.get(buffer)?.at(-1);
    if (life) life.end = this.commands.length;
  }

  /**
   * The lives of the temporaries in `held` (buffers no storage uses at the end): from the
   * allocation to the free, stretched over any command that still used the buffer after its
   * storage was freed (so that a placement never separates a command from what it read).
   */
  temporaries(held: ReadonlyMap<GPUBuffer, number>): CapturedTemporary[] {
    const out: CapturedTemporary[] = [];
    for (const b of held.keys()) out.push(...(this.lives.get(b) ?? []));
    this.commands.forEach((c, i) => {
      for (const b of buffersOf(c)) {
        if (!held.has(b)) continue;
        const life = this.lifeAt(b, i) ?? this.lives.get(b)![0];
        if (life.start > i) life.start = i;
        if (life.end <= i) life.end = i + 1;
      }
    });
    return out;
  }

  /** the life of `buffer` that command `i` sees: the latest one begun by then */
  lifeAt(buffer: GPUBuffer, i: number): CapturedTemporary | undefined {
    const list = this.lives.get(buffer);
    if (!list) return undefined;
    let life: CapturedTemporary | undefined;
    for (const l of list) if (l.start <= i) life = l;
    return life;
  }

  private references(b: GPUBuffer): boolean {
    return this.commands.some((c) => buffersOf(c).includes(b));
  }

  /** buffers no storage uses at the end of the capture: the recording holds them */
  heldBuffers(): Map<GPUBuffer, number> {
    const held = new Map<GPUBuffer, number>();
    for (const [cls, list] of this.free) for (const b of list) held.set(b, cls);
    return held;
  }

  /** every buffer the captured commands use */
  usedBuffers(): Set<GPUBuffer> {
    return new Set(this.commands.flatMap(buffersOf));
  }
}

interface ReplayDispatch {
  kind: 'dispatch';
  key: string;
  label: string;
  layout: [number, number];
  offset: number;
  size: number;
  buffers: GPUBufferBinding[];
  grid: [number, number, number];
  refresh?: () => Uniforms | null;
  pipeline?: GPUComputePipeline;
  bindGroup?: GPUBindGroup;
  spec: import('./device.js').DispatchSpec;
}
type ReplayStep = ReplayDispatch
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number }
  | { kind: 'upload'; dst: GPUBuffer; offset: number; bytes: number };

export class Recording {
  valid = true;
  /** replays recorded but not yet submitted */
  pending = 0;
  private readonly steps: ReplayStep[] = [];
  private readonly dynamic: ReplayDispatch[] = [];
  private readonly template: Uint8Array<ArrayBuffer>;
  private readonly uploads: Uint8Array | null;
  private uniformBuffer: GPUBuffer | null = null;
  private staging: GPUBuffer | null = null;
  private prepared: Promise<void> | null = null;
  private ready = false;
  private released = false;
  readonly dispatches: number;

  constructor(
    commands: readonly Command[],
    /** the buffers it holds (freed during the capture), with their size classes */
    readonly held: Map<GPUBuffer, number>,
    /** buffers in use outside the recording that it writes or reads */
    readonly watched: Set<GPUBuffer>,
    align: number,
    /** conditions checked before any refresh: false means record again, with nothing consumed */
    private readonly guards: readonly (() => boolean)[] = [],
    /** the buffer a replay uses for the one command `i` of the capture used (temporaries are placed anew) */
    place: (buffer: GPUBuffer, i: number) => GPUBuffer = (b) => b,
  ) {
    let uniformBytes = 0;
    let uploadBytes = 0;
    commands.forEach((c, i) => {
      if (c.kind === 'dispatch') {
        const size = c.spec.uniforms.byteLength;
        const buffers = c.buffers.map((x) => ({ ...x, buffer: place(x.buffer, i) }));
        const d: ReplayDispatch = {
          kind: 'dispatch', key: c.key, label: labelOf(c.spec), layout: [c.spec.inputs.length, c.spec.outputs.length],
          offset: uniformBytes, size, buffers, grid: c.grid, refresh: c.spec.refresh, spec: c.spec,
        };
        this.steps.push(d);
        if (d.refresh) this.dynamic.push(d);
        uniformBytes += Math.ceil(size / align) * align;
      } else if (c.kind === 'copy') {
        this.steps.push({ ...c, src: place(c.src, i), dst: place(c.dst, i) });
      } else if (c.kind === 'upload') {
        const bytes = Math.ceil(c.data.byteLength / 4) * 4;
        this.steps.push({ kind: 'upload', dst: place(c.dst, i), offset: uploadBytes, bytes });
        uploadBytes += bytes;
      } else {
        throw new Error('webgrad: compile: a compiled step called another compiled step; nest them as plain functions');
      }
    });
    this.dispatches = this.steps.filter((s) => s.kind === 'dispatch').length;
    this.template = new Uint8Array(Math.max(uniformBytes, 16));
    const view = new DataView(this.template.buffer);
    for (const s of this.steps) if (s.kind === 'dispatch') s.spec.uniforms.writeTo(view, s.offset);
    this.uploads = uploadBytes > 0 ? new Uint8Array(uploadBytes) : null;
    if (this.uploads) {
      let o = 0;
      for (const c of commands) {
        if (c.kind !== 'upload') continue;
        this.uploads.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), o);
        o += Math.ceil(c.data.byteLength / 4) * 4;
      }
    }
  }

  /** bytes of the buffers it holds (the step's temporaries) */
  get heldBytes(): number {
    let n = 0;
    for (const cls of this.held.values()) n += cls;
    return n;
  }

  /**
   * This call's uniform bytes: the captured ones with every dynamic dispatch's refreshed; null
   * when a dispatch cannot express the new values (e.g. an optimizer option switched on),
   * which means the step must record again.
   */
  snapshot(): Uint8Array<ArrayBuffer> | null {
    // the guards first: a refresh has effects (a dropout draw, a step count), which a step that
    // records again instead must not have had
    if (!this.guards.every((holds) => holds())) return null;
    const bytes = this.template.slice();
    if (this.dynamic.length === 0) return bytes;
    const view = new DataView(bytes.buffer);
    for (const d of this.dynamic) {
      const u = d.refresh!();
      if (u === null || u.byteLength !== d.size) return null;
      u.writeTo(view, d.offset);
    }
    return bytes;
  }

  /** pipelines, bind groups and buffers of the replays (once) */
  prepare(device: GPUDevice, pipelines: PipelineCache): Promise<void> {
    this.prepared ??= (async () => {
      for (const s of this.steps) if (s.kind === 'dispatch') s.pipeline = await pipelines.resolve(s.spec, s.key);
      if (this.released) return;
      this.uniformBuffer = device.createBuffer({ size: this.template.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'webgrad compiled-step uniforms' });
      for (const s of this.steps) {
        if (s.kind !== 'dispatch') continue;
        const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.uniformBuffer, offset: 0, size: s.size } }];
        s.buffers.forEach((b, i) => entries.push({ binding: 1 + i, resource: b }));
        s.bindGroup = device.createBindGroup({ layout: pipelines.layout(s.layout[0], s.layout[1]), entries });
      }
      if (this.uploads) {
        this.staging = device.createBuffer({ size: this.uploads.byteLength, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: 'webgrad compiled-step uploads' });
        device.queue.writeBuffer(this.staging, 0, this.uploads.buffer as ArrayBuffer, 0, this.uploads.byteLength);
      }
      this.ready = true;
    })();
    return this.prepared;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** encodes one replay (the pipelines are prepared) */
  encode(device: GPUDevice, cursor: PassCursor, cmd: ReplayCommand): void {
    device.queue.writeBuffer(this.uniformBuffer!, 0, cmd.uniforms.buffer as ArrayBuffer, cmd.uniforms.byteOffset, cmd.uniforms.byteLength);
    const enc = cursor.encoder;
    for (const a of cmd.args) {
      cursor.end();
      enc.copyBufferToBuffer(a.src, a.srcOffset, a.dst, a.dstOffset, a.bytes);
    }
    for (const s of this.steps) {
      if (s.kind === 'dispatch') {
        const pass = cursor.forDispatch(() => s.label);
        pass.setPipeline(s.pipeline!);
        pass.setBindGroup(0, s.bindGroup!, [s.offset]);
        pass.dispatchWorkgroups(s.grid[0], s.grid[1], s.grid[2]);
      } else if (s.kind === 'copy') {
        cursor.end();
        enc.copyBufferToBuffer(s.src, s.srcOffset, s.dst, s.dstOffset, s.bytes);
      } else {
        cursor.end();
        enc.copyBufferToBuffer(this.staging!, s.offset, s.dst, 0, s.bytes);
      }
    }
  }

  /** destroys its own buffers once no replay is waiting to be submitted */
  release(): void {
    this.valid = false;
    this.released = true;
    this.destroyIfIdle();
  }

  destroyIfIdle(): void {
    if (!this.released || this.pending > 0) return;
    this.uniformBuffer?.destroy();
    this.staging?.destroy();
    this.uniformBuffer = null;
    this.staging = null;
  }
}
