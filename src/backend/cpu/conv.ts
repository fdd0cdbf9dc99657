// CPU reference for convolution (shaders/conv.wgsl): the definition as direct loops,
// float64 accumulation, one rounding at the store. Padding reads as zero.
import { unaryScalar } from '../scalar-math.js';
import type { Conv2dArgs, ConvActivation, Storage } from '../types.js';
import { cpuData } from './storage.js';

/** the flat input index (ih·w + iw) that output (oh, ow) reads at kernel offset (kh, kw), or -1 in the padding */
function inputTap(a: Conv2dArgs, oh: number, ow: number, kh: number, kw: number): number {
  const ih = oh * a.strideH - a.padH + kh * a.dilationH;
  const iw = ow * a.strideW - a.padW + kw * a.dilationW;
  return ih < 0 || ih >= a.h || iw < 0 || iw >= a.w ? -1 : ih * a.w + iw;
}

export function conv2d(x: Storage, weight: Storage, bias: Storage | null, out: Storage, a: Conv2dArgs, activation: ConvActivation, alpha: number): void {
  const X = cpuData(x);
  const W = cpuData(weight);
  const B = bias ? cpuData(bias) : null;
  const Y = cpuData(out);
  const cInG = a.cIn / a.groups;
  const cOutG = a.cOut / a.groups;
  for (let n = 0; n < a.n; n++)
    for (let co = 0; co < a.cOut; co++) {
      const ci0 = Math.floor(co / cOutG) * cInG;
      for (let oh = 0; oh < a.outH; oh++)
        for (let ow = 0; ow < a.outW; ow++) {
          let acc = B ? B[co] : 0;
          for (let c = 0; c < cInG; c++)
            for (let kh = 0; kh < a.kernelH; kh++)
              for (let kw = 0; kw < a.kernelW; kw++) {
                const tap = inputTap(a, oh, ow, kh, kw);
                if (tap < 0) continue;
                acc += X[((n * a.cIn + ci0 + c) * a.h * a.w) + tap] * W[((co * cInG + c) * a.kernelH + kh) * a.kernelW + kw];
              }
          Y[((n * a.cOut + co) * a.outH + oh) * a.outW + ow] = activation === 'none' ? acc : unaryScalar(activation, acc, alpha);
        }
    }
}

export function conv2dBackwardInput(grad: Storage, weight: Storage, out: Storage, a: Conv2dArgs): void {
  const G = cpuData(grad);
  const W = cpuData(weight);
  const DX = cpuData(out);
  const acc = new Float64Array(DX.length);
  const cInG = a.cIn / a.groups;
  const cOutG = a.cOut / a.groups;
  for (let n = 0; n < a.n; n++)
    for (let co = 0; co < a.cOut; co++) {
      const ci0 = Math.floor(co / cOutG) * cInG;
      for (let oh = 0; oh < a.outH; oh++)
        for (let ow = 0; ow < a.outW; ow++) {
          const g = G[((n * a.cOut + co) * a.outH + oh) * a.outW + ow];
          for (let c = 0; c < cInG; c++)
            for (let kh = 0; kh < a.kernelH; kh++)
              for (let kw = 0; kw < a.kernelW; kw++) {
                const tap = inputTap(a, oh, ow, kh, kw);
                if (tap >= 0) acc[(n * a.cIn + ci0 + c) * a.h * a.w + tap] += g * W[((co * cInG + c) * a.kernelH + kh) * a.kernelW + kw];
              }
        }
    }
  DX.set(acc);
}

export function conv2dBackwardWeight(grad: Storage, x: Storage, out: Storage, a: Conv2dArgs): void {
  const G = cpuData(grad);
  const X = cpuData(x);
  const DW = cpuData(out);
  const cInG = a.cIn / a.groups;
  const cOutG = a.cOut / a.groups;
  for (let co = 0; co < a.cOut; co++) {
    const ci0 = Math.floor(co / cOutG) * cInG;
    for (let c = 0; c < cInG; c++)
      for (let kh = 0; kh < a.kernelH; kh++)
        for (let kw = 0; kw < a.kernelW; kw++) {
          let acc = 0;
          for (let n = 0; n < a.n; n++)
            for (let oh = 0; oh < a.outH; oh++)
              for (let ow = 0; ow < a.outW; ow++) {
                const tap = inputTap(a, oh, ow, kh, kw);
                if (tap >= 0) acc += G[((n * a.cOut + co) * a.outH + oh) * a.outW + ow] * X[(n * a.cIn + ci0 + c) * a.h * a.w + tap];
              }
          DW[((co * cInG + c) * a.kernelH + kh) * a.kernelW + kw] = acc;
        }
  }
}
