// float16 on the WebGPU backend: storages of real 2-byte halves (`array<f16>`), which exist
// only where the device has the `shader-f16` feature (device.ts requests it whenever the
// adapter offers it). Readback widens on the GPU (one copy kernel into a float32 scratch
// storage), so `read()` always hands the host float32 values.
import type { DType, Storage, TypedArray } from '../types.js';
import { copyStrided } from './copy.js';
import type { WebGPUDevice } from './device.js';

export function hasShaderF16(dev: WebGPUDevice): boolean {
  return dev.device.features.has('shader-f16');
}

export function missingF16Error(dev: WebGPUDevice): Error {
  return new Error(
    `webgrad: float16 tensors need the WebGPU feature 'shader-f16', which this adapter (${dev.adapterName}) does not have; ` +
      'use float32 tensors (wg.autocast falls back to float32 on such adapters)',
  );
}

/** alloc, refusing float16 where the device cannot hold it */
export function allocChecked(dev: WebGPUDevice, size: number, dtype: DType): Storage {
  if (dtype === 'float16' && !hasShaderF16(dev)) throw missingF16Error(dev);
  return dev.alloc(size, dtype);
}

/** read(), widening float16 to float32 on the device first */
export async function readWidened(dev: WebGPUDevice, s: Storage, read: (x: Storage) => Promise<TypedArray> = (x) => dev.read(x)): Promise<TypedArray> {
  if (s.dtype !== 'float16') return read(s);
  const wide = dev.alloc(s.size, 'float32');
  try {
    copyStrided(dev, s, { shape: [s.size], strides: [1], offset: 0 }, wide);
    return await read(wide);
  } finally {
    dev.free(wide);
  }
}

const WHOLE = (s: Storage) => ({ shape: [s.size], strides: [1], offset: 0 });

/**
 * Runs a float32 kernel for float16 storages: each float16 input is widened into a float32
 * scratch storage, `run` writes a float32 result, which is rounded into `out` (float16).
 * For the kernel paths with no f16 variant (grouped / chunked convs, unfused epilogues).
 */
export function widened(
  dev: WebGPUDevice, inputs: readonly (Storage | null)[], out: Storage,
  run: (inputs: (Storage | null)[], out: Storage) => void,
): void {
  const scratch: Storage[] = [];
  const wide = (s: Storage): Storage => {
    const w = dev.alloc(s.size, 'float32');
    scratch.push(w);
    return w;
  };
  try {
    const ins = inputs.map((s) => {
      if (!s || s.dtype !== 'float16') return s;
      const w = wide(s);
      copyStrided(dev, s, WHOLE(s), w);
      return w;
    });
    const o = out.dtype === 'float16' ? wide(out) : out;
    run(ins, o);
    if (o !== out) copyStrided(dev, o, WHOLE(o), out);
  } finally {
    for (const s of scratch) dev.free(s); // safe mid-batch: recorded commands keep their order
  }
}
