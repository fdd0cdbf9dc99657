// WebGPU launchers for the image-feature kernels (shaders/features.wgsl).
import type { Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

/** the shader's workgroup counter / private histogram capacities */
export const MAX_HUE_BINS = 256;
export const MAX_HOG_BINS = 32;
const WG = 64;

export function hueHistogram(dev: WebGPUDevice, images: Storage, count: number, h: number, w: number, bins: number, out: Storage): void {
  if (bins > MAX_HUE_BINS) throw new Error(`webgrad: hueHistogram: ${bins} bins exceed the kernel's limit of ${MAX_HUE_BINS}`);
  const xs = gpuStorage(images);
  const o = gpuStorage(out);
  if (count === 0 || bins === 0) return;
  dev.dispatch({
    shader: 'features', entry: 'hue_histogram', label: 'hueHistogram',
    constants: { WG },
    uniforms: new Uniforms().u32(count, 3, h, w, bins, 0, 0, 0),
    inputs: [xs], outputs: [o], workgroups: count,
  } satisfies KernelSpec);
}

export function hog(
  dev: WebGPUDevice, images: Storage, count: number, channels: number, h: number, w: number, cellSize: number, bins: number, out: Storage,
): void {
  if (bins > MAX_HOG_BINS) throw new Error(`webgrad: hog: ${bins} bins exceed the kernel's limit of ${MAX_HOG_BINS}`);
  const xs = gpuStorage(images);
  const o = gpuStorage(out);
  const cellsY = Math.floor(h / cellSize);
  const cellsX = Math.floor(w / cellSize);
  const cells = count * cellsY * cellsX;
  if (cells === 0 || bins === 0) return;
  dev.dispatch({
    shader: 'features', entry: 'hog', label: 'hog',
    constants: { WG },
    uniforms: new Uniforms().u32(count, channels, h, w, bins, cellSize, cellsY, cellsX),
    inputs: [xs], outputs: [o], workgroups: Math.ceil(cells / WG),
  } satisfies KernelSpec);
}
