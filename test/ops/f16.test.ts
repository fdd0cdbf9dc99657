// float16: the host rounding helper, float16 tensors (creation, cast, readback, storage size,
// safetensors F16) and the f16 kernel variants (elementwise, reduce, matmul, conv2d) against
// the float64 CPU reference rounded to float16 where the kernels store float16. On a WebGPU
// adapter without `shader-f16` (SwiftShader) every case asserts the clear error instead, so it
// never silently skips; under Deno on lavapipe (shader-f16) the cases run for real.
import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf, fromHalfBits, roundToHalf, toHalfBits } from '../../src/backend/half.js';
import { tensor, randn, zeros, ones, hasFloat16 } from '../../src/creation.js';
import { conv2d } from '../../src/ops/conv.js';
import { fromSafetensors, toSafetensors } from '../../src/io/safetensors.js';
import { Random } from '../../src/random.js';
import { getBackend, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, reference, type Tolerance, useDevice } from '../helpers.js';
import { freshSeed } from '../seeds.js';

const ULP_MIN = 2 ** -24; // the smallest subnormal half

describe('float16 rounding on the host (src/backend/half.ts)', () => {
  it('rounds to nearest, ties to even, straight from a double', () => {
    expect(roundToHalf(1)).toBe(1);
    expect(roundToHalf(1 + 2 ** -11)).toBe(1); // a tie: 1 is even
    expect(roundToHalf(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // a tie: rounds up to the even neighbour
    expect(roundToHalf(1 + 2 ** -11 + 2 ** -30)).toBe(1 + 2 ** -10); // just above the tie: up (a float32 detour would tie)
    expect(roundToHalf(0.1)).toBe(0.0999755859375);
    expect(roundToHalf(-2049)).toBe(-2048); // spacing 2 above 2048: tie to even
    expect(roundToHalf(2051)).toBe(2052);
  });
  it('overflows to infinity from 65520 on (65504 is the largest half); NaN and signed zero survive', () => {
    expect(roundToHalf(65504)).toBe(65504);
    expect(roundToHalf(65519.99)).toBe(65504);
    expect(roundToHalf(65520)).toBe(Infinity);
    expect(roundToHalf(-1e6)).toBe(-Infinity);
    expect(roundToHalf(Infinity)).toBe(Infinity);
    expect(roundToHalf(NaN)).toBeNaN();
    expect(Object.is(roundToHalf(-0), -0)).toBe(true);
    expect(Object.is(roundToHalf(-1e-10), -0)).toBe(true);
  });
  it('handles subnormals: multiples of 2^-24, half of the smallest rounds to 0 (even), above it to 2^-24', () => {
    expect(roundToHalf(ULP_MIN)).toBe(ULP_MIN);
    expect(roundToHalf(ULP_MIN / 2)).toBe(0);
    expect(roundToHalf(ULP_MIN * 0.50001)).toBe(ULP_MIN);
    expect(roundToHalf(ULP_MIN * 1.5)).toBe(2 * ULP_MIN); // tie to even
    expect(roundToHalf(2 ** -14 - ULP_MIN * 0.75)).toBe(2 ** -14 - ULP_MIN); // the largest subnormal
    expect(roundToHalf(2 ** -14 - ULP_MIN / 2)).toBe(2 ** -14); // tie rounds up into the normals
  });
  it('encodes and decodes binary16 bit patterns', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e9)).toBe(0x7c00);
    expect(toHalfBits(-Infinity)).toBe(0xfc00);
    expect(toHalfBits(NaN)).toBe(0x7e00);
    expect(toHalfBits(ULP_MIN)).toBe(0x0001);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(fromHalfBits(0x7bff)).toBe(65504);
    expect(fromHalfBits(0x0400)).toBe(2 ** -14);
    expect(fromHalfBits(0x7c01)).toBeNaN();
    // every finite pattern round-trips exactly
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = decodeHalf(all);
    const back = encodeHalf(values);
    for (let i = 0; i < 65536; i++) if (!Number.isNaN(values[i]) && back[i] !== i) expect.fail(`pattern ${i.toString(16)} came back as ${back[i].toString(16)}`);
  });
});

/** one f16 rounding (≤ 1 ulp ≤ 2^-10 relative) on top of f32 arithmetic; atol: the subnormal spacing */
const ELEM16: Tolerance = { rtol: 2 ** -10, atol: ULP_MIN };
/**
 * a sum of `terms` products of magnitude ≤ `scale`, accumulated in float32 (GPU) vs float64
 * (reference), then rounded to f16: one f16 rounding (2^-10 relative) plus the float32
 * accumulation error, bounded by terms · 2^-23 · scale (absolute), which matters where the sum
 * cancels to near zero
 */
