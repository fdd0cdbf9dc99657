// Weight initialisation (torch.nn.init): Kaiming/He and Xavier/Glorot, uniform and normal,
// drawn on the host from a seeded stream so a seed gives the same weights on every backend.
import { tensor } from '../creation.js';
import { Random, rngFor } from '../random.js';
import type { Tensor } from '../tensor.js';

export type Nonlinearity = 'linear' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
  }
}

/**
 * fan_in and fan_out of a weight shaped as PyTorch's: [out, in, ...kernel] (Linear [out, in],
 * Conv2d [out, in/groups, kh, kw]); the kernel's size multiplies both.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`webgrad: init: fan in/out need a weight of rank >= 2, got [${shape}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** A seed, or an already running stream (a layer drawing weight then bias from one seed). */
export type SeedLike = number | Random | undefined;

function stream(seed: SeedLike): Random {
  return seed instanceof Random ? seed : rngFor(seed);
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** U(low, high), float32 */
export function uniform(shape: readonly number[], low: number, high: number, seed?: SeedLike): Tensor {
  return tensor(stream(seed).uniform(count(shape), low, high), shape);
}

/** N(mean, std²), float32 */
export function normal(shape: readonly number[], mean: number, std: number, seed?: SeedLike): Tensor {
  return tensor(stream(seed).normal(count(shape), mean, std), shape);
}

export interface KaimingOptions {
  /** negative slope of the rectifier after this layer (leakyRelu only) */
  a?: number;
  /** 'fanIn' keeps the forward variance, 'fanOut' the backward one */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  seed?: SeedLike;
}

function kaimingStd(shape: readonly number[], { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions): number {
  const fans = computeFans(shape);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** He et al. 2015, uniform: U(−b, b), b = gain·√(3/fan) */
export function kaimingUniform(shape: readonly number[], opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, opts);
  return uniform(shape, -bound, bound, opts.seed);
}

/** He et al. 2015, normal: N(0, (gain/√fan)²) */
export function kaimingNormal(shape: readonly number[], opts: KaimingOptions = {}): Tensor {
  return normal(shape, 0, kaimingStd(shape, opts), opts.seed);
}

export interface XavierOptions {
  gain?: number;
  seed?: SeedLike;
}

function xavierStd(shape: readonly number[], gain: number): number {
  const { fanIn, fanOut } = computeFans(shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot & Bengio 2010, uniform: U(−b, b), b = gain·√(6/(fan_in + fan_out)) */
export function xavierUniform(shape: readonly number[], { gain = 1, seed }: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(shape, gain);
  return uniform(shape, -bound, bound, seed);
}

/** Glorot & Bengio 2010, normal: N(0, gain²·2/(fan_in + fan_out)) */
export function xavierNormal(shape: readonly number[], { gain = 1, seed }: XavierOptions = {}): Tensor {
  return normal(shape, 0, xavierStd(shape, gain), seed);
}
