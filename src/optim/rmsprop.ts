// torch.optim.RMSprop: square average with smoothing alpha, optional centering and momentum.
import type { OptimizerStepArgs } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { type GroupOptions, Optimizer, type ParamGroup, type ParamsArg, NO_ARGS, withDefaults } from './optimizer.js';

export interface RMSpropOptions extends GroupOptions {
  alpha?: number;
  eps?: number;
  momentum?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions> | Iterable<Tensor>, opts: RMSpropOptions = {}) {
    super(params, withDefaults({ lr: 1e-2, weightDecay: 0, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false }, opts));
  }

  protected override validate(g: ParamGroup<RMSpropOptions>): void {
    super.validate(g);
    if (!(g.alpha >= 0)) throw new Error(`webgrad: RMSprop: invalid alpha ${g.alpha}`);
    if (!(g.eps >= 0)) throw new Error(`webgrad: RMSprop: invalid eps ${g.eps}`);
    if (!(g.momentum >= 0)) throw new Error(`webgrad: RMSprop: invalid momentum ${g.momentum}`);
  }

  protected stateSlots(g: ParamGroup<RMSpropOptions>): (string | null)[] {
    return ['squareAvg', g.momentum > 0 ? 'momentumBuffer' : null, g.centered ? 'gradAvg' : null];
  }

  protected stepArgs(g: ParamGroup<RMSpropOptions>): OptimizerStepArgs {
    return {
      ...NO_ARGS, rule: 'rmsprop', lr: g.lr, weightDecay: g.weightDecay,
      alpha: g.alpha, eps: g.eps, momentum: g.momentum, centered: g.centered,
    };
  }
}
