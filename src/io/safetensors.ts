// The safetensors format (https://github.com/huggingface/safetensors), written as the
// reference Python/Rust writer does and read with every check its loader makes:
//   [u64 little-endian N] [N bytes JSON header, space-padded to 8-byte alignment] [raw data]
// header: { "__metadata__"?: { string: string }, name: { dtype, shape, data_offsets: [begin, end] } }
// with offsets relative to the start of the data. The element types and their conversions to
// webgrad's float32 / int32 are in ./dtypes.ts (F64, F16, BF16, I64... are read and converted).
import { tensor } from '../creation.js';
import type { DType } from '../backend/types.js';
import { fromHalfBits, toHalfBits } from '../backend/half.js';
import type { Tensor } from '../tensor.js';
import {
  checkWritable, decodeElements, DEFAULT_FILE_DTYPE, dtypeOf, encodeElements, FILE_DTYPES, fileDTypeBytes, fileDTypeRank,
  isFileDType, type FileDType,
} from './dtypes.js';
/** the reference loader's header-size guard (100 MB): a larger N means a corrupt file */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

interface HeaderEntry {
  dtype: FileDType;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsReadOptions {
  /**
   * F16 entries become float16 tensors (the backend must have float16: `wg.hasFloat16()`);
   * by default they are widened to float32 tensors (exactly: every half is a float32).
   */
  keepFloat16?: boolean;
}

/** A tensor as plain host data, before it becomes a Tensor. */
export interface HostTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array;
  /** the element type in the file (default F32 / I32; e.g. I64 for PyTorch's long buffers) */
  fileDtype?: FileDType;
}

export interface ToSafetensorsOptions {
  /** per-tensor file dtypes, e.g. { 'bn.num_batches_tracked': 'I64' } (default F32 / I32) */
  dtypes?: Record<string, FileDType>;
}

export interface SafetensorsContents {
  tensors: Record<string, HostTensor>;
  metadata: Record<string, string>;
}

function fail(msg: string): never {
  throw new Error(`webgrad: safetensors: ${msg}`);
}

