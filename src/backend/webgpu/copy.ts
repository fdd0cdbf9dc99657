// WebGPU launchers for the strided-copy family (shaders/copy.wgsl).
import type { Storage, StridedView } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import { MAX_RANK, WG, collapseViews } from './elementwise.js';
import type { EntryName, KernelSpec } from './kernel-spec.js';

function launch(dev: WebGPUDevice, entry: EntryName<'copy'>, src: Storage, dst: Storage, view: StridedView, n: number): void {
  const s = gpuStorage(src);
  const d = gpuStorage(dst);
  if (n === 0) return;
  const c = collapseViews(view.shape, [view]);
  const u = new Uniforms().u32(n, c.shape.length).i32(view.offset).u32(0);
  u.vec4Array('u32', c.shape, MAX_RANK).vec4Array('i32', c.strides[0], MAX_RANK);
  dev.dispatch({
    shader: 'copy', entry, label: entry === 'copy_strided' ? 'copyStrided' : 'scatterStridedInPlace',
    defines: { SRC_INT: s.dtype === 'int32', DST_INT: d.dtype === 'int32', SRC_F16: s.dtype === 'float16', DST_F16: d.dtype === 'float16' },
    constants: { WG, CONTIG: c.modes[0] === 0 ? 1 : 0 },
    uniforms: u, inputs: [s], outputs: [d], workgroups: Math.ceil(n / WG),
  } satisfies KernelSpec);
}

export function copyStrided(dev: WebGPUDevice, x: Storage, view: StridedView, out: Storage): void {
  launch(dev, 'copy_strided', x, out, view, out.size);
}

export function scatterStridedInPlace(dev: WebGPUDevice, src: Storage, dst: Storage, dstView: StridedView): void {
  let n = 1;
  for (const v of dstView.shape) n *= v;
  launch(dev, 'scatter_strided', src, dst, dstView, n);
}
