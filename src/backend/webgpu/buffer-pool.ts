// The size-class buffer pool: storage buffers are reused by size class (`sizeClass`), so a
// training step that frees and allocates the same shapes every step creates no GPU buffers
// after its first run. It also keeps the byte counts `wg.stats()` reports.
import { sizeClass } from './buffers.js';

export class BufferPool {
  liveBytes = 0;
  peakBytes = 0;
  pooledBytes = 0;
  liveStorages = 0;
  private readonly free = new Map<number, GPUBuffer[]>();

  constructor(
    /** makes a new storage buffer of `size` bytes */
    private readonly createBuffer: (size: number) => GPUBuffer,
    private readonly maxBufferSize: number,
    /** told before a pooled buffer is destroyed (the bind-group cache forgets it) */
    private readonly onDestroy: (b: GPUBuffer) => void,
  ) {}

  /** the pool class of a storage of `bytes` bytes; throws when the adapter cannot hold it */
  classFor(bytes: number, what: () => string): number {
    let cls = sizeClass(bytes);
    if (cls > this.maxBufferSize) cls = Math.ceil(bytes / 16) * 16;
    if (cls > this.maxBufferSize) throw new Error(`webgrad: ${what()} (${bytes} bytes) exceeds the adapter's maxBufferSize ${this.maxBufferSize}`);
    return cls;
  }

  /** a buffer of class `cls`, pooled or new, counted live */
  acquire(cls: number): GPUBuffer {
    const list = this.free.get(cls);
    let buffer = list?.pop();
    if (buffer) this.pooledBytes -= cls;
    else buffer = this.createBuffer(cls);
    this.liveBytes += cls;
    this.liveStorages++;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
    return buffer;
  }

  /** the last storage of `buffer` is gone: back to the free list */
  release(buffer: GPUBuffer, cls: number): void {
    this.liveStorages--;
    this.liveBytes -= cls;
    this.put(buffer, cls);
  }

  /**
   * The last storage of `buffer` is gone but a compiled step's recording keeps the buffer (its
   * replays write it): it stays counted in the live bytes until `returnHeld`.
   */
  hold(): void {
    this.liveStorages--;
  }

  /** a buffer of class `cls` for a compiled step's recording to hold from the start (counted live, no storage) */
  acquireHeld(cls: number): GPUBuffer {
    const b = this.acquire(cls);
    this.hold();
    return b;
  }

  /** a held buffer comes back (its recording was disposed or invalidated) */
  returnHeld(buffer: GPUBuffer, cls: number): void {
    this.liveBytes -= cls;
    this.put(buffer, cls);
  }

  private put(buffer: GPUBuffer, cls: number): void {
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buffer);
    this.pooledBytes += cls;
  }

  /** destroys every free buffer */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.onDestroy(b);
        b.destroy();
      }
    }
    this.free.clear();
    this.pooledBytes = 0;
  }

  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }
}
