// CPU reference for augmentImages (shaders/augment.wgsl): random crop from the zero-padded
// image, horizontal flip and the per-channel affine map, in one loop (augmentPixels, in
// ../augment-math.ts so the host-side augmentBatch runs the same code).
import { augmentPixels, checkAugmentArgs, packedBytesReader, type PixelReader } from '../augment-math.js';
import type { AugmentArgs, Storage } from '../types.js';
import { cpuData } from './storage.js';

export function augmentImages(images: Storage, params: Storage, out: Storage, args: AugmentArgs): void {
  const P = cpuData(params);
  checkAugmentArgs(args, P.length);
  const I = cpuData(images);
  const total = args.batch * args.channels * args.height * args.width;
  const need = images.dtype === 'int32' ? Math.ceil(total / 4) : total;
  if (I.length < need) throw new Error(`webgrad: augmentImages: the images hold ${I.length} elements, need ${need} for [${args.batch}, ${args.channels}, ${args.height}, ${args.width}]`);
  const pixel: PixelReader = images.dtype === 'int32' ? packedBytesReader(I) : (i) => I[i];
  augmentPixels(pixel, P, args, cpuData(out));
}
