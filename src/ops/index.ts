// The op registry: every op's rule, one mapped type over the op-name union. Adding a name to
// OpParams without a rule here (or a rule without backward / kernel) fails to compile.
import { batchNormRules } from './batchnorm.js';
import { convRules } from './conv.js';
import { dropoutRules } from './dropout.js';
import { elementwiseRules } from './elementwise.js';
import { gatherRules } from './gather.js';
import { matmulRules } from './matmul.js';
import { movementRules } from './movement.js';
import { poolRules } from './pool.js';
import { reduceRules } from './reduce.js';
import type { OpName, OpRules } from './registry.js';
import { softmaxRules } from './softmax.js';

/** Every rule in one table: a name in OpParams without its rule here fails to compile. */
export const opRules: OpRules<OpName> = {
  ...elementwiseRules,
  ...movementRules,
  ...reduceRules,
  ...matmulRules,
  ...softmaxRules,
  ...gatherRules,
  ...convRules,
  ...poolRules,
  ...dropoutRules,
  ...batchNormRules,
};

export * from './autocast.js';
export * from './batchnorm.js';
export * from './conv.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './gather.js';
export * from './matmul.js';
export * from './movement.js';
export * from './pool.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './stack.js';
export type { OpName, OpParams, OpRule } from './registry.js';
