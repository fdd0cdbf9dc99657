// Messages between the page and the training worker. The worker streams small messages
// (scalars every few steps, weights and samples at epoch ends) so the page never waits on it.
import type { TrainConfig } from './config.js';

export type ToWorker =
  | { type: 'start'; config: TrainConfig; files?: File[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'save' }
  /** evaluate a saved model (safetensors bytes: a file the page saved, or the pretrained checkpoint) on the test set */
  | { type: 'evaluateSaved'; config: TrainConfig; bytes: Uint8Array; files?: File[] };

export interface PerStepCounts {
  dispatches: number;
  submits: number;
  readbacks: number;
  uploads: number;
}

export interface PeerResult {
  library: string;
  steps: number;
  trainImagesPerSecond: number;
  /** WebGPU: compute dispatches and queue submits; WebGL: draw calls (one per shader program run) and no submits (null) */
  perStep: { dispatches: number; submits: number | null };
  finalLoss: number;
}

export interface RunResult {
  model: string;
  epochs: number;
  steps: number;
  batch: number;
  optimizer: string;
  lr: number;
  backend: string;
  adapter: string;
  isSoftwareAdapter: boolean;
  /** from pressing start (data already loaded) to the end of the test evaluation */
  wallSeconds: number;
  trainSeconds: number;
  /** images/s over the training steps after the first (which compiles the pipelines) */
  trainImagesPerSecond: number;
  testAccuracy: number;
  testImages: number;
  evalSeconds: number;
  forwardFlopsPerImage: number;
  parameters: number;
  /** counters of one training step without a loss readback */
  perStep: PerStepCounts;
  peakBytes: number;
  /** host milliseconds per training step after the first, by phase (wg.train.FitTimings + the loader's batch building) */
  hostMsPerStep?: Record<string, number>;
  /** the matmul variant used per shape class (WebGPU), and how it was chosen */
  matmulVariants?: Record<string, string>;
  losses: { step: number; loss: number }[];
  /** GPU milliseconds per kernel label over `profileSteps` extra training steps (wg.profileKernels), when profiled */
  kernels?: { label: string; calls: number; milliseconds: number }[];
  profileSteps?: number;
  /** one per --peer name, in the order given */
  peers?: PeerResult[];
}

/**
 * GPU memory, in bytes: `live` in tensors between steps; `held` from the device (live plus the
 * pool's free buffers kept for reuse); `peak` in tensors at any moment so far (mid-step, with
 * the activations kept for the backward pass).
 */
export interface MemoryInUse { live: number; held: number; peak: number }

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'loadProgress'; file: string; bytesDone: number; bytesTotal?: number }
  | { type: 'ready'; adapter: string; isSoftwareAdapter: boolean; trainImages: number; testImages: number; stepsPerEpoch: number; totalSteps: number; parameters: number }
  | { type: 'step'; step: number; epoch: number; loss?: number; imagesPerSecond: number; elapsedSeconds: number; etaSeconds: number; memory: MemoryInUse }
  | { type: 'accuracy'; step: number; split: 'train' | 'test'; accuracy: number }
  | { type: 'epoch'; epoch: number; step: number; testAccuracy: number; confusion: number[][] }
  | { type: 'weights'; kind: 'templates' | 'filters'; shape: number[]; data: Float32Array }
  | { type: 'samples'; images: Uint8Array; labels: number[]; predicted: number[]; classNames: string[] }
  | { type: 'done'; result: RunResult }
  /** a saved model's result; `metadata` is the file's safetensors metadata (the pretrained checkpoint's: model, testAccuracy, command, trainedWith) */
  | { type: 'evaluated'; testAccuracy: number; testImages: number; confusion: number[][]; metadata: Record<string, string> }
  | { type: 'saved'; bytes: Uint8Array; filename: string }
  | { type: 'error'; message: string };
