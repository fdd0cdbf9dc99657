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
