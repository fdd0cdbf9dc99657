// safetensors element types beyond F32/I32: half and bfloat16 conversions against PyTorch's
// (the expected bits came from Debian python3-torch 1.13:
//   torch.tensor(v, dtype=torch.float32).half().view(torch.int16).tolist(), and .bfloat16()),
// I64 kept exact or refused, and files written with per-tensor dtypes read back.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { tensor } from '../../src/creation.js';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../src/io/dtypes.js';
import { encodeSafetensors, parseSafetensors, toSafetensors } from '../../src/io/safetensors.js';
import { setBackend } from '../../src/runtime.js';

const u16 = (xs: number[]): number[] => xs.map((x) => x & 0xffff);

describe('safetensors dtypes', () => {
  it('float → half rounds as torch .half() (ties to even, subnormals, overflow) and back exactly', () => {
    const v = [1 / 3, 65504, 65519, 65520, 1e-8, 6e-8, 3e-8, -2.5, 1e-5, 2049, 2051, 5.960464477539063e-8 * 1.5];
    const bits = u16([13653, 31743, 31743, 31744, 0, 1, 1, -16128, 168, 26624, 26626, 2]);
    expect(v.map(floatToHalf)).toEqual(bits);
    expect(bits.map(halfToFloat)).toEqual([0.333251953125, 65504, 65504, Infinity, 0, 5.960464477539063e-8, 5.960464477539063e-8, -2.5,
      1.0013580322265625e-5, 2048, 2052, 1.1920928955078125e-7]);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
    expect(halfToFloat(floatToHalf(-Infinity))).toBe(-Infinity);
  });

  it('float → bfloat16 rounds as torch .bfloat16() and back exactly', () => {
    const v = [1 / 3, 3.0e38, -1.00390625, 1.01171875, 1.0000001, 3.4e38];
    const bits = u16([16043, 32610, -16512, 16258, 16256, 32640]);
    expect(v.map(floatToBf16)).toEqual(bits);
    expect(bits.map(bf16ToFloat)).toEqual([0.333984375, 3.00405527047391e38, -1, 1.015625, 1, Infinity]);
    expect(Number.isNaN(bf16ToFloat(floatToBf16(NaN)))).toBe(true);
  });

  it('I64 values that fit in int32 are kept exact; others are refused, naming the tensor', () => {
    const file = (values: bigint[]): Uint8Array => {
      const header = new TextEncoder().encode(JSON.stringify({ n: { dtype: 'I64', shape: [values.length], data_offsets: [0, 8 * values.length] } }).padEnd(48, ' '));
      const out = new Uint8Array(8 + header.length + 8 * values.length);
      const view = new DataView(out.buffer);
      view.setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      values.forEach((v, i) => view.setBigInt64(8 + header.length + 8 * i, v, true));
      return out;
    };
    const ok = parseSafetensors(file([0n, -2147483648n, 2147483647n, 12345n])).tensors.n;
    expect(ok.dtype).toBe('int32');
    expect(Array.from(ok.data)).toEqual([0, -2147483648, 2147483647, 12345]);
    expect(() => parseSafetensors(file([1n, 2147483648n]))).toThrow(/tensor 'n' \(I64\) holds 2147483648 at element 1, outside int32's range/);
  });

  it('writes per-tensor dtypes in the reference writer\'s order and reads them back converted', async () => {
    setBackend(createCpuBackend());
    const a = tensor(new Float32Array([1 / 3, -2.5, 65520]), [3]);
    const n = tensor(new Int32Array([7, -1]), [2], { dtype: 'int32' });
    const bytes = await toSafetensors({ a, n, b: a, c: a }, undefined, { dtypes: { a: 'F16', b: 'BF16', c: 'F64', n: 'I64' } });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    // I64, F64 first (dtype descending in the reference enum), then BF16, F16
    expect(Object.keys(header)).toEqual(['n', 'c', 'b', 'a']);
    const back = parseSafetensors(bytes).tensors;
    expect(Array.from(back.a.data)).toEqual([0.333251953125, -2.5, Infinity]);
    expect(Array.from(back.b.data)).toEqual([0.333984375, -2.5, 65536]);
    expect(Array.from(back.c.data)).toEqual(Array.from(new Float32Array([1 / 3, -2.5, 65520])));
    expect(Array.from(back.n.data)).toEqual([7, -1]);
    expect(back.n.fileDtype).toBe('I64');
    await expect(toSafetensors({ a }, undefined, { dtypes: { a: 'I64' } })).rejects.toThrow(/'a' is float32, which can be written as F32, F16, BF16, F64, not 'I64'/);
    await expect(toSafetensors({ a }, undefined, { dtypes: { z: 'F16' } })).rejects.toThrow(/dtypes names 'z', which is not in the dict/);
    expect(() => encodeSafetensors(['x'], [{ dtype: 'int32', shape: [1], data: new Int32Array(1), fileDtype: 'F16' }])).toThrow(/'x' is int32/);
  });
});
