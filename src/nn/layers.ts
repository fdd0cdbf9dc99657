// Layers: Linear, activations, Maxout, Flatten, Dropout, and the Sequential container.
// Each is a thin Module over wg.nn.functional, so the math and its gradient live in one place.
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import * as F from './functional.js';
import { uniform } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  /** add a learned bias (default true) */
  bias?: boolean;
  /** seed for the initial weights (default: the global stream, see manualSeed) */
  seed?: number;
}

/**
 * y = x·Wᵀ + b with W [out, in] as PyTorch. Initialised as torch.nn.Linear:
 * kaiming_uniform(a = √5) for W, which is U(−1/√in, 1/√in), and the same range for b.
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true, seed }: LinearOptions = {}) {
    super();
    if (!(inFeatures > 0 && outFeatures > 0)) throw new Error(`webgrad: Linear(${inFeatures}, ${outFeatures}): sizes must be positive`);
    // one stream for weight then bias, so a seed fixes both
    const rng = seed === undefined ? undefined : new Random(seed);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniform([outFeatures, inFeatures], -bound, bound, rng));
    this.bias = bias ? this.registerParameter('bias', uniform([outFeatures], -bound, bound, rng)) : null;
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** A parameter-free layer: forward is one functional call. */
abstract class Elementwise extends Module {
  protected abstract apply(x: Tensor): Tensor;
  override forward(x: Tensor): Tensor {
    return this.apply(x);
  }
}

export class ReLU extends Elementwise {
  protected apply(x: Tensor): Tensor { return F.relu(x); }
}

export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) { super(); }
  protected apply(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
  protected override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

export class ELU extends Elementwise {
  constructor(readonly alpha = 1) { super(); }
  protected apply(x: Tensor): Tensor { return F.elu(x, this.alpha); }
  protected override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class Sigmoid extends Elementwise {
  protected apply(x: Tensor): Tensor { return F.sigmoid(x); }
}

export class Tanh extends Elementwise {
  protected apply(x: Tensor): Tensor { return F.tanh(x); }
}

export class GELU extends Elementwise {
  protected apply(x: Tensor): Tensor { return F.gelu(x); }
}

/** Max over groups of `pieces` consecutive features: [N, units·pieces, ...] → [N, units, ...]. */
export class Maxout extends Elementwise {
  constructor(readonly pieces: number) { super(); }
  protected apply(x: Tensor): Tensor { return F.maxout(x, this.pieces); }
  protected override extraRepr(): string { return `pieces=${this.pieces}`; }
}

/** Flattens dims startDim..endDim (default: all but the batch axis), as torch.nn.Flatten. */
export class Flatten extends Elementwise {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  protected apply(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
  protected override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest
 * by 1/(1−p); the identity in eval mode. The mask is a hash of (seed, index) computed on the
 * device; each call draws a fresh seed from the global stream (see manualSeed).
 */
export class Dropout extends Elementwise {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`webgrad: Dropout: p must be in [0, 1), got ${p}`);
  }
  protected apply(x: Tensor): Tensor {
    return F.dropout(x, this.p, { training: this.training });
  }
  protected override extraRepr(): string { return `p=${this.p}`; }
}

/** Runs its modules in order; children are named '0', '1', … as PyTorch. */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((m, i) => this.registerModule(String(i), m));
  }

  get length(): number {
    return this.layers.length;
  }

  at(i: number): Module {
    const m = this.layers.at(i);
    if (!m) throw new Error(`webgrad: Sequential.at(${i}): it has ${this.layers.length} modules`);
    return m;
  }

  override forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }
}