const sum16 = (terms: number, scale: number): Tolerance => ({ rtol: 2 ** -10, atol: terms * 2 ** -23 * scale + ULP_MIN });

function data(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  return new Random(seed).uniform(n, lo, hi);
}
const f16 = (d: Float32Array, shape: number[]): Tensor => tensor(d, shape, { dtype: 'float16' });

describe.each(devices)('float16 tensors and kernels on %s', (device) => {
  useDevice(device);
  /** runs the case where the backend has float16; else asserts the clear error (no skip) */
  const cases = (name: string, body: () => Promise<void>): void => {
    it(name, async () => {
      if (!getBackend().float16) {
        expect(hasFloat16()).toBe(false);
        expect(() => tensor([1, 2], [2], { dtype: 'float16' })).toThrow(/float16 tensors need the WebGPU feature 'shader-f16', which this adapter .* does not have/);
        expect(() => zeros([3], { dtype: 'float16' })).toThrow(/shader-f16/);
        return;
      }
      expect(hasFloat16()).toBe(true);
      await body();
    });
  };

  cases('creation, cast both ways, readback as float32 values rounded to float16', async () => {
    const raw = [1, 0.1, -3.14159, 65519, 65520, -1e6, 1e-8, 2 ** -24, NaN, -0, 2049];
    const t = tensor(raw, [raw.length], { dtype: 'float16' });
    expect(t.dtype).toBe('float16');
    const got = await t.data();
    expect(got).toBeInstanceOf(device === 'cpu' ? Float32Array : Float32Array);
    // the specials (overflow, NaN, subnormals) are exact on every backend; 2049 is a tie (to even: 2048)
    expect(Array.from(got)).toEqual(raw.map(roundToHalf).map((v) => Math.fround(v)));
    const back = t.cast('float32');
    expect(back.dtype).toBe('float32');
    expect(Array.from(await back.data())).toEqual(Array.from(got));
    const ints = t.slice([[0, 4]]).cast('int32');
    expect(Array.from(await ints.data())).toEqual([1, 0, -3, 65504]);
    expect(Array.from(await ones([3], { dtype: 'float16' }).data())).toEqual([1, 1, 1]);
    const r = randn([5], { seed: 3, dtype: 'float16' });
    const r32 = await randn([5], { seed: 3 }).data();
    expect(Array.from(await r.data())).toEqual(Array.from(r32, roundToHalf));
  });

  cases('random data: float16 = round(float32) on the device too', async () => {
    const d = data(1029, freshSeed(), -70000, 70000);
    expect(Array.from(await f16(d, [1029]).data())).toEqual(Array.from(d, (v) => Math.fround(roundToHalf(v))));
  });

  if (device === 'webgpu') {
    cases('storage: 2 bytes per element', async () => {
      const be = getBackend();
      const before = be.stats().liveBytes;
      const s = be.alloc(4096, 'float16');
      expect(be.stats().liveBytes - before).toBe(8192);
      be.free(s);
    });
  }

  const conform16 = async (fn: () => Tensor, tol: Tolerance): Promise<void> => {
    const want = await reference(fn);
    const out = fn();
    expect(out.dtype).toBe('float16');
    expectClose(await out.data(), want, tol);
  };

  cases('elementwise: unary ops (float16 in and out, f32 arithmetic)', async () => {
    const d = data(257, freshSeed());
    for (const op of ['neg', 'exp', 'tanh', 'relu', 'sigmoid', 'gelu', 'square'] as const) {
      await conform16(() => (f16(d, [257]) as unknown as Record<string, () => Tensor>)[op](), ELEM16);
    }
    await conform16(() => f16(d, [257]).abs().sqrt(), ELEM16);
    await conform16(() => f16(d, [257]).mul(3.7).add(1), ELEM16);
  });

  cases('elementwise: binary with broadcasting, comparisons, where', async () => {
    const a = data(33 * 7, freshSeed());
    const b = data(7, freshSeed(), 0.5, 2);
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'pow'] as const)
      await conform16(() => f16(a, [33, 7]).abs()[op](f16(b, [7])), ELEM16);
    await conform16(() => f16(a, [33, 7]).greater(f16(b, [7]).sub(1)), ELEM16);
    await conform16(() => {
      const x = f16(a, [33, 7]);
      return x.greater(0).cast('float16').mul(x).add(f16(b, [7]));
    }, ELEM16);
    // float16 with float32 promotes to float32 (as PyTorch)
    const mixed = f16(a, [33, 7]).add(tensor(b, [7]));
    expect(mixed.dtype).toBe('float32');
  });

  cases('reduce: sum / mean accumulate in f32, max / argmax exact', async () => {
    const d = data(5 * 257 * 3, freshSeed());
    await conform16(() => f16(d, [5, 257, 3]).sum(1), sum16(257, 2));
    await conform16(() => f16(d, [5, 257, 3]).sum(), sum16(3855, 2));
    await conform16(() => f16(d, [5, 257, 3]).mean([0, 2]), sum16(15, 2));
    await conform16(() => f16(d, [5, 257, 3]).max(1), { rtol: 0, atol: 0 });
    const want = await reference(() => f16(d, [5, 257, 3]).argmax(1));
    expect(Array.from(await f16(d, [5, 257, 3]).argmax(1).data())).toEqual(Array.from(want));
  });

  cases('matmul: f16 inputs, f32 accumulation, f16 output (odd sizes, transposed, batched)', async () => {
    for (const [m, k, n] of [[1, 1, 1], [33, 129, 7], [64, 32, 64], [7, 257, 33]]) {
      const a = data(m * k, freshSeed());
      const b = data(k * n, freshSeed());
      await conform16(() => f16(a, [m, k]).matmul(f16(b, [k, n])), sum16(k, 4));
      await conform16(() => f16(a, [m, k]).matmul(f16(b, [n, k]), { transB: true }), sum16(k, 4));
    }
    const a = data(3 * 9 * 17, freshSeed());
    const b = data(17 * 12, freshSeed());
    await conform16(() => f16(a, [3, 9, 17]).matmul(f16(b, [17, 12])), sum16(17, 4));
    expect(() => f16(a, [3 * 9, 17]).matmul(tensor(b, [17, 12]))).toThrow(/matmul: dtypes float16 and float32 differ/);
  });

  cases('conv2d: im2col + f16 matmul with bias and fused ReLU; grouped (widened) conv', async () => {
    const x = data(2 * 3 * 9 * 8, freshSeed());
    const w = data(4 * 3 * 3 * 3, freshSeed());
    const b = data(4, freshSeed());
    const k = 3 * 3 * 3;
    await conform16(() => conv2d(f16(x, [2, 3, 9, 8]), f16(w, [4, 3, 3, 3]), f16(b, [4]), { padding: 1 }), sum16(k + 1, 4));
    await conform16(() => conv2d(f16(x, [2, 3, 9, 8]), f16(w, [4, 3, 3, 3]), f16(b, [4]), { stride: 2, activation: 'relu' }), sum16(k + 1, 4));
    const wg = data(6 * 1 * 3 * 3, freshSeed());
    await conform16(() => conv2d(f16(x, [2, 3, 9, 8]), f16(wg, [6, 1, 3, 3]), null, { groups: 3, padding: 1 }), sum16(9, 4));
  });

  cases('ops without an f16 kernel run on float32 copies and return float16 (softmax)', async () => {
    const d = data(6 * 11, freshSeed());
    await conform16(() => f16(d, [6, 11]).softmax(-1), ELEM16);
  });

  cases('safetensors F16: written as 2-byte halves, read back as float16 (keepFloat16) or float32', async () => {
    const d = data(37, freshSeed());
    const bytes = await toSafetensors({ h: f16(d, [37]), f: tensor(d, [37]) });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect(header.h.dtype).toBe('F16');
    expect(header.h.data_offsets[1] - header.h.data_offsets[0]).toBe(74);
    const kept = fromSafetensors(bytes, { keepFloat16: true });
    expect(kept.h.dtype).toBe('float16');
    const widened = fromSafetensors(bytes);
    expect(widened.h.dtype).toBe('float32');
    const want = Array.from(d, (v) => Math.fround(roundToHalf(v)));
    expect(Array.from(await kept.h.data())).toEqual(want);
    expect(Array.from(await widened.h.data())).toEqual(want);
  });

  cases('no leaks: a float16 step frees its temporaries', async () => {
    const be = getBackend();
    const x = f16(data(64, freshSeed()), [8, 8]);
    tidy(() => { x.matmul(x).softmax(-1).sum(); });
    await be.flush();
    const before = be.stats().liveStorages;
    tidy(() => { x.matmul(x).softmax(-1).sum(); });
    expect(be.stats().liveStorages).toBe(before);
  });
});
