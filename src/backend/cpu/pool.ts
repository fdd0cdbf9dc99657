// CPU reference for pooling (shaders/pool.wgsl): max (argmax indices, first on ties, NaN
// wins), average (PyTorch's divisor rules) and their adjoints, windowed or adaptive.
import type { Pool2dArgs, Storage } from '../types.js';
import { cpuData } from './storage.js';

/**
 * The input range [start, end) output o reads along one axis, and the window size the
 * average divides by when padding counts (PyTorch: the window clipped to the padded input).
 */
export function poolWindow(o: number, inLen: number, outLen: number, kernel: number, stride: number, pad: number, adaptive: boolean): [number, number, number] {
  if (adaptive) {
    const start = Math.floor((o * inLen) / outLen);
    const end = Math.ceil(((o + 1) * inLen) / outLen);
    return [start, end, end - start];
  }
  const start = o * stride - pad;
  const end = Math.min(start + kernel, inLen + pad);
  return [Math.max(start, 0), Math.min(end, inLen), end - start];
}

function forEachWindow(a: Pool2dArgs, fn: (plane: number, o: number, h0: number, h1: number, w0: number, w1: number, padded: number) => void): void {
  for (let p = 0; p < a.planes; p++)
    for (let oh = 0; oh < a.outH; oh++) {
      const [h0, h1, ph] = poolWindow(oh, a.h, a.outH, a.kernelH, a.strideH, a.padH, a.adaptive);
      for (let ow = 0; ow < a.outW; ow++) {
        const [w0, w1, pw] = poolWindow(ow, a.w, a.outW, a.kernelW, a.strideW, a.padW, a.adaptive);
        fn(p, oh * a.outW + ow, h0, h1, w0, w1, ph * pw);
      }
    }
}

export function maxPool2dArgmax(x: Storage, out: Storage, a: Pool2dArgs): void {
  const X = cpuData(x);
  const I = cpuData(out);
  const plane = a.h * a.w;
  forEachWindow(a, (p, o, h0, h1, w0, w1) => {
    let best = -1;
    let bestV = -Infinity;
    for (let ih = h0; ih < h1; ih++)
      for (let iw = w0; iw < w1; iw++) {
        const v = X[p * plane + ih * a.w + iw];
        if (Number.isNaN(bestV)) continue;
        if (best < 0 || v > bestV || Number.isNaN(v)) {
          best = ih * a.w + iw;
          bestV = v;
        }
      }
    I[p * a.outH * a.outW + o] = best;
  });
}

export function poolGather(x: Storage, indices: Storage, out: Storage, a: Pool2dArgs): void {
  const X = cpuData(x);
  const I = cpuData(indices);
  const Y = cpuData(out);
  const perPlane = a.outH * a.outW;
  for (let i = 0; i < Y.length; i++) {
    const idx = I[i];
    Y[i] = idx < 0 ? NaN : X[Math.floor(i / perPlane) * a.h * a.w + idx];
  }
}

export function maxPool2dBackward(grad: Storage, indices: Storage, out: Storage, a: Pool2dArgs): void {
  const G = cpuData(grad);
  const I = cpuData(indices);
  const DX = cpuData(out);
  const acc = new Float64Array(DX.length);
  const perPlane = a.outH * a.outW;
  for (let i = 0; i < G.length; i++) {
    if (I[i] >= 0) acc[Math.floor(i / perPlane) * a.h * a.w + I[i]] += G[i];
  }
  DX.set(acc);
}

export function avgPool2d(x: Storage, out: Storage, a: Pool2dArgs): void {
  const X = cpuData(x);
  const Y = cpuData(out);
  forEachWindow(a, (p, o, h0, h1, w0, w1, padded) => {
    let acc = 0;
    for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) acc += X[p * a.h * a.w + ih * a.w + iw];
    const divisor = a.countIncludePad && !a.adaptive ? padded : (h1 - h0) * (w1 - w0);
    Y[p * a.outH * a.outW + o] = acc / divisor;
  });
}

export function avgPool2dBackward(grad: Storage, out: Storage, a: Pool2dArgs): void {
  const G = cpuData(grad);
  const DX = cpuData(out);
  const acc = new Float64Array(DX.length);
  forEachWindow(a, (p, o, h0, h1, w0, w1, padded) => {
    const divisor = a.countIncludePad && !a.adaptive ? padded : (h1 - h0) * (w1 - w0);
    const g = G[p * a.outH * a.outW + o] / divisor;
    for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) acc[p * a.h * a.w + ih * a.w + iw] += g;
  });
  DX.set(acc);
}
