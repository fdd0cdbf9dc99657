// wg.nn: modules, layers, initialisers, and the functional API.
export * as functional from './functional.js';
export * as init from './init.js';
export { Module, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export {
  Linear, type LinearOptions, ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, Maxout, Flatten, Dropout, Sequential,
} from './layers.js';
export { Conv2d, type Conv2dLayerOptions, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions, LayerNorm } from './conv-layers.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
