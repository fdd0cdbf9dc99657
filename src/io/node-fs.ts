// Node only (reached from 'webgrad/node'): safetensors files on disk.
import { readFile, writeFile } from 'node:fs/promises';
import type { Tensor } from '../tensor.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';

export async function saveSafetensors(path: string, dict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const bytes = await toSafetensors(dict, metadata);
  await writeFile(path, bytes);
}

export async function loadSafetensors(path: string): Promise<Record<string, Tensor>> {
  const buf = await readFile(path);
  return fromSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}
