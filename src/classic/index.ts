// wg.classic: the course's pre-deep-learning pipeline — k-nearest neighbours, linear
// classifiers (SVM / softmax) and hand-made image features (colour histogram, HoG).
export { KNearestNeighbor, accuracyOf, labelTensor, type CrossValidateOptions, type CrossValidation, type KnnQueryOptions } from './knn.js';
export { l1Distances, l2Distances, majorityVote, pairwiseDistances, topkSmallest, type DistanceMetric } from './distance.js';
export {
  LinearClassifier, makeOptimizer,
  type Labels, type LinearClassifierOptions, type LinearFitOptions, type LinearLoss, type OptimizerName, type Rows,
  type SweepOptions, type SweepResult, type SweepTrial,
} from './linear.js';
export { colorHistogram, hog, imageFeatures, type ColorHistogramOptions, type HogOptions } from './features.js';
export { spiral, circles, toyData, boundsOf, gridPoints, type ToyData, type SpiralOptions, type CirclesOptions, type Bounds } from './toy-data.js';
export { decisionRegions, classifyGrid, convnetjsLambda, type DecisionRegionOptions, type DecisionRegions, type ClassGrid } from './decision-regions.js';
export { polar, featureTransform, type FeatureTransformOptions, type FeatureTransformResult, type SpaceResult } from './feature-transform.js';
export { lossAtOffsets, lossAlongLine, lossOnPlane, randomDirection, linspace, type LinearProblem } from './loss-surface.js';
export {
  optimizerRace, racePath, contourValues, RACE_FUNCTIONS, RACERS, RACER_LABELS,
  type RaceFunction, type RaceFunctionName, type RaceOptions, type RacePath, type RaceResult, type RacerName,
} from './optimizer-race.js';
