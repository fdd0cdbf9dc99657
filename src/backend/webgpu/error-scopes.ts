// WebGPU validation and out-of-memory errors, caught with error scopes around each submit but
// never awaited on the flush path: awaiting popErrorScope costs a round trip to the device per
// submit. An error is kept and thrown, naming the batch's kernels, at the next flush or
// readback (a readback waits for the GPU anyway, so it settles every scope first).

export class ErrorScopes {
  private first: Error | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly device: GPUDevice) {}

  open(): void {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
  }

  /** pops the scopes `open` pushed; `describe` names the batch (called only on an error) */
  close(describe: () => string): void {
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    const p: Promise<void> = Promise.all([validation, oom]).then(
      ([v, o]) => {
        const err = v ?? o;
        if (err && !this.first) this.first = new Error(`webgrad: WebGPU ${v ? 'validation' : 'out-of-memory'} error in ${describe()}: ${err.message}`);
      },
      (e: unknown) => {
        // popErrorScope rejects when the device is lost; the device-lost check reports that
        this.first ??= e instanceof Error ? e : new Error(String(e));
      },
    ).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** the first error seen since the last take(), cleared */
  take(): Error | null {
    const e = this.first;
    this.first = null;
    return e;
  }

  /** waits for every open check (a readback, which waits for the GPU, calls it) */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
