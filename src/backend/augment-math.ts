// The augmentation's pixel loop and argument checks on plain arrays, shared by the CPU reference
// (cpu/augment.ts), the WebGPU launcher's checks (webgpu/augment.ts) and the host-side
// augmentBatch (src/data/augment.ts), so all three compute and reject the same things.
import type { AugmentArgs } from './types.js';

/** Pixel source: uint8 bytes (or packed words read bytewise) or floats, indexed by element. */
export type PixelReader = (index: number) => number;

/** Byte `index` of uint8 pixels packed four per little-endian int32 word (the GPU's view of the upload). */
export function packedBytesReader(words: ArrayLike<number>): PixelReader {
  return (index) => (words[index >>> 2] >>> ((index & 3) * 8)) & 255;
}

export const MAX_AUGMENT_CHANNELS = 16;

/** Checks the geometry and params length; throws a clear error. */
export function checkAugmentArgs(args: AugmentArgs, paramsLength: number): void {
  const { batch, channels, height, width, scale, offset } = args;
  for (const [name, v] of [['batch', batch], ['channels', channels], ['height', height], ['width', width]] as const)
    if (!Number.isInteger(v) || v < 0) throw new Error(`webgrad: augmentImages: ${name} must be a non-negative integer, got ${v}`);
  if (channels > MAX_AUGMENT_CHANNELS) throw new Error(`webgrad: augmentImages: at most ${MAX_AUGMENT_CHANNELS} channels, got ${channels}`);
  if (scale.length !== channels || offset.length !== channels)
    throw new Error(`webgrad: augmentImages: scale and offset need ${channels} values each, got ${scale.length} and ${offset.length}`);
  if (paramsLength < 3 * batch) throw new Error(`webgrad: augmentImages: params hold ${paramsLength} values, need 3 per image (${3 * batch})`);
}

/**
 * out[n, c, y, x] = v · scale[c] + offset[c], v = pixel(n, c, y + dy, (flip ? W − 1 − x : x) + dx)
 * or 0 outside the image; (dy, dx, flip) = params[3n .. 3n + 2]. Computed in float64, stored once.
 */
export function augmentPixels(pixel: PixelReader, params: ArrayLike<number>, args: AugmentArgs, out: { [i: number]: number }): void {
  const { batch, channels, height, width, scale, offset } = args;
  const plane = height * width;
  // PyTorch's 'reflect' padding about the edge pixel, one reflection (as the shader's reflect1)
  const mirror = (i: number, n: number) => (i < 0 ? Math.min(-i, n - 1) : i >= n ? Math.max(2 * n - 2 - i, 0) : i);
  for (let n = 0; n < batch; n++) {
    const dy = params[3 * n];
    const dx = params[3 * n + 1];
    const mirrored = params[3 * n + 2] !== 0;
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      const s = scale[c];
      const o = offset[c];
      for (let y = 0; y < height; y++) {
        const sy = y + dy;
        const rowInside = sy >= 0 && sy < height;
        for (let x = 0; x < width; x++) {
          const sx = (mirrored ? width - 1 - x : x) + dx;
          const inside = rowInside && sx >= 0 && sx < width;
          const v = args.reflect ? pixel(base + mirror(sy, height) * width + mirror(sx, width)) : inside ? pixel(base + sy * width + sx) : 0;
          out[base + y * width + x] = v * s + o;
        }
      }
    }
  }
}
