// torch.optim.SGD: momentum (buffer = gradient on the first step), dampening, Nesterov, L2 weight decay.
import type { OptimizerStepArgs } from '../backend/types.js';
import type { Tensor } from '../tensor.js';
import { type GroupOptions, Optimizer, type ParamGroup, type ParamsArg, NO_ARGS, withDefaults } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions> | Iterable<Tensor>, opts: SGDOptions = {}) {
    super(params, withDefaults({ lr: 1e-3, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false }, opts));
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    super.validate(g);
    if (!(g.momentum >= 0)) throw new Error(`webgrad: SGD: invalid momentum ${g.momentum}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new Error('webgrad: SGD: Nesterov momentum requires a momentum > 0 and zero dampening');
  }

  protected stateSlots(g: ParamGroup<SGDOptions>): (string | null)[] {
    return [g.momentum !== 0 ? 'momentumBuffer' : null];
  }

  protected stepArgs(g: ParamGroup<SGDOptions>, _step: number, created: ReadonlySet<string>): OptimizerStepArgs {
    return {
      ...NO_ARGS, rule: 'sgd', lr: g.lr, weightDecay: g.weightDecay,
      momentum: g.momentum, dampening: g.dampening, nesterov: g.nesterov, firstStep: created.has('momentumBuffer'),
    };
  }
}
