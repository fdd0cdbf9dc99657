// Node.js file helpers for safetensors and optimizer checkpoints. node:fs is imported lazily
// so this module can sit in a browser bundle's graph without breaking it (only calling these
// needs Node). Every save is atomic (./atomic-write.ts): a crash mid-save keeps the old file.
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import { loadOptimizerState, saveOptimizerState } from './checkpoint.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';

async function readBytes(path: string): Promise<Uint8Array> {
  const buf = await (await import('node:fs/promises')).readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await (await import('./atomic-write.js')).writeFileAtomic(path, bytes);
}

/** Saves tensors as a safetensors file; the old file stays whole until the new one is complete. */
export async function saveSafetensors(path: string, dict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  await writeAtomic(path, await toSafetensors(dict, metadata));
}

export async function loadSafetensors(path: string): Promise<Record<string, Tensor>> {
  const bytes = await readBytes(path);
  try {
    return fromSafetensors(bytes);
  } catch (e) {
    throw new Error(`${(e as Error).message} (file ${path})`);
  }
}

/** Saves an optimizer's state (saveOptimizerState's bytes) atomically. */
export async function saveOptimizerCheckpoint(path: string, optimizer: Optimizer<object>): Promise<void> {
  await writeAtomic(path, await saveOptimizerState(optimizer));
}

/** Loads a file written by saveOptimizerCheckpoint; the optimizer is unchanged if it throws. */
export async function loadOptimizerCheckpoint(path: string, optimizer: Optimizer<object>): Promise<void> {
  const bytes = await readBytes(path);
  try {
    loadOptimizerState(optimizer, bytes);
  } catch (e) {
    throw new Error(`${(e as Error).message} (file ${path})`);
  }
}
