// The Tensor: a shape, a dtype, a reference-counted backend storage, and (when it was made
// by a recorded op) its tape node. Methods are thin calls into src/ops/.
import type { Backend, DType, Storage, TypedArray } from './backend/types.js';
import { getBackend, keep, registerTensorCheck, trackTensor } from './runtime.js';
import * as ops from './ops/index.js';
import { runBackward } from './autograd/backward.js';

/** A storage shared by a tensor and its reshaped aliases; freed when the last one goes. */
class SharedStorage {
  refs = 1;
  constructor(readonly storage: Storage, readonly backend: Backend) {}
  release(): void {
    if (--this.refs === 0) this.backend.free(this.storage);
  }
}

export interface TapeNode {
  op: string;
  inputs: readonly Tensor[];
  params: unknown;
  backward: (
    grad: Tensor,
    ctx: { inputs: readonly Tensor[]; needs: readonly boolean[]; out: Tensor; params: never },
  ) => (Tensor | null)[];
}

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  readonly shape: number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** the op that made this tensor, while the tape holds it (null for leaves / after backward) */
  node: TapeNode | null = null;
  private shared: SharedStorage | null;

  private constructor(shared: SharedStorage, shape: number[], requiresGrad: boolean) {
    this.shared = shared;
    this.shape = shape;
    this.dtype = shared.storage.dtype;
    this.requiresGrad = requiresGrad;
    trackTensor(this);
  }

  static fromStorage(storage: Storage, shape: number[], requiresGrad = false): Tensor {
    return new Tensor(new SharedStorage(storage, getBackend()), shape, requiresGrad);
  }

  /** A new tensor over the same storage with another shape (reshape, detach). */
  static aliasOf(t: Tensor, shape: number[], requiresGrad: boolean): Tensor {
    const shared = t.sharedStorage();
    shared.refs++;
    return new Tensor(shared, shape, requiresGrad);
  }

  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.shared === null;
  }

  private describe(): string {
    return `${this.dtype} tensor [${this.shape}]`;
  }

  private sharedStorage(): SharedStorage {
    if (!this.shared) throw new Error(`webgrad: a ${this.describe()} was used after dispose()`);
    return this.shared;
  }

  get storage(): Storage {
    return this.sharedStorage().storage;
  }

  /** Throws a clear error when the tensor cannot be an input of `op` on backend `be`. */
  assertUsable(op: string, be: Backend): void {
    if (!this.shared) throw new Error(`webgrad: ${op}: a ${this.describe()} was used after dispose()`);
    if (this.shared.backend !== be)
      throw new Error(`webgrad: ${op}: a ${this.describe()} lives on the ${this.shared.backend.name} backend but the active backend is ${be.name}`);
  }

  /** Returns the storage to the pool. Idempotent. The tape node is dropped too. */
  dispose(): void {
    if (!this.shared) return;
    this.shared.release();
    this.shared = null;
    this.node = null;
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Replaces this tensor's contents with src's storage (in-place updates, e.g. optimizers). */
  assign(src: Tensor): this {
    if (src.shape.length !== this.shape.length || src.shape.some((d, i) => d !== this.shape[i]) || src.dtype !== this.dtype)
      throw new Error(`webgrad: assign: ${src.describe()} does not match ${this.describe()}`);
    const next = src.sharedStorage();
    next.refs++;
    this.sharedStorage().release();
    this.shared = next;
    return this;
  }

  // ---- readback (async: the GPU is asynchronous) --------------------------------------------

  async data(): Promise<TypedArray> {
    const s = this.sharedStorage();
    return s.backend.read(s.storage);
  }

  /** Nested arrays, as tensor.tolist() */
  async array(): Promise<unknown> {
    const flat = Array.from(await this.data());
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return flat[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`webgrad: item() needs a tensor with one element, got [${this.shape}]`);
    return (await this.data())[0];
  }

  toString(): string {
    return `Tensor(${this.describe()}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- autograd ----------------------------------------------------------------------------

  /** Backpropagates from this tensor (a scalar, or with an explicit gradient of its shape). */
  backward(grad?: Tensor): void {
    runBackward(this, grad);
  }

  /** Same storage, cut from the tape. */
  detach(): Tensor {
    return Tensor.aliasOf(this, [...this.shape], false);
  }

  /** Marks a leaf as trainable (as requires_grad_()). */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps this tensor alive past enclosing tidy() scopes. */
  keep(): this {
    keep(this);
    return this;
  }

  // ---- elementwise ---------------------------------------------------------------------------

  add(o: Tensor | number): Tensor { return ops.binary('add', this, o); }
  sub(o: Tensor | number): Tensor { return ops.binary('sub', this, o); }
  mul(o: Tensor | number): Tensor { return ops.binary('mul', this, o); }
  div(o: Tensor | number): Tensor { return ops.binary('div', this, o); }
  pow(o: Tensor | number): Tensor { return ops.binary('pow', this, o); }
  maximum(o: Tensor | number): Tensor { return ops.binary('maximum', this, o); }
  minimum(o: Tensor | number): Tensor { return ops.binary('minimum', this, o); }
  greater(o: Tensor | number): Tensor { return ops.binary('greater', this, o); }
  greaterEqual(o: Tensor | number): Tensor { return ops.binary('greaterEqual', this, o); }
  less(o: Tensor | number): Tensor { return ops.binary('less', this, o); }
  lessEqual(o: Tensor | number): Tensor { return ops.binary('lessEqual', this, o); }
  equal(o: Tensor | number): Tensor { return ops.binary('equal', this, o); }
  neg(): Tensor { return ops.unary('neg', this); }
  exp(): Tensor { return ops.unary('exp', this); }
  log(): Tensor { return ops.unary('log', this); }
  sqrt(): Tensor { return ops.unary('sqrt', this); }
  abs(): Tensor { return ops.unary('abs', this); }
  square(): Tensor { return ops.unary('square', this); }
  sign(): Tensor { return ops.unary('sign', this); }
  reciprocal(): Tensor { return ops.unary('reciprocal', this); }
  clamp(min?: number, max?: number): Tensor { return ops.clamp(this, min, max); }
  relu(): Tensor { return ops.unary('relu', this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return ops.unary('leakyRelu', this, negativeSlope); }
  elu(alpha = 1): Tensor { return ops.unary('elu', this, alpha); }
  sigmoid(): Tensor { return ops.unary('sigmoid', this); }
  tanh(): Tensor { return ops.unary('tanh', this); }
  gelu(): Tensor { return ops.unary('gelu', this); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }

  // ---- matmul, softmax -----------------------------------------------------------------------

  matmul(o: Tensor, opts?: ops.MatmulOptions): Tensor { return ops.matmul(this, o, opts); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }

  // ---- reductions ----------------------------------------------------------------------------

  sum(axis?: number | readonly number[], keepdim = false): Tensor { return ops.reduce('sum', this, axis, keepdim); }
  max(axis?: number | readonly number[], keepdim = false): Tensor { return ops.reduce('max', this, axis, keepdim); }
  min(axis?: number | readonly number[], keepdim = false): Tensor { return ops.reduce('min', this, axis, keepdim); }
  argmax(axis?: number, keepdim = false): Tensor { return ops.reduce('argmax', this, axis, keepdim); }
  argmin(axis?: number, keepdim = false): Tensor { return ops.reduce('argmin', this, axis, keepdim); }
  mean(axis?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, axis, keepdim); }
  var(axis?: number | readonly number[], opts?: { keepdim?: boolean; unbiased?: boolean }): Tensor {
    return ops.variance(this, axis, opts);
  }
  /** Sums over broadcast axes so the result has `shape` (the adjoint of broadcasting). */
  sumTo(shape: readonly number[]): Tensor { return ops.sumTo(this, shape); }

  // ---- movement ------------------------------------------------------------------------------

  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  view(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  transpose(dim0?: number, dim1?: number): Tensor { return ops.transpose(this, dim0, dim1); }
  get T(): Tensor { return ops.transpose(this); }
  permute(axes: readonly number[]): Tensor { return ops.permute(this, axes); }
  expand(shape: readonly number[]): Tensor { return ops.expand(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  slice(ranges: readonly (readonly [number, number?, number?] | null)[]): Tensor { return ops.slice(this, ranges); }
  /** pieces of `sizeOrSections` along axis (torch's Tensor.split) */
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] { return ops.split(this, sizeOrSections, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return ops.chunk(this, chunks, axis); }
  gather(indices: Tensor, axis = 0): Tensor { return ops.gather(this, indices, axis); }
  indexSelect(axis: number, indices: Tensor): Tensor { return ops.gather(this, indices, axis); }
  unsqueeze(axis: number): Tensor {
    const a = axis < 0 ? axis + this.shape.length + 1 : axis;
    const s = [...this.shape];
    s.splice(a, 0, 1);
    return this.reshape(s);
  }
  /** Drops one size-1 axis. */
  squeezeAxis(axis: number): Tensor {
    const a = axis < 0 ? axis + this.shape.length : axis;
    if (this.shape[a] !== 1) throw new Error(`webgrad: squeeze: axis ${axis} of [${this.shape}] is not 1`);
    return this.reshape(this.shape.filter((_, i) => i !== a));
  }
}

registerTensorCheck((v: unknown): v is Tensor => v instanceof Tensor);
