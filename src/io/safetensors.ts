// The safetensors format (https://github.com/huggingface/safetensors), written as the
// reference Python/Rust writer does and read with every check its loader makes:
//   [u64 little-endian N] [N bytes JSON header, space-padded to 8-byte alignment] [raw data]
// header: { "__metadata__"?: { string: string }, name: { dtype, shape, data_offsets: [begin, end] } }
// with offsets relative to the start of the data. webgrad reads and writes F32, I32 and F16
// (F16 is read as float32 values unless `keepFloat16` asks for float16 tensors).
import { tensor } from '../creation.js';
import type { DType } from '../backend/types.js';
import { fromHalfBits, toHalfBits } from '../backend/half.js';
import type { Tensor } from '../tensor.js';

const DTYPES: Record<string, DType> = { F32: 'float32', I32: 'int32', F16: 'float16' };
const CODES: Record<DType, string> = { float32: 'F32', int32: 'I32', float16: 'F16' };
const elementBytes = (d: DType): number => (d === 'float16' ? 2 : 4);
/** the reference loader's header-size guard (100 MB): a larger N means a corrupt file */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  dtype: string;
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
}

export interface SafetensorsContents {
  tensors: Record<string, HostTensor>;
  metadata: Record<string, string>;
}

function fail(msg: string): never {
  throw new Error(`webgrad: safetensors: ${msg}`);
}

/** The reference writer's data order: dtype descending in its enum (F32 after I32, so first), then name. */
function writerOrder(dict: Record<string, Tensor>): string[] {
  // the writer's enum order, descending: F32, I32, F16
  const rank = (name: string): number => ({ float32: 0, int32: 1, float16: 2 })[dict[name].dtype];
  return Object.keys(dict).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Serialises tensors (reads them back from the device) to safetensors bytes, laid out as the
 * reference writer does: data ordered by dtype then name, the header listing __metadata__
 * (keys sorted) first, then the tensors in data order, compact JSON padded with spaces.
 */
export async function toSafetensors(dict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const names = writerOrder(dict);
  for (const name of names) if (name === '__metadata__') fail("'__metadata__' is reserved and cannot name a tensor");
  const host: HostTensor[] = [];
  for (const name of names) {
    const t = dict[name];
    if (t.isDisposed) fail(`tensor '${name}' was disposed`);
    const data = await t.data();
    // the float64 CPU reference holds float32 tensors as Float64Array: store them as F32
    host.push({ dtype: t.dtype, shape: [...t.shape], data: data instanceof Float64Array ? Float32Array.from(data) : data });
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
  tensors.forEach((t, i) => {
    const bytes = t.data.length * elementBytes(t.dtype);
    const info = { dtype: CODES[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] };
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
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += elementBytes(t.dtype)) {
      if (t.dtype === 'int32') view.setInt32(at, t.data[i], true);
      else if (t.dtype === 'float16') view.setUint16(at, toHalfBits(t.data[i]), true);
      else view.setFloat32(at, t.data[i], true);
    }
  }
  return out;
}

function parseEntry(name: string, raw: unknown, dataBytes: number): HeaderEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`entry '${name}' is not an object`);
  const e = raw as Partial<HeaderEntry>;
  if (typeof e.dtype !== 'string') fail(`tensor '${name}' has no dtype`);
  if (!(e.dtype in DTYPES)) fail(`tensor '${name}' has dtype '${e.dtype}'; webgrad reads ${Object.keys(DTYPES).join(', ')}`);
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1])
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
  if (off[1] > dataBytes) fail(`tensor '${name}' data_offsets [${off}] run past the ${dataBytes} data bytes in the file (truncated?)`);
  const elements = e.shape.reduce((a, b) => a * b, 1);
  const need = elements * elementBytes(DTYPES[e.dtype]);
  if (need !== off[1] - off[0])
    fail(`tensor '${name}': shape [${e.shape}] of ${e.dtype} needs ${need} bytes but data_offsets [${off}] hold ${off[1] - off[0]}`);
  return e as HeaderEntry;
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
  const byStart = [...entries].sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  for (let i = 1; i < byStart.length; i++) {
    const [prevName, prev] = byStart[i - 1];
    const [name, cur] = byStart[i];
    if (cur.data_offsets[0] < prev.data_offsets[1])
      fail(`tensors '${prevName}' [${prev.data_offsets}] and '${name}' [${cur.data_offsets}] overlap`);
  }
  const tensors: Record<string, HostTensor> = {};
  for (const [name, e] of entries) {
    const dtype = DTYPES[e.dtype];
    const width = elementBytes(dtype);
    const count = (e.data_offsets[1] - e.data_offsets[0]) / width;
    const data = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
    // DataView reads: the data need not be 4-byte aligned in the file, and the file is little-endian
    const base = dataStart + e.data_offsets[0];
    for (let i = 0; i < count; i++) {
      const at = base + width * i;
      data[i] = dtype === 'int32' ? view.getInt32(at, true) : dtype === 'float16' ? fromHalfBits(view.getUint16(at, true)) : view.getFloat32(at, true);
    }
    tensors[name] = { dtype, shape: e.shape, data };
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
    const dtype = t.dtype === 'float16' && !opts.keepFloat16 ? 'float32' : t.dtype;
    tensors[name] = tensor(t.data, t.shape, { dtype });
  }
  return { tensors, metadata: parsed.metadata };
}

/** The tensors of a safetensors file, by name (metadata: readSafetensors). */
export function fromSafetensors(bytes: Uint8Array, opts: SafetensorsReadOptions = {}): Record<string, Tensor> {
  return readSafetensors(bytes, opts).tensors;
}
