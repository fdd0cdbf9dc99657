// The op registry: every op's rule, one mapped type over the op-name union. Adding a name to
// OpParams without a rule here (or a rule without backward / kernel) fails to compile.
import { convRules } from './conv.js';
import { dropoutRules } from './dropout.js';
import { elementwiseRules } from './elementwise.js';
import { gatherRules } from './gather.js';
import { matmulRules } from './matmul.js';
import { movementRules } from './movement.js';
import { poolRules } from './pool.js';
import { reduceRules } from './reduce.js';
import { installRules, type OpName, type OpRules } from './registry.js';
import { softmaxRules } from './softmax.js';

/**
 * Built on first use, not at module load: the op modules import each other (backward
 * formulas use other ops), so a family's rules may not exist yet while this module loads.
 */
export function opRules(): OpRules<OpName> {
  return {
    ...elementwiseRules,
    ...movementRules,
    ...reduceRules,
    ...matmulRules,
    ...softmaxRules,
    ...gatherRules,
    ...convRules,
    ...poolRules,
    ...dropoutRules,
  };
}

installRules(opRules);

export * from './autocast.js';
export * from './conv.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './gather.js';
export * from './matmul.js';
export * from './movement.js';
export * from './pool.js';
export * from './reduce.js';
export * from './softmax.js';
export type { OpName, OpParams, OpRule } from './registry.js';
