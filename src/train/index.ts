// wg.train: the training loop and the evaluator.
export {
  emptyFitTimings, fit, evaluate, type FitTimings, type Batch, type Loader, type FitOptions, type FitResult, type StepInfo, type EpochInfo,
  type EvaluateOptions, type EvaluateResult,
} from './fit.js';
