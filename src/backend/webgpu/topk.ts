// WebGPU launchers for k-smallest selection and the kNN vote (shaders/topk.wgsl).
import type { Storage } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

/** the shader's private-list and label-count capacities */
export const MAX_TOPK = 128;
export const MAX_VOTE_CLASSES = 256;
const WG = 64;

export function topkSmallest(dev: WebGPUDevice, x: Storage, rows: number, cols: number, k: number, out: Storage): void {
  if (k > MAX_TOPK) throw new Error(`webgrad: topkSmallest: k = ${k} exceeds the kernel's limit of ${MAX_TOPK}`);
  const xs = gpuStorage(x);
  const o = gpuStorage(out);
  if (rows === 0 || k === 0) return;
  dev.dispatch({
    shader: 'topk', entry: 'topk_smallest', label: 'topkSmallest',
    constants: { WG },
    uniforms: new Uniforms().u32(rows, cols, k, 0, 0, 0, 0, 0),
    inputs: [xs], outputs: [o], workgroups: Math.ceil(rows / WG),
  } satisfies KernelSpec);
}

export function knnVote(
  dev: WebGPUDevice, neighbours: Storage, labels: Storage, rows: number, kmax: number, k: number, classes: number, out: Storage,
): void {
  if (classes > MAX_VOTE_CLASSES) throw new Error(`webgrad: knnVote: ${classes} classes exceed the kernel's limit of ${MAX_VOTE_CLASSES}`);
  const ns = gpuStorage(neighbours);
  const ls = gpuStorage(labels);
  const o = gpuStorage(out);
  if (rows === 0) return;
  dev.dispatch({
    shader: 'topk', entry: 'knn_vote', label: 'knnVote',
    constants: { WG },
    uniforms: new Uniforms().u32(rows, kmax, k, classes, ls.size, 0, 0, 0),
    inputs: [ns, ls], outputs: [o], workgroups: Math.ceil(rows / WG),
  } satisfies KernelSpec);
}
