// The device's side of wg.compile: the capture in progress, and the live recordings indexed by
// the buffers they use, so that freeing or replacing one of those storages invalidates the
// recordings that would otherwise replay over stale tensors (see replay.ts, src/compile.ts).
import type { Storage } from '../types.js';
import type { BufferPool } from './buffer-pool.js';
import type { GpuStorage } from './buffers.js';
import { Capture, Recording } from './replay.js';
import { placeTemporaries } from './temporaries-plan.js';

export class CompiledSteps {
  /** the capture in progress (a compiled step's recording run), if any */
  capture: Capture | null = null;
  private readonly watchers = new Map<GPUBuffer, Set<Recording>>();
  private readonly recordings = new Set<Recording>();

  constructor(private readonly pool: BufferPool, private readonly uniformAlign: number) {}

  begin(): void {
    if (this.capture) throw new Error('webgrad: compile: a compiled function was called while another one was recording (nested compiled steps are not supported)');
    this.capture = new Capture();
  }

  /** marks the capture as not replayable (one-time work such as creating optimizer state) */
  markUnsteady(reason: string): void {
    if (this.capture) this.capture.unsteady ??= reason;
  }

  /** a condition every replay of this capture checks first (see StepCapture.guard) */
  guard(holds: () => boolean): void {
    this.capture?.guards.push(holds);
  }

  /** true when `s` existed before the capture began (an in-place update must keep its buffer) */
  existedBeforeCapture(s: Storage): boolean {
    const g = s as GpuStorage;
    return this.capture !== null && g.buffer !== null && !this.capture.acquired.has(g.buffer);
  }

  /**
   * Ends the capture: the recording, or the reason it cannot be replayed (its held buffers
   * then go back to the pool). Throws when the step cannot be compiled at all (a readback).
   */
  end(): { recording: Recording } | { unsteady: string } {
    const cap = this.capture;
    if (!cap) throw new Error('webgrad: endCapture() without beginCapture()');
    this.capture = null;
    const held = cap.heldBuffers();
    const unsteady = cap.unsteady ?? (cap.commands.some((c) => c.kind === 'replay') ? 'it calls another compiled function' : null);
    if (cap.failure || unsteady) {
      for (const [b, cls] of held) this.pool.returnHeld(b, cls);
      if (cap.failure) throw new Error(cap.failure);
      return { unsteady: unsteady! };
    }
    const watched = cap.usedBuffers();
    for (const b of held.keys()) watched.delete(b);
    const { buffers, place } = this.placeTemporaries(cap, held);
    const rec = new Recording(cap.commands, buffers, watched, this.uniformAlign, cap.guards, place);
    for (const b of watched) {
      let set = this.watchers.get(b);
      if (!set) this.watchers.set(b, (set = new Set()));
      set.add(rec);
    }
    this.recordings.add(rec);
    return { recording: rec };
  }

  /**
   * The replays' buffers for the capture's temporaries (temporaries-plan.ts): the capture's own
   * buffers where a planned one has their class, new pooled ones for the rest; the capture's
   * buffers left over go back to the pool (the capture's eager commands, still to be submitted,
   * come before any later use of them).
   */
  private placeTemporaries(cap: Capture, held: Map<GPUBuffer, number>): { buffers: Map<GPUBuffer, number>; place: (b: GPUBuffer, i: number) => GPUBuffer } {
    const temporaries = cap.temporaries(held);
    const plan = placeTemporaries(temporaries);
    const spare = new Map<number, GPUBuffer[]>();
    for (const [b, cls] of held) {
      let list = spare.get(cls);
      if (!list) spare.set(cls, (list = []));
      list.push(b);
    }
    const slotBuffers = plan.slots.map((cls) => spare.get(cls)?.pop() ?? this.pool.acquireHeld(cls));
    for (const [cls, list] of spare) for (const b of list) this.pool.returnHeld(b, cls);
    const buffers = new Map(slotBuffers.map((b, s) => [b, plan.slots[s]]));
    const slotOfLife = new Map(temporaries.map((t, i) => [t, plan.slotOf[i]]));
    const place = (b: GPUBuffer, i: number): GPUBuffer => {
      if (!held.has(b)) return b;
      const life = cap.lifeAt(b, i);
      if (!life) throw new Error('webgrad: compile: a command used a temporary outside its life (a bug: please report it)');
      return slotBuffers[slotOfLife.get(life)!];
    };
    return { buffers, place };
  }

  /** abandons a capture (the step threw): its held buffers go back to the pool */
  abort(): void {
    const cap = this.capture;
    if (!cap) return;
    this.capture = null;
    for (const [b, cls] of cap.heldBuffers()) this.pool.returnHeld(b, cls);
  }

  /** a storage of `buffer` is going away or a tensor moved off it: recordings using it no longer match the tensors */
  touchedOutside(buffer: GPUBuffer): void {
    const watchers = this.watchers.get(buffer);
    if (watchers) for (const r of [...watchers]) this.invalidate(r);
  }

  /** drops a recording: it never replays again; its held buffers go back to the pool */
  invalidate(rec: Recording, poolAlive = true): void {
    if (!this.recordings.delete(rec)) return;
    for (const b of rec.watched) {
      const set = this.watchers.get(b);
      set?.delete(rec);
      if (set?.size === 0) this.watchers.delete(b);
    }
    if (poolAlive) for (const [b, cls] of rec.held) this.pool.returnHeld(b, cls);
    rec.release();
  }

  /** bytes the live recordings hold */
  get heldBytes(): number {
    let n = 0;
    for (const r of this.recordings) n += r.heldBytes;
    return n;
  }

  /** invalidates every recording (the device is being destroyed) */
  dropAll(): void {
    for (const r of [...this.recordings]) this.invalidate(r, false);
  }
}
