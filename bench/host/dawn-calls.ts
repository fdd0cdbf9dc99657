// Counts compute dispatches (every library's, at GPUComputePassEncoder.dispatchWorkgroups) and,
// with --breakdown, times every call into Dawn by wrapping the methods of the WebGPU classes'
// prototypes: on the Null backend that splits a flush into Dawn's share and webgrad's own.
export interface CallTime {
  calls: number;
  ms: number;
}

const CLASSES = ['GPUDevice', 'GPUQueue', 'GPUCommandEncoder', 'GPUComputePassEncoder', 'GPUBuffer', 'GPUComputePipeline'] as const;

export class DawnCalls {
  dispatches = 0;
  /** time each call (costs two clock reads per call); off: only dispatches are counted */
  timing = false;
  readonly times = new Map<string, CallTime>();

  constructor(globals: Record<string, unknown>) {
    const self = this;
    for (const cls of CLASSES) {
      const proto = (globals[cls] as { prototype: Record<string, unknown> } | undefined)?.prototype;
      if (!proto) continue;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, name);
        if (!d || typeof d.value !== 'function' || name === 'constructor') continue;
        const f = d.value as (...a: unknown[]) => unknown;
        const key = `${cls}.${name}`;
        const counts = key === 'GPUComputePassEncoder.dispatchWorkgroups';
        proto[name] = function (this: unknown, ...args: unknown[]): unknown {
          if (counts) self.dispatches++;
          if (!self.timing) return f.apply(this, args);
          const t0 = performance.now();
          try {
            return f.apply(this, args);
          } finally {
            const e = self.times.get(key) ?? { calls: 0, ms: 0 };
            e.calls++;
            e.ms += performance.now() - t0;
            self.times.set(key, e);
          }
        };
      }
    }
  }

  /** the timed calls, most expensive first, and clears them */
  take(): [string, CallTime][] {
    const out = [...this.times].sort((a, b) => b[1].ms - a[1].ms);
    this.times.clear();
    return out;
  }
}
