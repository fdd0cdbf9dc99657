// Out-of-memory as such on WebGPU. A createBuffer the device cannot back returns an invalid
// buffer and raises its error asynchronously, so the first sign used to be a *validation* error
// about an invalid buffer at the next submit. Here each new buffer is made inside an
// 'out-of-memory' error scope; submit() awaits the scopes opened since the last submit and
// throws an OutOfMemoryError for a failed one (that batch is dropped, the device stays usable),
// and free() destroys a failed buffer instead of pooling it. Pool hits open no scope.
import { type MemoryState, OutOfMemoryError } from '../out-of-memory.js';

export class AllocGuard {
  private pending: Promise<void>[] = [];
  private failure: { bytes: number; state: MemoryState; message: string } | null = null;
  private readonly failed = new WeakSet<GPUBuffer>();

  constructor(private readonly backendName: string) {}

  /** device.createBuffer inside an out-of-memory scope; `state` is the memory held before it */
  create(device: GPUDevice, size: number, usage: number, state: MemoryState): GPUBuffer {
    device.pushErrorScope('out-of-memory');
    const buffer = device.createBuffer({ size, usage });
    this.pending.push(
      device.popErrorScope().then((err) => {
        if (!err) return;
        this.failed.add(buffer);
        this.failure ??= { bytes: size, state, message: err.message };
      }),
    );
    return buffer;
  }

  /** a buffer whose allocation failed: destroy it, never pool it */
  isFailed(buffer: GPUBuffer): boolean {
    return this.failed.has(buffer);
  }

  /** waits for the scopes opened so far; throws for the first allocation that failed */
  async throwIfFailed(): Promise<void> {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    const f = this.failure;
    this.failure = null;
    if (f) throw new OutOfMemoryError(this.backendName, f.bytes, f.state, f.message.split('\n')[0]);
  }
}
