import type { DType, Storage, TypedArray } from '../types.js';

/** CPU storage: a typed array (float32 or int32), exactly as the GPU would hold it. */
export class CpuStorage implements Storage {
  readonly backend = 'cpu' as const;
  freed = false;
  /** for a view: the storage whose memory it shares (views are not counted in liveBytes) */
  base: CpuStorage | null = null;
  /** an owning storage: 1 + its live views; its bytes are released at 0, as on the GPU */
  refs = 1;
  constructor(public data: TypedArray, readonly dtype: DType) {}
  get size(): number {
    return this.data.length;
  }
}

export function cpuData(s: Storage): TypedArray {
  const c = s as CpuStorage;
  if (c.backend !== 'cpu') throw new Error(`webgrad: a ${s.backend} storage was passed to the CPU backend`);
  if (c.freed) throw new Error('webgrad: CPU storage used after it was freed');
  return c.data;
}

/** Multi-index iteration helper: calls fn(flatOutIndex, readOffset) for a strided view. */
export function forEachStrided(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  fn: (i: number, src: number) => void,
): void {
  const rank = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let src = offset;
  for (let i = 0; i < total; i++) {
    fn(i, src);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** The reading offset of every element of a view, as an array (used by the n-ary kernels). */
export function viewOffsets(view: { shape: readonly number[]; strides: readonly number[]; offset: number }): Int32Array | number[] {
  let total = 1;
  for (const d of view.shape) total *= d;
  const out = new Array<number>(total);
  forEachStrided(view.shape, view.strides, view.offset, (i, s) => (out[i] = s));
  return out;
}

/** Live-memory accounting for the CPU backend, so the same leak tests run on both backends. */
export class CpuCounters {
  liveBytes = 0;
  peakBytes = 0;
  liveStorages = 0;
  uploads = 0;
  readbacks = 0;
  copies = 0;
  track(bytes: number): void {
    this.liveBytes += bytes;
    this.liveStorages++;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
  }
  untrack(bytes: number): void {
    this.liveBytes -= bytes;
    this.liveStorages--;
  }
}