/** The reference writer's data order: dtype descending in its enum (I64, F64, F32, I32, ...), then name. */
function writerOrder(dict: Record<string, Tensor>, codes: Record<string, FileDType>): string[] {
  const rank = (name: string): number => -fileDTypeRank(codes[name]);
  return Object.keys(dict).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Serialises tensors (reads them back from the device) to safetensors bytes, laid out as the
 * reference writer does: data ordered by dtype then name, the header listing __metadata__
 * (keys sorted) first, then the tensors in data order, compact JSON padded with spaces.
 */
export async function toSafetensors(dict: Record<string, Tensor>, metadata?: Record<string, string>, opts: ToSafetensorsOptions = {}): Promise<Uint8Array> {
  const codes: Record<string, FileDType> = {};
  for (const name of Object.keys(opts.dtypes ?? {})) if (!(name in dict)) fail(`dtypes names '${name}', which is not in the dict`);
  for (const [name, t] of Object.entries(dict)) codes[name] = checkWritable(name, t.dtype, opts.dtypes?.[name] ?? DEFAULT_FILE_DTYPE[t.dtype]);
  const names = writerOrder(dict, codes);
  for (const name of names) if (name === '__metadata__') fail("'__metadata__' is reserved and cannot name a tensor");
  const host: HostTensor[] = [];
  for (const name of names) {
    const t = dict[name];
    if (t.isDisposed) fail(`tensor '${name}' was disposed`);
    const data = await t.data();
    // the float64 CPU reference holds float32 tensors as Float64Array: store them as F32
    host.push({ dtype: t.dtype, shape: [...t.shape], data: data instanceof Float64Array ? Float32Array.from(data) : data, fileDtype: codes[name] });
  }
  return encodeSafetensors(names, host, metadata);
}

/** The byte layout, from host data (synchronous; toSafetensors reads the tensors first). */
export function encodeSafetensors(names: readonly string[], tensors: readonly HostTensor[], metadata?: Record<string, string>): Uint8Array {
  // entries joined by hand: a JS object would move integer-like names ('0', '12') to the front
  const entries: string[] = [];
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata '${k}' must be a string`);
    const sorted = Object.keys(metadata).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
    entries.push(`"__metadata__":{${sorted.join(',')}}`);
  }
  let offset = 0;
  const codes = tensors.map((t, i) => checkWritable(names[i], t.dtype, t.fileDtype ?? DEFAULT_FILE_DTYPE[t.dtype]));
  tensors.forEach((t, i) => {
    const bytes = t.data.length * fileDTypeBytes(codes[i]);
    const info = { dtype: codes[i], shape: t.shape, data_offsets: [offset, offset + bytes] };
    entries.push(`${JSON.stringify(names[i])}:${JSON.stringify(info)}`);
    offset += bytes;
  });
  let json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let at = 8 + padded;
  tensors.forEach((t, i) => {
    const bytes = t.data.length * fileDTypeBytes(codes[i]);
    const native = (codes[i] === 'F32' && t.data instanceof Float32Array) || (codes[i] === 'I32' && t.data instanceof Int32Array);
    if (LITTLE_ENDIAN && native) {
      // the file is little-endian, as the host: one bulk copy (a 25 MB checkpoint in ms, not a second)
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, bytes), at);
    } else {
      encodeElements(view, at, t.data, codes[i]);
    }
    at += bytes;
  });
  return out;
}

function parseEntry(name: string, raw: unknown, dataBytes: number): HeaderEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`entry '${name}' is not an object`);
  const e = raw as Partial<HeaderEntry>;
  if (typeof e.dtype !== 'string') fail(`tensor '${name}' has no dtype`);
  if (!isFileDType(e.dtype)) fail(`tensor '${name}' has dtype '${e.dtype}'; webgrad reads ${FILE_DTYPES.join(', ')}`);
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1])
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
  if (off[1] > dataBytes) fail(`tensor '${name}' data_offsets [${off}] run past the ${dataBytes} data bytes in the file (truncated?)`);
  const elements = e.shape.reduce((a, b) => a * b, 1);
  const need = elements * fileDTypeBytes(e.dtype);
  if (need !== off[1] - off[0]) fail(`tensor '${name}': shape [${e.shape}] of ${e.dtype} needs ${need} bytes but data_offsets [${off}] hold ${off[1] - off[0]}`);
  return e as HeaderEntry;
}

/**
 * The data section must be exactly the tensors' bytes, back to back (as the reference loader
 * demands): a gap, an overlap or bytes past the last tensor mean a wrong header length (every
 * tensor would be read shifted) or a damaged file, never something to load.
 */
function checkDataLayout(entries: [string, HeaderEntry][], dataBytes: number, headerLen: number): void {
  const byStart = [...entries].sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  let end = 0;
  let prev: [string, HeaderEntry] | null = null;
  for (const entry of byStart) {
    const [name, e] = entry;
    const [begin, stop] = e.data_offsets;
    const after = prev ? ` after '${prev[0]}' [${prev[1].data_offsets}]` : '';
    if (begin < end) fail(`tensors '${prev![0]}' [${prev![1].data_offsets}] and '${name}' [${e.data_offsets}] overlap`);
    if (begin > end) fail(`a gap of ${begin - end} bytes in the data before tensor '${name}' [${e.data_offsets}]${after}: offsets must be contiguous from 0`);
    end = stop;
    prev = entry;
  }
  if (end !== dataBytes)
    fail(
      `the data section holds ${dataBytes} bytes but the tensors cover ${end}: ${dataBytes - end} trailing bytes ` +
        `(the header length ${headerLen} is wrong, or bytes were appended to the file)`,
    );
}

/**
 * Parses and validates safetensors bytes into host arrays. Everything is checked before any
 * data is copied, so a bad file throws a clear error and creates nothing.
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length (truncated)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLen} is implausibly large (corrupt file)`);
  const n = Number(headerLen);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the ${bytes.length}-byte file (truncated)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: [string, HeaderEntry][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') fail(`__metadata__ '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push([name, parseEntry(name, raw, dataBytes)]);
  }
  checkDataLayout(entries, dataBytes, n);
  const tensors: Record<string, HostTensor> = {};
  for (const [name, e] of entries) {
    const count = (e.data_offsets[1] - e.data_offsets[0]) / fileDTypeBytes(e.dtype);
    // DataView reads: the data need not be aligned in the file, and the file is little-endian
    const data = decodeElements(view, dataStart + e.data_offsets[0], count, e.dtype, name);
    tensors[name] = { dtype: dtypeOf(e.dtype), shape: e.shape, data, fileDtype: e.dtype };
  }
  return { tensors, metadata };
}

/** Tensors and metadata from safetensors bytes (validated first; nothing is created on error). */
export function readSafetensors(
  bytes: Uint8Array, opts: SafetensorsReadOptions = {},
): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const parsed = parseSafetensors(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(parsed.tensors)) {
    const dtype = t.fileDtype === 'F16' && opts.keepFloat16 ? 'float16' : t.dtype;
    tensors[name] = tensor(t.data, t.shape, { dtype });
  }
  return { tensors, metadata: parsed.metadata };
}

/** The tensors of a safetensors file, by name (metadata: readSafetensors). */
export function fromSafetensors(bytes: Uint8Array, opts: SafetensorsReadOptions = {}): Record<string, Tensor> {
  return readSafetensors(bytes, opts).tensors;
}
