// Turning uint8 images into a float32 NCHW batch: gather, random crop/flip, scale to
// [0, 1] and normalise per channel. The per-image crop offsets and flips are drawn on the
// host from a seeded stream (drawAugmentParams); the pixel work is the augmentImages kernel
// (shaders/augment.wgsl, CPU twin src/backend/cpu/augment.ts): augmentImagesTensor runs it on
// the active backend (the GPU), augmentBatch runs the same loop on the host.
import { augmentPixels } from '../backend/augment-math.js';
import type { AugmentArgs, Storage } from '../backend/types.js';
import { tensor } from '../creation.js';
import { launchKernel } from '../launch.js';
import { getBackend } from '../runtime.js';
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
  /**
   * explicit (dy, dx, flip) per image, int32 [batch · 3], instead of drawing them from `random`
   * (schemes the random draw does not cover: airbench's alternating flips, test-time views)
   */
  params?: Int32Array;
  /** 'reflect': shifted-in pixels mirror the image (PyTorch's reflect pad, airbench's translations); default 'zeros' */
  padding?: 'zeros' | 'reflect';
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
 * The random part of augmentation: (dy, dx, flip) per image as int32 [batch, 3], drawn in
 * this order per image (dy, dx from [−padding, padding], then the flip with probability 1/2),
 * so the same stream gives the same batch on every backend. dy/dx are where the crop window
 * sits relative to the image: output (y, x) reads source (y + dy, x + dx).
 */
export function drawAugmentParams(batch: number, augment: AugmentOptions | undefined, random: UniformSource | undefined): Int32Array {
  const flip = augment?.flip ?? false;
  const padding = augment?.crop?.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`webgrad: augment.crop.padding must be a non-negative integer, got ${padding}`);
  if ((flip || padding > 0) && !random) throw new Error('webgrad: augmentBatch: augmentation needs opts.random (a Random)');
  const params = new Int32Array(3 * batch);
  for (let n = 0; n < batch; n++) {
    // crop window origin in the padded image, in [0, 2 * padding]
    params[3 * n] = padding > 0 ? Math.floor(random!.next() * (2 * padding + 1)) - padding : 0;
    params[3 * n + 1] = padding > 0 ? Math.floor(random!.next() * (2 * padding + 1)) - padding : 0;
    params[3 * n + 2] = flip && random!.next() < 0.5 ? 1 : 0;
  }
  return params;
}

/** The kernel's arguments for a layout and normalisation: pixel · scale[c] + offset[c] = (pixel/255 − mean[c]) / std[c]. */
export function augmentArgs(layout: BatchLayout, normalize: NormalizeOptions | undefined): AugmentArgs {
  const { scale, offset } = channelAffine(layout.channels, normalize);
  return { ...layout, scale: Array.from(scale), offset: Array.from(offset) };
}

function checkLength(what: string, length: number, layout: BatchLayout): void {
  const { batch, channels, height, width } = layout;
  if (length !== batch * channels * height * width)
    throw new Error(`webgrad: ${what}: ${length} values do not fill [${batch}, ${channels}, ${height}, ${width}]`);
}

/**
 * uint8 NCHW batch → float32 NCHW batch on the host, with (per image, drawn in this order) a
 * random crop from the zero-padded image and a random horizontal flip, then scaling to [0, 1]
 * and per-channel normalisation. Padding pixels are 0 before normalisation, as torchvision.
 * The same numbers as augmentImagesTensor for the same random stream.
 */
export function augmentBatch(images: Uint8Array, layout: BatchLayout, opts: AugmentBatchOptions = {}): Float32Array {
  checkLength('augmentBatch', images.length, layout);
  const args = { ...augmentArgs(layout, opts.normalize), reflect: opts.padding === 'reflect' };
  const params = opts.params ?? drawAugmentParams(layout.batch, opts.augment, opts.random);
  if (params.length !== 3 * layout.batch) throw new Error(`webgrad: augmentBatch: params has ${params.length} values; want 3 per image (${3 * layout.batch})`);
  const out = new Float32Array(images.length);
  augmentPixels((i) => images[i], params, args, out);
  return out;
}

/** uint8 pixels as int32 words, four bytes each (little-endian, the GPU's view), zero padded to a whole word. */
export function packBytes(bytes: Uint8Array): Int32Array {
  if (bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(words.buffer).set(bytes);
  return words;
}

/**
 * The same as augmentBatch, run by the active backend's augmentImages kernel (one dispatch on
 * WebGPU): the uint8 images are uploaded packed four to a 32-bit word (a quarter of the
 * float32 bytes) with the per-image (dy, dx, flip) drawn here, and the float32 [B, C, H, W]
 * tensor is written on the device. A Float32Array holds pixel values on the same 0–255 scale
 * (uploaded as float32). The caller disposes the result.
 */
export function augmentImagesTensor(images: Uint8Array | Float32Array, layout: BatchLayout, opts: AugmentBatchOptions = {}): Tensor {
  checkLength('augmentImagesTensor', images.length, layout);
  const args = { ...augmentArgs(layout, opts.normalize), reflect: opts.padding === 'reflect' };
  const params = opts.params ?? drawAugmentParams(layout.batch, opts.augment, opts.random);
  if (params.length !== 3 * layout.batch) throw new Error(`webgrad: augmentImagesTensor: params has ${params.length} values; want 3 per image (${3 * layout.batch})`);
  const shape = [layout.batch, layout.channels, layout.height, layout.width];
  return launchKernel(getBackend(), shape, 'float32', (be, out) => {
    const temporaries: Storage[] = [];
    try {
      temporaries.push(be.upload(images instanceof Float32Array ? images : packBytes(images)));
      temporaries.push(be.upload(params));
      be.augmentImages(temporaries[0], temporaries[1], out, args);
    } finally {
      // freeing right after recording is safe: commands keep their order
      for (const t of temporaries) be.free(t);
    }
  });
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
  return {
    x: augmentImagesTensor(images, layout, { normalize: opts.normalize }),
    y: tensor(labels, [layout.batch], { dtype: 'int32' }),
  };
}
