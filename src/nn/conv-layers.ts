// Conv-net layers: Conv2d (PyTorch's default init, optional fused activation), pooling,
// batch and layer normalisation. Thin Modules over wg.nn.functional, as layers.ts.
import { full } from '../creation.js';
import type { ConvActivation } from '../backend/types.js';
import { pair } from '../ops/conv.js';
import { Random } from '../random.js';
import { noGrad } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import * as F from './functional-conv.js';
import { kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';

export interface Conv2dLayerOptions {
  stride?: number | [number, number];
  padding?: number | [number, number] | 'same' | 'valid';
  dilation?: number | [number, number];
  groups?: number;
  /** add a learned bias (default true) */
  bias?: boolean;
  /** an activation fused into the convolution's epilogue (default none) */
  activation?: ConvActivation;
  /** leakyRelu's slope / elu's α for the fused activation */
  alpha?: number;
  /** seed for the initial weights (default: the global stream) */
  seed?: number;
}

/**
 * 2-D convolution, weight [out, in/groups, kH, kW]. Initialised as torch.nn.Conv2d:
 * kaiming_uniform(a = √5), i.e. U(±1/√fanIn), and the bias from the same range.
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number], readonly opts: Conv2dLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    const groups = opts.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0)
      throw new Error(`webgrad: Conv2d(${inChannels}, ${outChannels}): groups ${groups} must divide both channel counts`);
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    const rng = opts.seed === undefined ? undefined : new Random(opts.seed);
    this.weight = this.registerParameter('weight', kaimingUniform(shape, { a: Math.sqrt(5), seed: rng }));
    const bound = 1 / Math.sqrt(shape[1] * shape[2] * shape[3]);
    this.bias = opts.bias ?? true ? this.registerParameter('bias', uniform([outChannels], -bound, bound, rng)) : null;
  }

  override forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups, activation, alpha } = this.opts;
    return F.conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups, activation, alpha });
  }

  protected override extraRepr(): string {
    const o = this.opts;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=${o.stride ?? 1}, padding=${o.padding ?? 0}` +
      `${o.groups ? `, groups=${o.groups}` : ''}${o.activation ? `, activation=${o.activation}` : ''}`;
  }
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: number | [number, number], readonly opts: F.Pool2dOptions = {}) { super(); }
  override forward(x: Tensor): Tensor { return F.maxPool2d(x, this.kernelSize, this.opts); }
  protected override extraRepr(): string { return `kernelSize=${this.kernelSize}`; }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: number | [number, number], readonly opts: F.AvgPool2dOptions = {}) { super(); }
  override forward(x: Tensor): Tensor { return F.avgPool2d(x, this.kernelSize, this.opts); }
  protected override extraRepr(): string { return `kernelSize=${this.kernelSize}`; }
}

/** outputSize 1 is global average pooling */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | [number, number]) { super(); }
  override forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
  protected override extraRepr(): string { return `outputSize=${this.outputSize}`; }
}

export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  /** learned per-channel γ (ones) and β (zeros), default true */
  affine?: boolean;
  /** keep running statistics for eval mode (default true); without them eval uses batch statistics */
  trackRunningStats?: boolean;
}

/**
 * Batch statistics in training (running ones updated), running statistics in eval. The state
 * is named as PyTorch's: weight, bias, and the buffers running_mean, running_var and
 * num_batches_tracked (an int32 scalar here, int64 in PyTorch; wg.io.saveStateDict writes it
 * as I64), so state dicts load both ways strictly.
 */
abstract class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** training forward passes so far (PyTorch's num_batches_tracked) */
  readonly numBatchesTracked: Tensor | null;

  constructor(readonly numFeatures: number, readonly opts: BatchNormLayerOptions = {}) {
    super();
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', full([numFeatures], 1)) : null;
    this.bias = affine ? this.registerParameter('bias', full([numFeatures], 0)) : null;
    const track = opts.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer('running_mean', full([numFeatures], 0)) : null;
    this.runningVar = track ? this.registerBuffer('running_var', full([numFeatures], 1)) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', full([], 0, { dtype: 'int32' })) : null;
  }

  protected abstract checkRank(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkRank(x);
    const y = F.batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training || this.runningMean === null,
      momentum: this.opts.momentum ?? 0.1, eps: this.opts.eps ?? 1e-5,
    });
    if (this.training && this.numBatchesTracked) {
      // one int32 add on the device: no readback in the step (PyTorch's num_batches_tracked.add_(1))
      const next = noGrad(() => this.numBatchesTracked!.add(1));
      this.numBatchesTracked.assign(next);
      next.dispose();
    }
    return y;
  }

  /** webgrad files before PyTorch naming held runningMean / runningVar and no counter (kept 0). */
  protected override upgradeStateDict(dict: Record<string, Tensor>, prefix: string, log: string[]): string[] {
    if (!this.runningMean) return [];
    let legacy = false;
    for (const [old, now] of [['runningMean', 'running_mean'], ['runningVar', 'running_var']]) {
      if (!(`${prefix}${old}` in dict) || `${prefix}${now}` in dict) continue;
      dict[`${prefix}${now}`] = dict[`${prefix}${old}`];
      delete dict[`${prefix}${old}`];
      log.push(`${prefix}${old} → ${prefix}${now}`);
      legacy = true;
    }
    return legacy ? [`${prefix}num_batches_tracked`] : [];
  }

  protected override extraRepr(): string { return `${this.numFeatures}`; }
}

/** over [N, C] or [N, C, L] */
export class BatchNorm1d extends BatchNorm {
  protected checkRank(x: Tensor): void {
    if (x.shape.length !== 2 && x.shape.length !== 3) throw new Error(`webgrad: BatchNorm1d: expects [N, C] or [N, C, L], got [${x.shape}]`);
  }
}

/** over [N, C, H, W] */
export class BatchNorm2d extends BatchNorm {
  protected checkRank(x: Tensor): void {
    if (x.shape.length !== 4) throw new Error(`webgrad: BatchNorm2d: expects [N, C, H, W], got [${x.shape}]`);
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly normalizedShape: number[];

  constructor(normalizedShape: number | readonly number[], readonly opts: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', full(this.normalizedShape, 1)) : null;
    this.bias = affine ? this.registerParameter('bias', full(this.normalizedShape, 0)) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.opts.eps });
  }

  protected override extraRepr(): string { return `[${this.normalizedShape}]`; }
}
