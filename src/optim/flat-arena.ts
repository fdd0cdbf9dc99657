// A flat arena: one storage holding many float32 tensors back to back, each slot starting at
// an offset the backend can bind (`viewAlignment`: 256 bytes on WebGPU) and padded up to it.
// The optimizers keep a group's parameters, gradients and state in arenas of the same layout,
// so one kernel dispatch over the arenas updates the whole group; the slots are views of the
// arena, so a parameter tensor can live in its slot with no copy per step.
import { zeros } from '../creation.js';
import { getBackend } from '../runtime.js';
import { Tensor } from '../tensor.js';
import type { Storage } from '../backend/types.js';

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

export class FlatArena {
  /** the whole arena, [total] (padding included, zero until written) */
  readonly base: Tensor;
  /** one view per member, shaped as the member */
  readonly slots: Tensor[];
  /**
   * The same ranges rounded up to a multiple of 4 elements (inside the slot's padding), so a
   * kernel working four elements at a time can update one slot alone.
   */
  readonly padded: Storage[];
  private readonly be = getBackend();

  constructor(shapes: readonly (readonly number[])[]) {
    const be = this.be;
    const align = be.viewAlignment;
    const sizes = shapes.map((s) => s.reduce((a, d) => a * d, 1));
    const offsets: number[] = [];
    let total = 0;
    for (const n of sizes) {
      offsets.push(total);
      total += roundUp(Math.max(n, 1), align);
    }
    this.base = zeros([total]).keep();
    this.slots = shapes.map((shape, i) => Tensor.fromStorage(be.view(this.base.storage, offsets[i], sizes[i]), [...shape]).keep());
    this.padded = sizes.map((n, i) => be.view(this.base.storage, offsets[i], roundUp(n, 4)));
  }

  /** Makes slot i hold t's values (a buffer copy), unless t already lives there. */
  fill(i: number, t: Tensor): void {
    const slot = this.slots[i];
    if (t.storage !== slot.storage) this.be.copy(t.storage, slot.storage);
  }

  private readonly claimed: boolean[] = [];

  /** Marks slot i as in use; returns whether it was in use before (then it may hold old values). */
  claim(i: number): boolean {
    const before = this.claimed[i] === true;
    this.claimed[i] = true;
    return before;
  }

  /** true when t's storage is slot i (t lives in the arena) */
  holds(i: number, t: Tensor): boolean {
    return t.storage === this.slots[i].storage;
  }

  /** Frees the arena's own handles; tensors that adopted a slot keep its memory alive. */
  dispose(): void {
    for (const s of this.padded) this.be.free(s);
    for (const t of this.slots) t.dispose();
    this.base.dispose();
  }
}
