// WebGPU launcher for the fused optimizer step (shaders/optimizer.wgsl): one dispatch updates
// a parameter storage (a whole flat arena, see src/optim/flat-arena.ts) and its state in place.
import type { OptimizerRule, OptimizerStepArgs, Storage } from '../types.js';
import { type GpuStorage, type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

const WG = 256;
/** elements (of four floats, when VEC4) per thread: the shader's ELEMS; 16 measured best on SwiftShader */
const ELEMS = 16;
/** how many state slots each entry point binds (see the KernelSignatures docs) */
const SLOTS: Record<OptimizerRule, number> = { sgd: 1, rmsprop: 3, adam: 3 };

/** the shader's OPTIONS override (a pipeline per combination in use) */
function options(a: OptimizerStepArgs, momentumSlot: Storage | null | undefined): number {
  return (a.nesterov ? 2 : 0) | (momentumSlot ? 4 : 0) | (a.centered ? 8 : 0) | (a.amsgrad ? 16 : 0) | (a.decoupledWeightDecay ? 32 : 0);
}

/**
 * `refresh`: the next call's arguments in a replay of a compiled step (learning rate and
 * momentum from a scheduler, the step count); null or other options mean record again.
 */
export function optimizerStep(
  dev: WebGPUDevice, args: OptimizerStepArgs, param: Storage, grad: Storage, state: readonly (Storage | null)[],
  refresh?: () => OptimizerStepArgs | null,
): void {
  const p = gpuStorage(param);
  const g = gpuStorage(grad);
  if (p.size === 0) return;
  // with a skip flag every rule binds all three slots, so the flag sits at one binding (6) for all
  const slots = args.skipIf ? 3 : SLOTS[args.rule];
  // the bind group needs a buffer in every slot the entry point declares; slots for options
  // that are off get distinct one-element dummies (writable bindings must not alias)
  const dummies: GpuStorage[] = [];
  const bound = Array.from({ length: slots }, (_, k) => {
    const s = state[k];
    if (s) return gpuStorage(s);
    const d = gpuStorage(dev.alloc(4, 'float32')); // one V, even as vec4
    dummies.push(d);
    return d;
  });
  const momentumSlot = args.rule === 'sgd' ? state[0] : args.rule === 'rmsprop' ? state[1] : null;
  // four elements per load when the size allows (arenas pad every slot, so it always does there)
  const vec4 = p.size % 4 === 0;
  const n = vec4 ? p.size / 4 : p.size;
  const opts = options(args, momentumSlot);
  const uniforms = (a: OptimizerStepArgs): Uniforms => new Uniforms().u32(n, a.firstStep ? 1 : 0)
    .f32(a.lr, a.weightDecay, a.momentum, a.dampening, a.alpha, a.eps, a.beta1, a.beta2)
    .f32(a.lr / a.biasCorrection1, Math.sqrt(a.biasCorrection2));
  dev.dispatch({
    shader: 'optimizer', entry: `${args.rule}_step`, label: `optimizer.${args.rule}`,
    defines: { VEC4: vec4, SKIP: !!args.skipIf },
    constants: { WG, ELEMS, OPTIONS: opts },
    uniforms: uniforms(args),
    refresh: refresh && (() => {
      const next = refresh();
      return next && next.rule === args.rule && options(next, momentumSlot) === opts && !!next.skipIf === !!args.skipIf ? uniforms(next) : null;
    }),
    inputs: [g], outputs: [p, ...bound, ...(args.skipIf ? [gpuStorage(args.skipIf)] : [])], workgroups: Math.ceil(n / (WG * ELEMS)),
  } satisfies KernelSpec);
  for (const d of dummies) dev.free(d);
}
