// One message for "the memory is not there", on both backends: the size asked, what is held
// (live tensors, the pool's free buffers) and what to try. The WebGPU side finds out through an
// out-of-memory error scope around createBuffer (webgpu/alloc-guard.ts); the CPU side when a
// typed array of the size cannot be made.

/** 1536 → '1.50 KiB' */
export function human(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${Math.round(bytes)} bytes` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export interface MemoryState {
  /** bytes held by live storages */
  liveBytes: number;
  /** bytes held by the pool's free buffers */
  pooledBytes: number;
}

export class OutOfMemoryError extends Error {
  constructor(readonly backend: string, readonly bytes: number, readonly state: MemoryState, detail = '') {
    const held = `${human(state.liveBytes)} live in tensors, ${human(state.pooledBytes)} pooled (free buffers kept for reuse)`;
    const pool = state.pooledBytes > 0 ? 'wg.trimPool() to release the pooled buffers, ' : '';
    super(
      `webgrad: out of memory on the ${backend} backend: could not allocate ${human(bytes)} (${bytes} bytes); ${held}. ` +
        `Try ${pool}a smaller batch size, or disposing tensors you no longer need (wg.tidy, dispose)${detail ? ` [${detail}]` : ''}`,
    );
    this.name = 'OutOfMemoryError';
  }
}
