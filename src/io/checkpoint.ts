// Optimizer checkpoints as safetensors: each state tensor under `state.<paramIndex>.<name>`
// (e.g. `state.0.expAvg`, indices as in optimizer.stateDict()), and in __metadata__:
// `format` = 'webgrad.optimizer.v1', `param_groups` (JSON of stateDict().paramGroups) and
// `steps` (JSON { paramIndex: stepCount }).
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import { readSafetensors, toSafetensors } from './safetensors.js';

export const OPTIMIZER_FORMAT = 'webgrad.optimizer.v1';

/** The flat tensor dict and metadata for an optimizer state dict. */
export function flattenOptimizerState(sd: OptimizerStateDict): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const tensors: Record<string, Tensor> = {};
  const steps: Record<string, number> = {};
  for (const [index, st] of Object.entries(sd.state)) {
    steps[index] = st.step;
    for (const [name, t] of Object.entries(st.tensors)) tensors[`state.${index}.${name}`] = t;
  }
  return { tensors, metadata: { format: OPTIMIZER_FORMAT, param_groups: JSON.stringify(sd.paramGroups), steps: JSON.stringify(steps) } };
}

/** The inverse of flattenOptimizerState; throws on anything that is not such a checkpoint. */
export function unflattenOptimizerState(tensors: Record<string, Tensor>, metadata: Record<string, string>): OptimizerStateDict {
  if (metadata.format !== OPTIMIZER_FORMAT)
    throw new Error(`webgrad: optimizer checkpoint: metadata format is '${metadata.format ?? '(none)'}', expected '${OPTIMIZER_FORMAT}'`);
  let paramGroups: Record<string, unknown>[];
  let steps: Record<string, number>;
  try {
    paramGroups = JSON.parse(metadata.param_groups);
    steps = JSON.parse(metadata.steps);
  } catch (e) {
    throw new Error(`webgrad: optimizer checkpoint: bad param_groups/steps metadata: ${(e as Error).message}`);
  }
  const state: OptimizerStateDict['state'] = {};
  for (const [key, t] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.([A-Za-z0-9_]+)$/.exec(key);
    if (!m) throw new Error(`webgrad: optimizer checkpoint: unexpected tensor '${key}' (expected state.<index>.<name>)`);
    const index = Number(m[1]);
    state[index] ??= { step: steps[m[1]] ?? 0, tensors: {} };
    state[index].tensors[m[2]] = t;
  }
  return { state, paramGroups };
}

export async function saveOptimizerState(optimizer: Optimizer<object>): Promise<Uint8Array> {
  const { tensors, metadata } = flattenOptimizerState(optimizer.stateDict());
  return toSafetensors(tensors, metadata);
}

/** Loads a checkpoint made by saveOptimizerState; the optimizer is unchanged if it throws. */
export function loadOptimizerState(optimizer: Optimizer<object>, bytes: Uint8Array): void {
  const { tensors, metadata } = readSafetensors(bytes);
  try {
    optimizer.loadStateDict(unflattenOptimizerState(tensors, metadata));
  } finally {
    // loadStateDict copies what it keeps
    for (const t of Object.values(tensors)) t.dispose();
  }
}
