// Per-kernel GPU time from timestamp queries: while a KernelProfiler is attached to the device,
// each dispatch gets its own compute pass with begin/end timestamps (so the figures include no
// other kernel's work), the queries are resolved at the end of each submit and read back
// asynchronously, and the times are summed per dispatch label. This changes the batching (one
// pass per dispatch, one readback per submit), so a profiled step is slower than a plain one:
// use it to see where the time goes, not to time the step.

/** GPU time of one kernel label over a profiled stretch. */
export interface KernelTiming {
  /** the dispatch label: `launcher.variant` (e.g. `matmul.regBlocked8x8Scalar`, `conv2d.epilogue.relu`) */
  label: string;
  calls: number;
  /** summed GPU milliseconds */
  milliseconds: number;
}

/** timestamp pairs one submit's query set holds (WebGPU caps a query set at 4096 queries) */
const MAX_DISPATCHES_PER_SET = 2048;

interface PendingSubmit {
  labels: string[];
  querySet: GPUQuerySet;
  resolved: GPUBuffer;
  readback: GPUBuffer;
}

export class KernelProfiler {
  private readonly totals = new Map<string, { calls: number; nanoseconds: bigint }>();
  private readonly reads: Promise<void>[] = [];
  private current: PendingSubmit | null = null;

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query'))
      throw new Error("webgrad: kernel profiling needs the adapter's 'timestamp-query' feature, which this WebGPU device lacks");
  }

  /** starts a submit's bookkeeping; at most MAX_DISPATCHES_PER_SET timed dispatches, the rest run untimed */
  beginSubmit(dispatches: number): void {
    const count = Math.min(dispatches, MAX_DISPATCHES_PER_SET);
    if (count === 0) return;
    const bytes = 16 * count;
    this.current = {
      labels: [],
      querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * count }),
      resolved: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      readback: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    };
  }

  /** the descriptor for the pass that will hold one dispatch with this label */
  passFor(label: string): GPUComputePassDescriptor {
    const c = this.current;
    if (!c || c.labels.length >= MAX_DISPATCHES_PER_SET) return {};
    const i = c.labels.push(label) - 1;
    return { timestampWrites: { querySet: c.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } };
  }

  /** records the query resolve and copy at the end of the submit's encoder */
  endEncoding(enc: GPUCommandEncoder): void {
    const c = this.current;
    if (!c || c.labels.length === 0) return;
    enc.resolveQuerySet(c.querySet, 0, 2 * c.labels.length, c.resolved, 0);
    enc.copyBufferToBuffer(c.resolved, 0, c.readback, 0, 16 * c.labels.length);
  }

  /** after queue.submit (or a failed encode): starts reading the timestamps back */
  afterSubmit(submitted: boolean): void {
    const c = this.current;
    this.current = null;
    if (!c) return;
    const release = (): void => {
      c.querySet.destroy();
      c.resolved.destroy();
      c.readback.destroy();
    };
    if (!submitted || c.labels.length === 0) return release();
    this.reads.push(
      c.readback.mapAsync(GPUMapMode.READ).then(() => {
        const stamps = new BigUint64Array(c.readback.getMappedRange(0, 16 * c.labels.length));
        c.labels.forEach((label, i) => {
          const t = this.totals.get(label) ?? { calls: 0, nanoseconds: 0n };
          t.calls++;
          // a clamped or reordered pair (timestamps may be quantised) counts as 0, not negative
          if (stamps[2 * i + 1] > stamps[2 * i]) t.nanoseconds += stamps[2 * i + 1] - stamps[2 * i];
          this.totals.set(label, t);
        });
        c.readback.unmap();
      }).finally(release),
    );
  }

  /** waits for every submitted read and returns the totals, most expensive first */
  async results(): Promise<KernelTiming[]> {
    await Promise.all(this.reads);
    return [...this.totals]
      .map(([label, t]) => ({ label, calls: t.calls, milliseconds: Number(t.nanoseconds) / 1e6 }))
      .sort((a, b) => b.milliseconds - a.milliseconds);
  }
}
