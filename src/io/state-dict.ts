// A model's state dict as a safetensors file PyTorch loads strictly, and back. webgrad's int32
// is PyTorch's long (torch.int64) in a module's state: num_batches_tracked and index buffers are
// int64 there, so saveStateDict writes every int32 tensor as I64 and floats as F32. Reading
// converts I64 (exact where it fits in int32), F16, BF16 and F64 (see ./dtypes.ts).
import type { LoadStateDictOptions, LoadStateDictResult, Module } from '../nn/module.js';
import type { FileDType } from './dtypes.js';
import { readSafetensors, toSafetensors } from './safetensors.js';

/** The model's parameters and buffers as safetensors bytes, int32 stored as I64 as PyTorch's. */
export async function saveStateDict(model: Module, metadata?: Record<string, string>): Promise<Uint8Array> {
  const dict = model.stateDict();
  const dtypes: Record<string, FileDType> = {};
  for (const [name, t] of Object.entries(dict)) if (t.dtype === 'int32') dtypes[name] = 'I64';
  return toSafetensors(dict, metadata, { dtypes });
}

/**
 * Loads safetensors bytes (webgrad's or PyTorch's `save_file(model.state_dict(), ...)`) into
 * the model: strict by default; the model is unchanged if it throws. The file's tensors are
 * freed afterwards (loadStateDict copies them).
 */
export function loadStateDict(model: Module, bytes: Uint8Array, opts?: LoadStateDictOptions): LoadStateDictResult {
  const { tensors } = readSafetensors(bytes);
  try {
    return model.loadStateDict(tensors, opts);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
