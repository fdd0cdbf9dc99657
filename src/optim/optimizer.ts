// The Optimizer base: parameter groups, per-parameter state tensors, zeroGrad, and a
// PyTorch-shaped stateDict. Subclasses only say which state a parameter needs and which
// hyper-parameters its step uses; the update itself is one fused backend kernel
// (`optimizerStep`) per parameter group, run in place over flat arenas (flat-arena.ts) that
// hold the group's parameters, gradients and state, with no readback.
import type { OptimizerStepArgs } from '../backend/types.js';
import { getBackend } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { FlatArena } from './flat-arena.js';

/** Hyper-parameters shared by every optimizer; subclasses extend it. */
export interface GroupOptions {
  lr?: number;
  weightDecay?: number;
}

/** `{ params, ...options }`: options override the optimizer's defaults for these tensors. */
export type ParamGroupSpec<O> = { params: Iterable<Tensor> } & Partial<O>;

export type ParamsArg<O> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** A group as the optimizer holds it: every option resolved, `lr` mutable (schedulers set it). */
export type ParamGroup<O> = Required<O> & {
  params: Tensor[];
  /** the lr a scheduler started from (set by the first scheduler attached, as PyTorch's initial_lr) */
  initialLr?: number;
};

/** Per-parameter state: the step count and the named state tensors (e.g. expAvg). */
export interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

/**
 * PyTorch's layout: `state` keyed by the parameter's index across all groups (in order),
 * `paramGroups` with `params` replaced by those indices. The tensors are the live state.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Record<string, unknown>[];
}

/** defaults overridden by the options that are set (an explicit `undefined` keeps the default, as an omitted keyword argument) */
export function withDefaults<T extends object>(defaults: T, opts: object): T {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) out[k] = v;
  return out as T;
}

function isGroupSpec<O>(v: unknown): v is ParamGroupSpec<O> {
  return typeof v === 'object' && v !== null && 'params' in v && !('shape' in v);
}

