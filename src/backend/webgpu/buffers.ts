// The WebGPU backend's value types: a storage handle (a pooled GPU buffer), the pool's size
// classes, and the uniform block a launcher fills for one dispatch.
import type { DType, Storage } from '../types.js';

/**
 * A WebGPU storage: `size` elements of `dtype` in a pooled GPU buffer, or a view: a range of
 * another storage's buffer starting at `byteOffset` (flat optimizer arenas, see
 * WebGPUDevice.view). An owning storage counts itself and its live views in `refs`; its
 * buffer goes back to the pool when the owner and every view are freed.
 */
export class GpuStorage implements Storage {
  readonly backend = 'webgpu' as const;
  /** for a view: the owning storage whose buffer it aliases */
  base: GpuStorage | null = null;
  byteOffset = 0;
  refs = 1;
  constructor(
    public buffer: GPUBuffer | null,
    readonly dtype: DType,
    readonly size: number,
    /** the buffer's size class in bytes */
    readonly classBytes: number,
  ) {}
  get freed(): boolean {
    return this.buffer === null;
  }
}

export function gpuStorage(s: Storage): GpuStorage {
  if (s.backend !== 'webgpu') throw new Error(`webgrad: a ${s.backend} storage was passed to the WebGPU backend`);
  const g = s as GpuStorage;
  if (g.buffer === null) throw new Error('webgrad: WebGPU storage used after it was freed');
  return g;
}

/**
 * The uniform block of one dispatch, written word by word (matches a WGSL struct's layout).
 * The words go straight into a small byte buffer, so writing the block into the uniform arena
 * is one byte copy (this is on every dispatch's path).
 */
export class Uniforms {
  private bytes = new ArrayBuffer(64);
  private view = new DataView(this.bytes);
  private n = 0; // words written
  private room(): void {
    if ((this.n + 1) * 4 > this.bytes.byteLength) {
      const grown = new ArrayBuffer(this.bytes.byteLength * 2);
      new Uint8Array(grown).set(new Uint8Array(this.bytes));
      this.bytes = grown;
      this.view = new DataView(grown);
    }
  }
  u32(...v: number[]): this {
    for (const x of v) { this.room(); this.view.setUint32(4 * this.n++, x >>> 0, true); }
    return this;
  }
  i32(...v: number[]): this {
    for (const x of v) { this.room(); this.view.setInt32(4 * this.n++, x | 0, true); }
    return this;
  }
  f32(...v: number[]): this {
    for (const x of v) { this.room(); this.view.setFloat32(4 * this.n++, x, true); }
    return this;
  }
  /** pad with zero words to a multiple of `bytes` (16 before a vec4 array) */
  align(bytes = 16): this {
    while ((this.n * 4) % bytes !== 0) this.u32(0);
    return this;
  }
  /** an array<vec4<u32 | i32>, len/4> from `v`, zero padded to `len` */
  vec4Array(kind: 'u32' | 'i32', v: readonly number[], len: number): this {
    this.align(16);
    for (let i = 0; i < len; i++) (kind === 'u32' ? this.u32(v[i] ?? 0) : this.i32(v[i] ?? 0));
    return this;
  }
  get byteLength(): number {
    return Math.max(16, Math.ceil(this.n / 4) * 16);
  }
  /** the written words (byte copy), followed by zeros up to byteLength */
  writeTo(view: DataView, offset: number): void {
    const dst = new Uint8Array(view.buffer, view.byteOffset + offset, this.byteLength);
    dst.set(new Uint8Array(this.bytes, 0, this.n * 4));
    dst.fill(0, this.n * 4);
  }
}

const CLASS_STEPS = [1, 1.25, 1.5, 1.75, 2] as const;

/** bytes per element: float16 storages hold real 2-byte halves (`array<f16>` in WGSL) */
export function elementBytes(dtype: DType): number {
  return dtype === 'float16' ? 2 : 4;
}

/**
 * The bytes `size` elements of `dtype` occupy, rounded up to a multiple of 4 (WebGPU's copy
 * and storage-binding sizes are multiples of 4; an odd float16 count leaves a padding half).
 */
export function storageBytes(size: number, dtype: DType): number {
  return Math.max(4, Math.ceil((size * elementBytes(dtype)) / 4) * 4);
}

/** Round a byte count up to its pool size class: 256 B minimum, then 4 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  for (let i = 0; i < CLASS_STEPS.length; i++) if (p * CLASS_STEPS[i] >= bytes) return p * CLASS_STEPS[i];
  return 2 * p;
}
