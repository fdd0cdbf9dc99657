// GradScaler: PyTorch's torch.amp.GradScaler (dynamic loss scaling for float16 training) with
// every decision on the device. The scale, the growth tracker and the found-inf flag are
// float32 scalar tensors; unscale multiplies each gradient by 1/scale and folds "some element is
// inf or NaN" into the flag (Σ g·0 is NaN exactly then); step hands the flag to the optimizer,
// whose fused kernel returns without touching params or state when it is set; update backs the
// scale off or grows it with a few elementwise ops. A training step reads nothing back.
import { full } from '../ops/elementwise.js';
import { concat } from '../ops/movement.js';
import type { Optimizer } from '../optim/optimizer.js';
import { keep, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';

export interface GradScalerOptions {
  /** the first scale (PyTorch: 2^16) */
  initScale?: number;
  /** multiplies the scale after growthInterval steps in a row without inf / NaN (2) */
  growthFactor?: number;
  /** multiplies the scale after a step with inf / NaN gradients (0.5) */
  backoffFactor?: number;
  /** clean steps before the scale grows (2000) */
  growthInterval?: number;
  /** false: scale() returns its input, step() is optimizer.step(), update() does nothing */
  enabled?: boolean;
}

type Opt = Optimizer<never> | Optimizer;

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * 1 (float32, 0-d) when the scalar v is NaN, else 0. Not `v != v`: shader compilers may assume
 * no NaNs and fold that comparison (SwiftShader does). The reduction kernels test NaN on the
 * bits and let it win argmax, so argmax([v, 0.5]) is 0 exactly when v is NaN (v is 0 or NaN here).
 */
function nanFlag(v: Tensor): Tensor {
  return concat([v.reshape([1]), full([1], 0.5)], 0).argmax(0).cast('float32').neg().add(1);
}

export class GradScaler {
  readonly growthFactor: number;
  readonly backoffFactor: number;
  readonly growthInterval: number;
  readonly enabled: boolean;
  private scaleT: Tensor | null = null;
  private trackerT: Tensor | null = null;
  private readonly initScale: number;
  /** per optimizer, this iteration: its found-inf flag (0 / 1), set by unscale */
  private readonly found = new Map<Opt, Tensor>();

  constructor(opts: GradScalerOptions = {}) {
    this.initScale = opts.initScale ?? 2 ** 16;
    this.growthFactor = opts.growthFactor ?? 2;
    this.backoffFactor = opts.backoffFactor ?? 0.5;
    this.growthInterval = opts.growthInterval ?? 2000;
    this.enabled = opts.enabled ?? true;
    if (!(this.initScale > 0) || !Number.isFinite(this.initScale)) throw new Error(`webgrad: GradScaler: initScale must be a positive finite number, got ${this.initScale}`);
    if (!(this.growthFactor > 1)) throw new Error(`webgrad: GradScaler: growthFactor must be > 1, got ${this.growthFactor}`);
    if (!(this.backoffFactor > 0 && this.backoffFactor < 1)) throw new Error(`webgrad: GradScaler: backoffFactor must be in (0, 1), got ${this.backoffFactor}`);
    if (!Number.isInteger(this.growthInterval) || this.growthInterval < 1)
      throw new Error(`webgrad: GradScaler: growthInterval must be a positive integer, got ${this.growthInterval}`);
  }

  /** the scale tensor (float32, 0-d), made on first use on the active backend */
  private scaleTensor(): Tensor {
    if (!this.scaleT || this.scaleT.isDisposed) {
      this.scaleT = keep(full([], this.initScale));
      this.trackerT = keep(full([], 0));
    }
    return this.scaleT;
  }

  /** loss · scale (a float32 result for a float16 loss, as PyTorch's scale of a float32 scale tensor) */
  scale(loss: Tensor): Tensor {
    if (!this.enabled) return loss;
    const s = this.scaleTensor();
    return loss.dtype === 'float32' ? loss.mul(s) : loss.cast('float32').mul(s);
  }

  /**
   * Divides the optimizer's gradients by the scale, in place, and records on the device
   * whether any is inf or NaN (PyTorch's unscale_). Call it before clipping gradients; step()
   * calls it when it has not run this iteration.
   */
  unscale(optimizer: Opt): void {
    if (!this.enabled) return;
    if (this.found.has(optimizer)) throw new Error('webgrad: GradScaler.unscale() was already called for this optimizer since the last update()');
    const inv = this.scaleTensor();
    const flag = noGrad(() => tidy(() => {
      const r = inv.reciprocal();
      let bad: Tensor | null = null;
      for (const group of optimizer.paramGroups) {
        for (const p of group.params) {
          const g = p.grad;
          if (!g) continue;
          // Σ g·0 is 0 for finite gradients and NaN as soon as one element is inf or NaN
          const probe = g.mul(0).sum();
          bad = bad ? bad.add(probe) : probe;
          g.assign(g.mul(g.dtype === 'float32' ? r : r.cast(g.dtype)));
        }
      }
      return bad ? nanFlag(bad) : full([], 0);
    }));
    this.found.set(optimizer, keep(flag));
  }

  /** PyTorch's name */
  unscale_(optimizer: Opt): void {
    this.unscale(optimizer);
  }

  /**
   * optimizer.step(), unless this iteration's gradients held an inf or NaN: then the
   * optimizer's kernels leave every parameter and state untouched (decided on the device).
   * Host-side step counts still advance (Adam's bias correction counts a skipped step, unlike PyTorch).
   */
  step(optimizer: Opt): void {
    if (!this.enabled) return optimizer.step();
    if (!this.found.has(optimizer)) this.unscale(optimizer);
    optimizer.skipIf = this.found.get(optimizer)!;
    try {
      optimizer.step();
    } finally {
      optimizer.skipIf = null;
    }
  }

  /**
   * The end of an iteration: after an inf / NaN the scale is multiplied by backoffFactor and
   * the growth count resets; otherwise the count grows, and at growthInterval the scale is
   * multiplied by growthFactor (when the product stays finite) and the count resets. With
   * `newScale` the scale is set to it instead.
   */
  update(newScale?: number): void {
    if (!this.enabled) return;
    const scale = this.scaleTensor();
    const tracker = this.trackerT!;
    if (newScale !== undefined) {
      if (!(newScale > 0) || !Number.isFinite(newScale)) throw new Error(`webgrad: GradScaler.update: newScale must be positive and finite, got ${newScale}`);
      noGrad(() => scale.assign(full([], newScale)));
    } else {
      noGrad(() => tidy(() => {
        let found: Tensor = full([], 0);
        for (const f of this.found.values()) found = found.maximum(f);
        const clean = found.neg().add(1);
        const count = tracker.add(1).mul(clean);
        const grown = scale.mul(this.growthFactor);
        // grow at the interval, unless the grown scale would overflow (PyTorch keeps it then)
        const grow = count.greaterEqual(this.growthInterval).mul(grown.lessEqual(FLOAT32_MAX));
        const factor = found.mul(this.backoffFactor).add(clean.mul(grow.mul(this.growthFactor - 1).add(1)));
        scale.assign(scale.mul(factor));
        tracker.assign(count.mul(count.greaterEqual(this.growthInterval).neg().add(1)));
      }));
    }
    for (const f of this.found.values()) f.dispose();
    this.found.clear();
  }

  /** the current scale (a readback: for logging, not for the training loop) */
  async getScale(): Promise<number> {
    return this.enabled ? this.scaleTensor().item() : 1;
  }

  /** clean steps since the last back-off or growth (a readback) */
  async getGrowthTracker(): Promise<number> {
    this.scaleTensor();
    return this.enabled ? this.trackerT!.item() : 0;
  }

  /** releases the scaler's device tensors */
  dispose(): void {
    this.scaleT?.dispose();
    this.trackerT?.dispose();
    for (const f of this.found.values()) f.dispose();
    this.found.clear();
    this.scaleT = this.trackerT = null;
  }
}