export abstract class Optimizer<O extends GroupOptions = GroupOptions> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /**
   * While set (GradScaler.step), a float32 scalar tensor read on the device: nonzero makes
   * step()'s kernels leave params and state untouched. Step counts still advance on the host.
   */
  skipIf: Tensor | null = null;
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsArg<O>, readonly defaults: Required<O>) {
    const items = [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (items.length === 0) throw new Error(`webgrad: ${this.constructor.name}: got an empty parameter list`);
    const specs: ParamGroupSpec<O>[] = items.every(isGroupSpec) ? (items as ParamGroupSpec<O>[])
      : [{ params: items as Tensor[] } as unknown as ParamGroupSpec<O>];
    const seen = new Set<Tensor>();
    for (const spec of specs) {
      const { params: groupParams, ...overrides } = spec;
      const list = [...groupParams];
      for (const p of list) {
        if (!p.requiresGrad) throw new Error(`webgrad: ${this.constructor.name}: ${p} does not require grad; only trainable tensors can be optimized`);
        if (p.dtype !== 'float32') throw new Error(`webgrad: ${this.constructor.name}: ${p} is not float32`);
        if (seen.has(p)) throw new Error(`webgrad: ${this.constructor.name}: a parameter appears in more than one group`);
        seen.add(p);
      }
      this.paramGroups.push({ ...withDefaults(defaults, overrides), params: list } as ParamGroup<O>);
    }
    for (const g of this.paramGroups) this.validate(g);
  }

  /** Throws on out-of-range hyper-parameters (as PyTorch's constructors). */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr! >= 0)) throw new Error(`webgrad: ${this.constructor.name}: invalid learning rate ${group.lr}`);
    if (!(group.weightDecay! >= 0)) throw new Error(`webgrad: ${this.constructor.name}: invalid weightDecay ${group.weightDecay}`);
  }

  /**
   * The names of the state tensors in the kernel's slot order (see OptimizerStepArgs), null
   * where an option of `group` is off. Named state is allocated as zeros on a parameter's first step.
   */
  protected abstract stateSlots(group: ParamGroup<O>): (string | null)[];

  /**
   * The fused kernel's arguments for one parameter of `group` at its step count `step`
   * (1-based); `created` names the state tensors allocated for this step (SGD starts its
   * momentum buffer from the gradient then, as PyTorch does when the buffer is None).
   */
  protected abstract stepArgs(group: ParamGroup<O>, step: number, created: ReadonlySet<string>): OptimizerStepArgs;

  private stateNames(group: ParamGroup<O>): string[] {
    return this.stateSlots(group).filter((n): n is string => n !== null);
  }

  /**
   * Updates every parameter that has a gradient; parameters without one are skipped. A group
   * whose parameters all have gradients and share a step count is one kernel dispatch over
   * its flat arenas (after one buffer copy per gradient into the gradient arena); otherwise
   * each parameter with a gradient is updated by a dispatch over its own slot.
   */
  step(): void {
    const be = getBackend();
    for (const group of this.paramGroups) {
      const params = group.params;
      if (!params.some((p) => p.grad)) continue;
      for (const p of params) {
        p.assertUsable('optimizer.step', be);
        p.grad?.assertUsable('optimizer.step', be);
      }
      const arenas = this.arenasOf(group);
      const names = this.stateSlots(group);
      const stepped: { index: number; step: number; created: Set<string> }[] = [];
      params.forEach((p, i) => {
        // a parameter whose storage was replaced (a model's loadStateDict assigns new storage)
        // moves back into its slot: the arena is what the kernel updates
        if (!arenas.params.holds(i, p)) {
          arenas.params.fill(i, p);
          p.adoptStorage(arenas.params.slots[i]);
          be.capture?.markUnsteady('a parameter moved into its optimizer slot (a first step)');
        }
        if (!p.grad) return;
        arenas.grads.fill(i, p.grad);
        const { state: st, created } = this.stateOf(p, i, group);
        st.step++;
        stepped.push({ index: i, step: st.step, created });
      });
      if (be.capture?.capturing) this.guardStructure(group);
      const first = stepped[0];
      const uniform = stepped.length === params.length
        && stepped.every((s) => s.step === first.step && sameSet(s.created, first.created));
      if (stepped.some((s) => s.created.size > 0)) be.capture?.markUnsteady('optimizer state was created (a first step)');
      // a compiled step's replay calls `next` instead of step(): the same step-count update and hyper-parameters
      const next = (indices: number[]) => () => {
        const states = indices.map((i) => this.state.get(params[i])!);
        for (const st of states) st.step++;
        return { ...this.stepArgs(group, states[0].step, NO_STATE), skipIf: this.skipIf?.storage };
      };
      if (uniform) {
        const state = names.map((name) => (name ? this.stateArena(group, name).base.storage : null));
        be.optimizerStep({ ...this.stepArgs(group, first.step, first.created), skipIf: this.skipIf?.storage }, arenas.params.base.storage, arenas.grads.base.storage, state,
          next(stepped.map((s) => s.index)));
      } else {
        for (const { index, step, created } of stepped) {
          const state = names.map((name) => (name ? this.stateArena(group, name).padded[index] : null));
          be.optimizerStep({ ...this.stepArgs(group, step, created), skipIf: this.skipIf?.storage }, arenas.params.padded[index], arenas.grads.padded[index], state, next([index]));
        }
      }
      // the kernel wrote the parameters in place: a graph that saved them can no longer backpropagate
      for (const { index } of stepped) params[index].markModified();
    }
  }

  /**
   * While a compiled step is captured: what decides the group's kernel and state slots (an
   * option switched on or off) must hold at each replay, checked before any refresh has counted
   * a step; otherwise the step records again.
   */
  protected guardStructure(group: ParamGroup<O>): void {
    const recorded = this.structureKey(group);
    getBackend().capture!.guard(() => this.structureKey(group) === recorded);
  }

  /** the options that decide the group's kernel and state slots, as a string */
  protected structureKey(group: ParamGroup<O>): string {
    const a = this.stepArgs(group, 1, NO_STATE);
    return `${this.stateSlots(group).join()}|${a.rule}|${a.nesterov}|${a.centered}|${a.amsgrad}|${a.decoupledWeightDecay}|${!!this.skipIf}`;
  }

  private readonly arenas = new Map<ParamGroup<O>, { params: FlatArena; grads: FlatArena; state: Map<string, FlatArena> }>();

  /** the group's parameter and gradient arenas, made on its first step */
  private arenasOf(group: ParamGroup<O>): { params: FlatArena; grads: FlatArena; state: Map<string, FlatArena> } {
    let a = this.arenas.get(group);
    if (!a) {
      const shapes = group.params.map((p) => p.shape);
      a = { params: new FlatArena(shapes), grads: new FlatArena(shapes), state: new Map() };
      this.arenas.set(group, a);
    }
    return a;
  }

  /** the arena of one named state (e.g. expAvg) of a group, zeros when made */
  private stateArena(group: ParamGroup<O>, name: string): FlatArena {
    const a = this.arenasOf(group);
    let arena = a.state.get(name);
    if (!arena) {
      arena = new FlatArena(group.params.map((p) => p.shape));
      a.state.set(name, arena);
    }
    return arena;
  }

  /**
   * The state of parameter `index` of `group`; state tensors are slots of the group's state
   * arenas, zeroed when (re)created. `created` names those made for this step.
   */
  private stateOf(p: Tensor, index: number, group: ParamGroup<O>): { state: ParamState; created: Set<string> } {
    let st = this.state.get(p);
    if (!st) {
      st = { step: 0, tensors: {} };
      this.state.set(p, st);
    }
    // also fills slots an option switched on later (e.g. amsgrad after loadStateDict)
    const created = new Set<string>();
    for (const name of this.stateNames(group)) {
      if (st.tensors[name]) continue;
      const arena = this.stateArena(group, name);
      // a slot used before holds a dropped state's values (arenas start as zeros)
      if (arena.claim(index)) getBackend().fill(arena.slots[index].storage, 0);
      st.tensors[name] = arena.slots[index];
      created.add(name);
    }
    return { state: st, created };
  }

  /** Drops every parameter's gradient (as PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /** Every parameter across groups, in the order stateDict indices use. */
  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  stateDict(): OptimizerStateDict {
    const params = this.allParams();
    const state: Record<number, ParamState> = {};
    params.forEach((p, i) => {
      const st = this.state.get(p);
      if (st) state[i] = { step: st.step, tensors: { ...st.tensors } };
    });
    let index = 0;
    const paramGroups = this.paramGroups.map(({ params: groupParams, ...options }) => ({
      ...options,
      params: groupParams.map(() => index++),
    }));
    return { state, paramGroups };
  }

  /**
   * Restores hyper-parameters and state (copies of the given tensors). Everything is checked
   * before anything changes, so a mismatched dict leaves the optimizer as it was.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const params = this.allParams();
    if (dict.paramGroups.length !== this.paramGroups.length)
      throw new Error(`webgrad: optimizer.loadStateDict: ${dict.paramGroups.length} parameter groups given, the optimizer has ${this.paramGroups.length}`);
    dict.paramGroups.forEach((g, i) => {
      const n = Array.isArray(g.params) ? g.params.length : -1;
      if (n !== this.paramGroups[i].params.length)
        throw new Error(`webgrad: optimizer.loadStateDict: group ${i} has ${n} parameters in the dict, ${this.paramGroups[i].params.length} in the optimizer`);
    });
    for (const [key, st] of Object.entries(dict.state)) {
      const p = params[Number(key)];
      if (!p) throw new Error(`webgrad: optimizer.loadStateDict: state for parameter ${key}, but the optimizer has ${params.length}`);
      const group = this.paramGroups.find((g) => g.params.includes(p))!;
      for (const name of this.stateNames({ ...group, ...dict.paramGroups[this.paramGroups.indexOf(group)] } as ParamGroup<O>)) {
        const t = st.tensors[name];
        if (!t) throw new Error(`webgrad: optimizer.loadStateDict: state.${key}.${name} is missing`);
        if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))
          throw new Error(`webgrad: optimizer.loadStateDict: state.${key}.${name} has shape [${t.shape}], the parameter [${p.shape}]`);
      }
    }
    // checked: now apply
    dict.paramGroups.forEach(({ params: _indices, ...options }, i) => Object.assign(this.paramGroups[i], options));
    this.state.clear(); // the state tensors are arena slots: overwritten below or re-zeroed when next used
    for (const [key, st] of Object.entries(dict.state)) {
      const p = params[Number(key)];
      const group = this.paramGroups.find((g) => g.params.includes(p))!;
      const index = group.params.indexOf(p);
      const tensors: Record<string, Tensor> = {};
      // copied into the arena: the kernel updates state in place and must not write into the caller's tensors
      for (const [name, t] of Object.entries(st.tensors)) {
        const arena = this.stateArena(group, name);
        arena.fill(index, t);
        arena.claim(index);
        tensors[name] = arena.slots[index];
      }
      this.state.set(p, { step: st.step, tensors });
    }
  }

  /** Frees the state and the arenas (parameters that live in the arena keep their memory). */
  dispose(): void {
    for (const a of this.arenas.values()) {
      a.params.dispose();
      a.grads.dispose();
      for (const s of a.state.values()) s.dispose();
    }
    this.arenas.clear();
    this.state.clear();
  }
}

/** Neutral values for the kernel fields a rule does not read. */
export const NO_ARGS: Omit<OptimizerStepArgs, 'rule'> = {
  lr: 0, weightDecay: 0, decoupledWeightDecay: false, momentum: 0, dampening: 0, nesterov: false, firstStep: false,
  alpha: 0, eps: 0, centered: false, beta1: 0, beta2: 0, amsgrad: false, biasCorrection1: 1, biasCorrection2: 1,
};

const NO_STATE: ReadonlySet<string> = new Set();

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
