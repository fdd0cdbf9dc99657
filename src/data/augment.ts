// Turning uint8 images into a float32 NCHW batch: gather, random crop/flip, scale to
// [0, 1] and normalise per channel. This runs on the CPU while the batch is built;
// augmentBatch is one function on purpose so a GPU kernel can replace it later.
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { imageSize, type ImageSet } from './dataset.js';

/** Per-channel normalisation of pixels scaled to [0, 1]: (pixel/255 - mean[c]) / std[c], as torchvision's ToTensor + Normalize. One value applies to every channel. */
export interface NormalizeOptions {
  mean: readonly number[];
  std: readonly number[];
}

export interface AugmentOptions {
  /** mirror each image left–right with probability 1/2 */
  flip?: boolean;
  /** pad each side by `padding` black (0) pixels, then cut a random H×W window (torchvision RandomCrop(size, padding)) */
  crop?: { padding: number };
}

/** Uniform [0, 1) numbers; the Random class is one. */
export interface UniformSource {
  next(): number;
}

export interface BatchLayout {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

export interface AugmentBatchOptions {
  normalize?: NormalizeOptions;
  augment?: AugmentOptions;
  /** needed when augment asks for randomness */
  random?: UniformSource;
}

/** The signature of augmentBatch, so a DataLoader can take another implementation (e.g. a GPU one). */
export type BatchTransform = (images: Uint8Array, layout: BatchLayout, opts: AugmentBatchOptions) => Float32Array;

/** Copies the images and labels at `indices` into one contiguous uint8 batch and an int32 label array. */
export function gatherImages(set: ImageSet, indices: ArrayLike<number>): { images: Uint8Array; labels: Int32Array } {
  const size = imageSize(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!(index >= 0 && index < set.count)) throw new Error(`webgrad: image index ${index} is out of range (the set has ${set.count} images)`);
    images.set(set.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = set.labels[index];
  }
  return { images, labels };
}

/** Per-channel `pixel * scale + offset` equal to (pixel/255 - mean) / std. */
function channelAffine(channels: number, normalize: NormalizeOptions | undefined): { scale: Float32Array; offset: Float32Array } {
  const scale = new Float32Array(channels).fill(1 / 255);
  const offset = new Float32Array(channels);
  if (!normalize) return { scale, offset };
  const pick = (values: readonly number[], what: string, c: number): number => {
    if (values.length !== 1 && values.length !== channels)
      throw new Error(`webgrad: normalize.${what} has ${values.length} values but the images have ${channels} channels (give ${channels} or 1)`);
    return values.length === 1 ? values[0] : values[c];
  };
  for (let c = 0; c < channels; c++) {
    const std = pick(normalize.std, 'std', c);
    if (!(std > 0)) throw new Error(`webgrad: normalize.std[${c}] is ${std}; it must be positive`);
    scale[c] = 1 / (255 * std);
    offset[c] = -pick(normalize.mean, 'mean', c) / std;
  }
  return { scale, offset };
}

/**
 * uint8 NCHW batch → float32 NCHW batch, with (per image, drawn in this order) a random
 * crop from the zero-padded image and a random horizontal flip, then scaling to [0, 1] and
 * per-channel normalisation. Padding pixels are 0 before normalisation, as torchvision.
 */
export function augmentBatch(images: Uint8Array, layout: BatchLayout, opts: AugmentBatchOptions = {}): Float32Array {
  const { batch, channels, height, width } = layout;
  const plane = height * width;
  if (images.length !== batch * channels * plane)
    throw new Error(`webgrad: augmentBatch: ${images.length} bytes do not fill [${batch}, ${channels}, ${height}, ${width}]`);
  const { scale, offset } = channelAffine(channels, opts.normalize);
  const flip = opts.augment?.flip ?? false;
  const padding = opts.augment?.crop?.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`webgrad: augment.crop.padding must be a non-negative integer, got ${padding}`);
  if ((flip || padding > 0) && !opts.random) throw new Error('webgrad: augmentBatch: augmentation needs opts.random (a Random)');
  const out = new Float32Array(images.length);
  for (let n = 0; n < batch; n++) {
    // crop window origin in the padded image, in [0, 2 * padding]
    const dy = padding > 0 ? Math.floor(opts.random!.next() * (2 * padding + 1)) - padding : 0;
    const dx = padding > 0 ? Math.floor(opts.random!.next() * (2 * padding + 1)) - padding : 0;
    const mirrored = flip && opts.random!.next() < 0.5;
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
          out[base + y * width + x] = (inside ? images[base + sy * width + sx] : 0) * s + o;
        }
      }
    }
  }
  return out;
}

export interface Batch {
  /** float32 [B, C, H, W] */
  x: Tensor;
  /** int32 [B] class indices */
  y: Tensor;
}

/**
 * Float32 NCHW images and int32 labels as tensors for the images at `indices`
 * (default: all), normalised as `normalize` says (pixel/255 when absent). The caller
 * disposes both tensors.
 */
export function batchTensors(set: ImageSet, opts: { indices?: ArrayLike<number>; normalize?: NormalizeOptions } = {}): Batch {
  const indices = opts.indices ?? Int32Array.from({ length: set.count }, (_, i) => i);
  const { images, labels } = gatherImages(set, indices);
  const layout = { batch: indices.length, channels: set.channels, height: set.height, width: set.width };
  const pixels = augmentBatch(images, layout, { normalize: opts.normalize });
  return {
    x: tensor(pixels, [layout.batch, layout.channels, layout.height, layout.width]),
    y: tensor(labels, [layout.batch], { dtype: 'int32' }),
  };
}
