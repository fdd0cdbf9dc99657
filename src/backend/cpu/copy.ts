// CPU reference for the strided-copy family (shaders/copy.wgsl): the kernels behind
// transpose/permute/slice/expand/concat and their backward passes.
import type { Storage, StridedView } from '../types.js';
import { cpuData, forEachStrided } from './storage.js';

export function copyStrided(x: Storage, view: StridedView, out: Storage): void {
  const src = cpuData(x);
  const dst = cpuData(out);
  const toInt = out.dtype === 'int32';
  forEachStrided(view.shape, view.strides, view.offset, (i, s) => {
    dst[i] = toInt ? Math.trunc(src[s]) : src[s];
  });
}

export function scatterStridedInPlace(src: Storage, dst: Storage, dstView: StridedView): void {
  const s = cpuData(src);
  const d = cpuData(dst);
  forEachStrided(dstView.shape, dstView.strides, dstView.offset, (i, o) => {
    d[o] = s[i];
  });
}
