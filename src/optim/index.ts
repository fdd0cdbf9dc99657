// wg.optim: optimizers (fused update kernels), learning-rate schedules, gradient clipping.
export { Optimizer, type GroupOptions, type ParamGroup, type ParamGroupSpec, type ParamsArg, type ParamState, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup, OneCycleLR, type OneCycleOptions,
} from './lr-scheduler.js';
export { clipGradNorm } from './clip.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauState } from './plateau.js';
export { Muon, type MuonOptions, zeropowerNewtonSchulz, NS_COEFFICIENTS } from './muon.js';
