// ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau): multiplies every group's
// learning rate by `factor` when a metric has not improved for more than `patience` steps.
// Not an LRScheduler: the rate depends on the metric's history, not on a step count, so there
// is no closed form to ask for step k.
import type { Optimizer } from './optimizer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any>;

export interface ReduceLROnPlateauOptions {
  /** 'min': lower is better (a loss), 'max': higher is better (an accuracy); default 'min' */
  mode?: 'min' | 'max';
  /** the multiplier on a plateau, < 1 (default 0.1) */
  factor?: number;
  /** steps without improvement tolerated before the rate drops (default 10) */
  patience?: number;
  /** the least change that counts as an improvement (default 1e-4) */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold (default 'rel') */
  thresholdMode?: 'rel' | 'abs';
  /** steps after a drop during which bad steps are not counted (default 0) */
  cooldown?: number;
  /** the lowest rate, one for all groups or one per group (default 0) */
  minLr?: number | readonly number[];
  /** a drop smaller than eps is not applied (default 1e-8) */
  eps?: number;
}

export interface ReduceLROnPlateauState {
  best: number;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
}

export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** the best metric so far (±Infinity before the first step) */
  best: number;
  /** consecutive steps without improvement */
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(readonly optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    this.mode = opts.mode ?? 'min';
    this.factor = opts.factor ?? 0.1;
    this.patience = opts.patience ?? 10;
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    const groups = optimizer.paramGroups.length;
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`webgrad: ReduceLROnPlateau: mode must be 'min' or 'max', got '${this.mode as string}'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs')
      throw new Error(`webgrad: ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${this.thresholdMode as string}'`);
    if (!(this.factor < 1 && this.factor >= 0)) throw new Error(`webgrad: ReduceLROnPlateau: factor must be in [0, 1), got ${this.factor}`);
    for (const [k, v] of [['patience', this.patience], ['cooldown', this.cooldown]] as const)
      if (!Number.isInteger(v) || v < 0) throw new Error(`webgrad: ReduceLROnPlateau: ${k} must be a non-negative integer, got ${v}`);
    const minLr = opts.minLr ?? 0;
    if (typeof minLr !== 'number' && minLr.length !== groups)
      throw new Error(`webgrad: ReduceLROnPlateau: minLr has ${minLr.length} entries for ${groups} parameter groups`);
    this.minLrs = typeof minLr === 'number' ? Array(groups).fill(minLr) : [...minLr];
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Records this step's metric (call after each validation) and lowers the rates on a plateau. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw new Error(`webgrad: ReduceLROnPlateau.step: metric must be a number (await loss.item() first), got ${typeof metric}`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++; // NaN is never better, as in PyTorch
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduce();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + threshold) : a > best + threshold;
  }

  private reduce(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr as number;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  stateDict(): ReduceLROnPlateauState {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  loadStateDict(state: ReduceLROnPlateauState): void {
    ({ best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch } = state);
  }
}
