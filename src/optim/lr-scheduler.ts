// Learning-rate schedules (torch.optim.lr_scheduler). Each schedule is a closed-form function
// of the step count `lastEpoch` and the groups' base rates, so values never drift from
// PyTorch's formulas through repeated multiplication, and a wrapper (LinearWarmup) can ask
// an inner schedule for any step.
import type { Optimizer } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any>;

export abstract class LRScheduler {
  /** steps taken (PyTorch's last_epoch): 0 after construction */
  lastEpoch = 0;
  /** each group's starting learning rate (PyTorch's initial_lr / base_lrs) */
  readonly baseLrs: number[];
  private lastLr: number[] = [];

  constructor(readonly optimizer: AnyOptimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => (g.initialLr ??= g.lr as number));
  }

  /** The learning rate of each group after `epoch` steps. */
  abstract lrAt(epoch: number): number[];

  /** Sets the step-0 rates; subclasses call it at the end of their constructor (as PyTorch's initial step). */
  protected start(): void {
    this.apply(this.lrAt(0));
  }

  /** Advances one step (call after optimizer.step()). */
  step(): void {
    this.lastEpoch++;
    this.apply(this.lrAt(this.lastEpoch));
  }

  protected apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = lrs;
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(dict: { lastEpoch: number }): void {
    this.lastEpoch = dict.lastEpoch;
    this.apply(this.lrAt(this.lastEpoch));
  }
}

/** lr = base · γ^⌊epoch / stepSize⌋ */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    this.start();
  }
  lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/** lr = base · γ^(number of milestones ≤ epoch) */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  constructor(optimizer: AnyOptimizer, milestones: readonly number[], readonly gamma = 0.1) {
    super(optimizer);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.start();
  }
  lrAt(epoch: number): number[] {
    const passed = this.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/** lr = base · γ^epoch */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly gamma: number) {
    super(optimizer);
    this.start();
  }
  lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** epoch);
  }
}

/** lr = ηmin + (base − ηmin)·(1 + cos(π·epoch/Tmax))/2 (the closed form; SGDR without restarts) */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    this.start();
  }
  lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
}

/**
 * Linear warm-up from base·startFactor to base over `warmupSteps`, then `after` (if given)
 * runs from its own step 0, as PyTorch's SequentialLR([LinearLR(startFactor, 1, warmupSteps), after], [warmupSteps]).
 * Step only the wrapper: it asks `after` for its closed-form rate and never steps it.
 */
export class LinearWarmup extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly warmupSteps: number, readonly opts: { startFactor?: number; after?: LRScheduler } = {}) {
    super(optimizer);
    if (!(warmupSteps > 0)) throw new Error(`webgrad: LinearWarmup: warmupSteps must be > 0, got ${warmupSteps}`);
    this.start();
  }
  lrAt(epoch: number): number[] {
    const { startFactor = 1 / 3, after } = this.opts;
    if (epoch >= this.warmupSteps && after) return after.lrAt(epoch - this.warmupSteps);
    const factor = startFactor + ((1 - startFactor) * Math.min(epoch, this.warmupSteps)) / this.warmupSteps;
    return this.baseLrs.map((b) => b * factor);
  }
}

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  /** also cycle momentum (SGD's momentum or Adam's β1) inversely, as PyTorch does by default */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

interface Phase {
  endStep: number;
  /** which end of the [initial, max, min] rates (and [max, base] momenta) each phase goes between */
  from: 'initial' | 'max' | 'min';
  to: 'initial' | 'max' | 'min';
}

/** Smith's 1cycle policy with PyTorch's OneCycleLR phases and annealing. */
export class OneCycleLR extends LRScheduler {
  private readonly phases: Phase[];
  private readonly rates: { initial: number; max: number; min: number }[];
  private readonly opts: Required<OneCycleOptions>;

  constructor(optimizer: AnyOptimizer, opts: OneCycleOptions) {
    super(optimizer);
    this.opts = {
      pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4, threePhase: false,
      cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, ...opts,
    };
    const { totalSteps: total, pctStart } = this.opts;
    if (!(total > 0)) throw new Error(`webgrad: OneCycleLR: totalSteps must be > 0, got ${total}`);
    this.phases = this.opts.threePhase
      ? [
        { endStep: pctStart * total - 1, from: 'initial', to: 'max' },
        { endStep: 2 * pctStart * total - 2, from: 'max', to: 'initial' },
        { endStep: total - 1, from: 'initial', to: 'min' },
      ]
      : [
        { endStep: pctStart * total - 1, from: 'initial', to: 'max' },
        { endStep: total - 1, from: 'max', to: 'min' },
      ];
    const maxLrs = optimizer.paramGroups.map((_, i) => (Array.isArray(opts.maxLr) ? opts.maxLr[i] : opts.maxLr));
    this.rates = maxLrs.map((max) => {
      const initial = max / this.opts.divFactor;
      return { initial, max, min: initial / this.opts.finalDivFactor };
    });
    // PyTorch overwrites initial_lr with maxLr/divFactor: the cycle defines its own base
    optimizer.paramGroups.forEach((g, i) => (g.initialLr = this.rates[i].initial));
    this.start();
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.opts.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  /** the phase holding `epoch` and how far through it we are */
  private locate(epoch: number): { phase: Phase; pct: number } {
    if (epoch > this.opts.totalSteps)
      throw new Error(`webgrad: OneCycleLR: stepped ${epoch} times, more than totalSteps = ${this.opts.totalSteps}`);
    let startStep = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (epoch <= phase.endStep || i === this.phases.length - 1) return { phase, pct: (epoch - startStep) / (phase.endStep - startStep) };
      startStep = phase.endStep;
    }
    throw new Error('unreachable');
  }

  lrAt(epoch: number): number[] {
    const { phase, pct } = this.locate(epoch);
    return this.rates.map((r) => this.anneal(r[phase.from], r[phase.to], pct));
  }

  /** momentum runs opposite to the rate: max momentum at the initial/min rate, base momentum at the peak */
  momentumAt(epoch: number): number {
    const { phase, pct } = this.locate(epoch);
    const m = (end: Phase['from']): number => (end === 'max' ? this.opts.baseMomentum : this.opts.maxMomentum);
    return this.anneal(m(phase.from), m(phase.to), pct);
  }

  protected override apply(lrs: number[]): void {
    super.apply(lrs);
    if (!this.opts?.cycleMomentum) return;
    const momentum = this.momentumAt(this.lastEpoch);
    for (const g of this.optimizer.paramGroups) {
      const group = g as { betas?: [number, number]; momentum?: number };
      if (group.betas) group.betas = [momentum, group.betas[1]];
      else if ('momentum' in group) group.momentum = momentum;
    }
  }
}
