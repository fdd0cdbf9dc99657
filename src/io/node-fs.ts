// Node.js file helpers for safetensors. node:fs is imported lazily so this module can sit in
// a browser bundle's graph without breaking it (only calling these needs Node).
import type { Tensor } from '../tensor.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';

async function fs(): Promise<typeof import('node:fs/promises')> {
  return import('node:fs/promises');
}

export async function saveSafetensors(path: string, dict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const bytes = await toSafetensors(dict, metadata);
  await (await fs()).writeFile(path, bytes);
}

export async function loadSafetensors(path: string): Promise<Record<string, Tensor>> {
  const buf = await (await fs()).readFile(path);
  return fromSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}
