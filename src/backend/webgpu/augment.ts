// WebGPU launcher for augmentImages (shaders/augment.wgsl): one invocation per output element,
// uint8 input packed four per u32 (int32 storage) or float32 (the FLOAT_INPUT variant).
import { checkAugmentArgs, MAX_AUGMENT_CHANNELS } from '../augment-math.js';
import type { AugmentArgs, Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const WG = 256;

export function augmentImages(dev: WebGPUDevice, images: Storage, params: Storage, out: Storage, args: AugmentArgs): void {
  checkAugmentArgs(args, params.size);
  const o = gpuStorage(out);
  const total = args.batch * args.channels * args.height * args.width;
  if (total === 0) return;
  const floatInput = images.dtype === 'float32';
  const need = floatInput ? total : Math.ceil(total / 4);
  if (images.size < need) throw new Error(`webgrad: augmentImages: the images hold ${images.size} elements, need ${need} for [${args.batch}, ${args.channels}, ${args.height}, ${args.width}]`);
  const uniforms = new Uniforms().u32(total, args.channels, args.height, args.width);
  for (const values of [args.scale, args.offset]) for (let c = 0; c < MAX_AUGMENT_CHANNELS; c++) uniforms.f32(values[c] ?? 0);
  dev.dispatch({
    shader: 'augment', entry: 'augment', label: 'augmentImages', defines: { FLOAT_INPUT: floatInput, REFLECT: !!args.reflect }, constants: { WG },
    uniforms, inputs: [gpuStorage(images), gpuStorage(params)], outputs: [o], workgroups: Math.ceil(total / WG),
  } satisfies KernelSpec);
}
