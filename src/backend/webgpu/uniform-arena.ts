// The uniform arena: one persistent GPU buffer holding every dispatch's uniform block of a
// submit, written with one writeBuffer. It only grows, so its identity (and so every cached
// bind group that binds it) stays the same from step to step.

export class UniformArena {
  /** the byte alignment of each block (minUniformBufferOffsetAlignment, at least 256) */
  readonly align: number;
  private buffer: GPUBuffer | null = null;
  private capacity = 0;
  private host = new ArrayBuffer(0);

  constructor(private readonly device: GPUDevice, minAlign: number, private readonly onReplace: (old: GPUBuffer) => void) {
    this.align = Math.max(256, minAlign);
  }

  /** the arena buffer, grown to hold `bytes` (a grown arena is a new buffer) */
  reserve(bytes: number): GPUBuffer {
    if (!this.buffer || bytes > this.capacity) {
      if (this.buffer) {
        this.onReplace(this.buffer);
        this.buffer.destroy(); // submitted work that binds it still completes
      }
      this.capacity = Math.max(bytes, 2 * this.capacity, 64 * this.align);
      this.buffer = this.device.createBuffer({ size: this.capacity, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'webgrad uniform arena' });
    }
    return this.buffer;
  }

  /** a host scratch view of at least `bytes` bytes, reused across submits */
  scratch(bytes: number): DataView {
    if (this.host.byteLength < bytes) this.host = new ArrayBuffer(Math.max(bytes, 2 * this.host.byteLength));
    return new DataView(this.host);
  }

  destroy(): void {
    this.buffer?.destroy();
    this.buffer = null;
  }
}
