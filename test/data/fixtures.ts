// Builders for small synthetic dataset files used by the data tests: CIFAR-10 records,
// IDX files, and a minimal ustar tar writer (so archive parsing is tested without
// shipping binary fixtures).
import { gzipSync } from 'node:zlib';

export const RECORD = 3073;

/** A pixel value that encodes (record, channel, y, x), so any misplaced byte shows. */
export function cifarPixel(record: number, channel: number, y: number, x: number): number {
  return (record * 37 + channel * 91 + y * 7 + x * 3) & 0xff;
}

/** CIFAR-10 records with labels[i] and the cifarPixel pattern. */
export function cifarBytes(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * RECORD);
  labels.forEach((label, r) => {
    out[r * RECORD] = label;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[r * RECORD + 1 + c * 1024 + y * 32 + x] = cifarPixel(r, c, y, x);
  });
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

function writeString(block: Uint8Array, at: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > length) throw new Error(`tar fixture: '${text}' does not fit ${length} bytes`);
  block.set(bytes, at);
}

function writeOctal(block: Uint8Array, at: number, length: number, value: number): void {
  writeString(block, at, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function tarHeader(name: string, size: number, type: string, prefix = ''): Uint8Array {
  const block = new Uint8Array(512);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0);
  block[156] = type.charCodeAt(0);
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 345, 155, prefix);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

export interface TarFile {
  name: string;
  data?: Uint8Array;
  /** '0' file (default), '5' directory, 'L' GNU long name */
  type?: string;
  prefix?: string;
}

/** A ustar archive of the given entries, with the two zero blocks at the end. */
export function tar(files: readonly TarFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const data = f.data ?? new Uint8Array(0);
    parts.push(tarHeader(f.name, data.length, f.type ?? '0', f.prefix));
    parts.push(data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An IDX file: magic, big-endian dims, data. */
export function idxBytes(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
