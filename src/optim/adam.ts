// torch.optim.Adam and AdamW: bias-corrected moments, optional AMSGrad; Adam adds weight
// decay to the gradient (L2), AdamW decays the weights directly (p ← p − lr·wd·p).
import type { OptimizerStepArgs } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { type GroupOptions, Optimizer, type ParamGroup, type ParamsArg, NO_ARGS, withDefaults } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer<AdamOptions> {
  /** AdamW overrides this: the only difference between the two */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: ParamsArg<AdamOptions> | Iterable<Tensor>, opts: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, withDefaults({ lr: 1e-3, weightDecay: defaultWeightDecay, betas: [0.9, 0.999] as [number, number], eps: 1e-8, amsgrad: false }, opts));
  }

  protected override validate(g: ParamGroup<AdamOptions>): void {
    super.validate(g);
    const [b1, b2] = g.betas;
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new Error(`webgrad: ${this.constructor.name}: invalid betas [${g.betas}] (each in [0, 1))`);
    if (!(g.eps >= 0)) throw new Error(`webgrad: ${this.constructor.name}: invalid eps ${g.eps}`);
  }

  protected stateSlots(g: ParamGroup<AdamOptions>): (string | null)[] {
    return ['expAvg', 'expAvgSq', g.amsgrad ? 'maxExpAvgSq' : null];
  }

  protected stepArgs(g: ParamGroup<AdamOptions>, step: number): OptimizerStepArgs {
    const [beta1, beta2] = g.betas;
    return {
      ...NO_ARGS, rule: 'adam', lr: g.lr, weightDecay: g.weightDecay, decoupledWeightDecay: this.decoupledWeightDecay,
      beta1, beta2, eps: g.eps, amsgrad: g.amsgrad,
      biasCorrection1: 1 - beta1 ** step, biasCorrection2: 1 - beta2 ** step,
    };
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter); weightDecay defaults to 0.01 as PyTorch. */
export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay: boolean = true;

  constructor(params: ParamsArg<AdamOptions> | Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, opts, 0.01);
  }
}
