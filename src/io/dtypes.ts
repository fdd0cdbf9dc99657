// The safetensors element types webgrad reads and writes, and their conversions to webgrad's
// two dtypes. PyTorch checkpoints hold more than float32/int32: num_batches_tracked and
// index buffers are I64 (torch.long), half-precision models F16/BF16, some exports F64.
// Reading converts floats to float32 (F16 and BF16 exactly, F64 rounded to nearest) and
// integers to int32, where an I64 value outside int32's range is an error (counters and indices
// are kept exact or refused, never wrapped). Writing can store int32 as I64 (PyTorch's long)
// and float32 as F16/BF16/F64 on request.
import type { DType } from '../backend/types.js';

export type FileDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

interface FileDTypeInfo {
  bytes: number;
  /** the webgrad dtype it is read into */
  dtype: DType;
  /**
   * its position in the reference (Rust) writer's Dtype enum: the writer orders data by dtype
   * descending, then by name, and webgrad's writer does the same so files match byte for byte
   */
  rank: number;
}

const INFO: Record<FileDType, FileDTypeInfo> = {
  BOOL: { bytes: 1, dtype: 'int32', rank: 0 },
  U8: { bytes: 1, dtype: 'int32', rank: 4 },
  I8: { bytes: 1, dtype: 'int32', rank: 5 },
  I16: { bytes: 2, dtype: 'int32', rank: 9 },
  F16: { bytes: 2, dtype: 'float32', rank: 11 },
  BF16: { bytes: 2, dtype: 'float32', rank: 12 },
  I32: { bytes: 4, dtype: 'int32', rank: 13 },
  F32: { bytes: 4, dtype: 'float32', rank: 15 },
  F64: { bytes: 8, dtype: 'float32', rank: 16 },
  I64: { bytes: 8, dtype: 'int32', rank: 17 },
};

/** the file dtype a webgrad dtype is written as unless told otherwise */
export const DEFAULT_FILE_DTYPE: Record<DType, FileDType> = { float32: 'F32', int32: 'I32', float16: 'F16' };

/** the file dtypes a webgrad dtype may be written as (a float cannot be stored as an integer) */
const WRITABLE: Record<DType, readonly FileDType[]> = { float32: ['F32', 'F16', 'BF16', 'F64'], int32: ['I32', 'I64'], float16: ['F16', 'F32'] };

export function isFileDType(code: string): code is FileDType {
  return Object.prototype.hasOwnProperty.call(INFO, code);
}

export const FILE_DTYPES = Object.keys(INFO) as FileDType[];

export function fileDTypeBytes(code: FileDType): number {
  return INFO[code].bytes;
}

export function fileDTypeRank(code: FileDType): number {
  return INFO[code].rank;
}

/** the webgrad dtype a file dtype is read into */
export function dtypeOf(code: FileDType): DType {
  return INFO[code].dtype;
}

/** Throws when `code` cannot store a tensor of `dtype`. */
export function checkWritable(name: string, dtype: DType, code: string): FileDType {
  if (!isFileDType(code) || !WRITABLE[dtype].includes(code))
    throw new Error(`webgrad: safetensors: tensor '${name}' is ${dtype}, which can be written as ${WRITABLE[dtype].join(', ')}, not '${code}'`);
  return code;
}

// ---- half precision ---------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits → number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** number → IEEE binary16 bits, rounded to nearest even (overflow → ±Infinity), as torch's .half(). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero): shift the mantissa with its implicit bit, round to nearest even
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >> shift;
    if (rest > half || (rest === half && out & 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (up to Infinity)
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++;
  return sign | out;
}

/** bfloat16 bits → number (exact: the top half of a float32). */
export function bf16ToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

/** number → bfloat16 bits, rounded to nearest even, as torch's .bfloat16(). */
export function floatToBf16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40; // NaN stays NaN
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

// ---- whole tensors ------------------------------------------------------------------------------

/**
 * Reads `count` elements of `code` at byteOffset (little-endian, any alignment) into a webgrad
 * array. `name` names the tensor in errors.
 */
export function decodeElements(view: DataView, byteOffset: number, count: number, code: FileDType, name: string): Float32Array | Int32Array {
  const { bytes, dtype } = INFO[code];
  const out = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0, at = byteOffset; i < count; i++, at += bytes) {
    switch (code) {
      case 'F32': out[i] = view.getFloat32(at, true); break;
      case 'I32': out[i] = view.getInt32(at, true); break;
      case 'F64': out[i] = view.getFloat64(at, true); break;
      case 'F16': out[i] = halfToFloat(view.getUint16(at, true)); break;
      case 'BF16': out[i] = bf16ToFloat(view.getUint16(at, true)); break;
      case 'I16': out[i] = view.getInt16(at, true); break;
      case 'I8': out[i] = view.getInt8(at); break;
      case 'U8': out[i] = view.getUint8(at); break;
      case 'BOOL': out[i] = view.getUint8(at) ? 1 : 0; break;
      case 'I64': {
        const v = view.getBigInt64(at, true);
        if (v < -0x80000000n || v > 0x7fffffffn)
          throw new Error(`webgrad: safetensors: tensor '${name}' (I64) holds ${v} at element ${i}, outside int32's range; webgrad's integer tensors are int32 and would not keep it exact`);
        out[i] = Number(v);
        break;
      }
    }
  }
  return out;
}

/** Writes `data` as `code` at byteOffset (little-endian); the caller checked checkWritable. */
export function encodeElements(view: DataView, byteOffset: number, data: ArrayLike<number>, code: FileDType): void {
  const { bytes } = INFO[code];
  for (let i = 0, at = byteOffset; i < data.length; i++, at += bytes) {
    const v = data[i];
    switch (code) {
      case 'F32': view.setFloat32(at, v, true); break;
      case 'I32': view.setInt32(at, v, true); break;
      case 'F64': view.setFloat64(at, Math.fround(v), true); break;
      case 'F16': view.setUint16(at, floatToHalf(v), true); break;
      case 'BF16': view.setUint16(at, floatToBf16(v), true); break;
      case 'I64': view.setBigInt64(at, BigInt(v), true); break;
      default: throw new Error(`webgrad: safetensors: writing ${code} is not supported`);
    }
  }
}
