// Where a compiled step's temporaries live in its replays. The capture (an eager run) gives
// each temporary a pooled buffer of its own size class and reuses only same-class buffers, so
// a recording held every class's own peak: 120 MiB for the ConvNetJS step whose temporaries
// never exceed 47 MiB at once, as forward activations and backward gradients peak at different
// times in different classes. Knowing the whole step, the replays can do better: each
// temporary's life (the commands between its allocation and its free) is placed, largest first,
// into the smallest buffer already planned that is at least its size and free for its whole
// life, or into a new one ("greedy by size", as TensorFlow Lite's arena planner).

/** one temporary: it lives over commands [start, end) and needs a buffer of class `cls` bytes */
export interface Life {
  start: number;
  end: number;
  cls: number;
}

export interface Placement {
  /** the class in bytes of each planned buffer */
  slots: number[];
  /** the planned buffer of each life (by index into `slots`), in the order of the lives given */
  slotOf: number[];
}

const overlaps = (a: Life, b: Life): boolean => a.start < b.end && b.start < a.end;

export function placeTemporaries(lives: readonly Life[]): Placement {
  const order = lives.map((_, i) => i).sort((i, j) => lives[j].cls - lives[i].cls || lives[i].start - lives[j].start);
  const slots: number[] = [];
  const tenants: Life[][] = [];
  const slotOf = new Array<number>(lives.length);
  for (const i of order) {
    const life = lives[i];
    let best = -1;
    for (let s = 0; s < slots.length; s++) {
      if (slots[s] < life.cls || (best >= 0 && slots[s] >= slots[best])) continue;
      if (!tenants[s].some((t) => overlaps(t, life))) best = s;
    }
    if (best < 0) {
      best = slots.length;
      slots.push(life.cls);
      tenants.push([]);
    }
    tenants[best].push(life);
    slotOf[i] = best;
  }
  return { slots, slotOf };
}
