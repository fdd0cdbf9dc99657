// CPU reference for shaders/im2col.wgsl: the column blocks of conv2d and their adjoint, as
// direct loops. col2im scatters where the GPU kernel gathers; both sum the same terms.
import type { Conv2dArgs, Storage } from '../types.js';
import { cpuData } from './storage.js';

/** calls visit(columnIndex, inputIndex) for every in-bounds (column entry, input element) pair */
function forEachTap(a: Conv2dArgs, visit: (col: number, input: number) => void): void {
  const outHW = a.outH * a.outW;
  const kHW = a.kernelH * a.kernelW;
  for (let n = 0; n < a.n; n++)
    for (let c = 0; c < a.cIn; c++)
      for (let kh = 0; kh < a.kernelH; kh++)
        for (let kw = 0; kw < a.kernelW; kw++) {
          const rowBase = ((n * a.cIn + c) * kHW + kh * a.kernelW + kw) * outHW;
          for (let oh = 0; oh < a.outH; oh++) {
            const ih = oh * a.strideH - a.padH + kh * a.dilationH;
            if (ih < 0 || ih >= a.h) continue;
            for (let ow = 0; ow < a.outW; ow++) {
              const iw = ow * a.strideW - a.padW + kw * a.dilationW;
              if (iw >= 0 && iw < a.w) visit(rowBase + oh * a.outW + ow, ((n * a.cIn + c) * a.h + ih) * a.w + iw);
            }
          }
        }
}

export function im2col(x: Storage, out: Storage, a: Conv2dArgs): void {
  const X = cpuData(x);
  const cols = cpuData(out);
  cols.fill(0);
  forEachTap(a, (col, input) => { cols[col] = X[input]; });
}

export function col2im(cols: Storage, out: Storage, a: Conv2dArgs): void {
  const C = cpuData(cols);
  const acc = new Float64Array(out.size);
  forEachTap(a, (col, input) => { acc[input] += C[col]; });
  cpuData(out).set(acc);
}
