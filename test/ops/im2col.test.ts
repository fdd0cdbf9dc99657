// The im2col family on WebGPU vs the float64 CPU reference, on odd geometries (stride,
// dilation, asymmetric padding, groups, 1×1): the im2col and col2im kernels themselves, and
// conv2d's forward / input-gradient / weight-gradient passes under both algorithms, once with
// the whole batch in one column buffer and once chunked one image at a time. Outputs are
// NaN-poisoned before each run so an element a kernel leaves unwritten fails.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import type { Backend, Conv2dArgs, Storage } from '../../src/backend/types.js';
import { type ConvAlgorithm, conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../../src/backend/webgpu/conv.js';
import { setMaxColumnBytes } from '../../src/backend/webgpu/im2col.js';
import type { WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { convArgs, pair } from '../../src/ops/conv.js';
import { backendFor, expectClose, randomData, REDUCTION } from '../helpers.js';

interface Geometry {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride?: number | [number, number];
  pad?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

const GEOMETRIES: Geometry[] = [
  { name: '2×3×7×9 → 4 5×5, stride 2, pad 1', x: [2, 3, 7, 9], w: [4, 3, 5, 5], stride: 2, pad: 1 },
  { name: '2×3×7×9 → 5 3×3, dilation 2, pad [2, 1]', x: [2, 3, 7, 9], w: [5, 3, 3, 3], dilation: 2, pad: [2, 1] },
  { name: '3×2×6×11 → 3 4×4, stride [1, 3], pad [3, 1], dilation [1, 2]', x: [3, 2, 6, 11], w: [3, 2, 4, 4], stride: [1, 3], pad: [3, 1], dilation: [1, 2] },
  { name: '2×6×7×9, groups 3 → 9 3×2, stride [2, 1], pad 1', x: [2, 6, 7, 9], w: [9, 2, 3, 2], stride: [2, 1], pad: 1, groups: 3 },
  { name: '3×20×5×5 → 17 1×1 (pointwise: cols = x)', x: [3, 20, 5, 5], w: [17, 20, 1, 1] },
  { name: '2×5×9×8 → 3 1×1, stride 2', x: [2, 5, 9, 8], w: [3, 5, 1, 1], stride: 2 },
  // stride 1, dilation 1: the input gradient runs as a forward conv of g with the flipped weight
  { name: '2×4×6×7 → 5 5×5, pad 2 (input gradient as a forward conv of g)', x: [2, 4, 6, 7], w: [5, 4, 5, 5], pad: 2 },
  { name: '2×3×5×8 → 4 3×2, pad [0, 1] (the same, padding k − 1 − p = [2, 0])', x: [2, 3, 5, 8], w: [4, 3, 3, 2], pad: [0, 1] },
  // outW % 4 == 0: im2col stores each row as vec4s (VEC4_ROWS), here with padding and dilation in them
  { name: '2×3×6×12 → 4 3×3, pad [1, 2], dilation [1, 2] (rows of 12: 3 vec4s)', x: [2, 3, 6, 12], w: [4, 3, 3, 3], pad: [1, 2], dilation: [1, 2] },
];

const argsOf = (g: Geometry): Conv2dArgs =>
  convArgs(g.x, g.w, pair(g.stride ?? 1), pair(g.pad ?? 0), pair(g.dilation ?? 1), g.groups ?? 1);

const columnCount = (a: Conv2dArgs): number => a.n * a.cIn * a.kernelH * a.kernelW * a.outH * a.outW;

let gpu: WebGPUBackend;
const cpu = createCpuBackend({ float64: true });

/** runs `kernel` on both backends with the same inputs (GPU output NaN-poisoned) and compares */
async function compare(
  inputs: Float32Array[], outSize: number, kernel: (be: Backend, ins: Storage[], out: Storage) => void, tol = REDUCTION,
): Promise<void> {
  const run = async (be: Backend, poison: boolean): Promise<ArrayLike<number>> => {
    const ins = inputs.map((d) => be.upload(d));
    const out = be.alloc(outSize, 'float32');
    if (poison) be.fill(out, Number.NaN);
    kernel(be, ins, out);
    const data = await be.read(out);
    [...ins, out].forEach((s) => be.free(s));
    return data;
  };
  expectClose(await run(gpu, true), await run(cpu, false), tol);
}

beforeAll(async () => {
  gpu = (await backendFor('webgpu')) as WebGPUBackend;
});

describe.each(GEOMETRIES)('im2col family: $name', (g) => {
  const a = argsOf(g);
  const xSize = g.x.reduce((p, d) => p * d, 1);
  const wSize = g.w.reduce((p, d) => p * d, 1);
  const ySize = a.n * a.cOut * a.outH * a.outW;

  it('im2col matches the reference exactly', async () => {
    await compare([randomData(xSize)], columnCount(a), (be, [x], out) => be.im2col(x, out, a), { rtol: 0, atol: 0 });
  });

  // col2im adds up to kh·kw columns into each pixel: a float32 sum, held to the reduction tolerance
  // (at the elementwise one, a pixel whose 25 terms nearly cancel reached 0.52 of it on the 5×5 case)
  it('col2im matches the reference', async () => {
    await compare([randomData(columnCount(a))], xSize, (be, [cols], out) => be.col2im(cols, out, a), REDUCTION);
  });

  const algorithms: ConvAlgorithm[] = a.groups === 1 ? ['im2colGemm', 'implicitGemm'] : ['implicitGemm'];
  for (const algorithm of algorithms) {
    for (const chunked of algorithm === 'im2colGemm' ? [false, true] : [false]) {
      describe(`${algorithm}${chunked ? ', one image per chunk' : ''}`, () => {
        let previousLimit = 0;
        // 1 byte: every chunk is a single image
        beforeAll(() => { previousLimit = setMaxColumnBytes(chunked ? 1 : 64 * 1024 * 1024); });
        afterAll(() => { setMaxColumnBytes(previousLimit); });
        const dev = () => gpu.device;
        const onGpu = (be: Backend) => be === gpu;

        it('forward with fused bias + relu', async () => {
          await compare([randomData(xSize), randomData(wSize), randomData(a.cOut)], ySize, (be, [x, w, b], out) =>
            onGpu(be) ? conv2d(dev(), x, w, b, out, a, 'relu', 0, algorithm) : be.conv2d(x, w, b, out, a, 'relu', 0));
        });

        it('forward without bias or activation', async () => {
          await compare([randomData(xSize), randomData(wSize)], ySize, (be, [x, w], out) =>
            onGpu(be) ? conv2d(dev(), x, w, null, out, a, 'none', 0, algorithm) : be.conv2d(x, w, null, out, a, 'none', 0));
        });

        it('input gradient', async () => {
          await compare([randomData(ySize), randomData(wSize)], xSize, (be, [gy, w], out) =>
            onGpu(be) ? conv2dBackwardInput(dev(), gy, w, out, a, algorithm) : be.conv2dBackwardInput(gy, w, out, a));
        });

        it('weight gradient', async () => {
          await compare([randomData(ySize), randomData(xSize)], wSize, (be, [gy, x], out) =>
            onGpu(be) ? conv2dBackwardWeight(dev(), gy, x, out, a, algorithm) : be.conv2dBackwardWeight(gy, x, out, a));
        });
      });
    }
  }
});
