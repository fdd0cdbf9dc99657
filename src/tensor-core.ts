// The Tensor core: a shape, a dtype, a reference-counted backend storage, and (when it was made
// by a recorded op) its tape node. This is the layer src/ops/ builds on, so it imports no op:
// the op methods (add, matmul, sum, reshape, backward, ...) are declared here for the type
// checker and installed on the prototype by src/tensor.ts, which sits above src/ops/.
import type { Backend, DType, Storage, TypedArray } from './backend/types.js';
import type { MatmulOptions } from './ops/matmul.js';
import { getBackend, keep, trackTensor } from './runtime.js';

/** A storage shared by a tensor and its reshaped aliases; freed when the last one goes. */
/** version numbers are drawn from one counter, so a (storage, contents) state is never seen twice */
let nextVersion = 1;

class SharedStorage {
  refs = 1;
  /** bumped by in-place changes (an optimizer step); shared by aliases, as PyTorch's version counter */
  version = nextVersion++;
  constructor(readonly storage: Storage, readonly backend: Backend) {}
  release(): void {
    if (--this.refs === 0) this.backend.free(this.storage);
  }
}

export interface TapeNode {
  op: string;
  inputs: readonly Tensor[];
  /** each input's version when the op ran, then the output's: backward() refuses changed ones */
  versions: readonly number[];
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
  /** the op of the tape node an earlier backward() freed (so a second backward can say so) */
  freedNode: string | null = null;
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

  /**
   * Changes whenever this tensor's contents change in place (assign(), an optimizer step): a
   * graph that saved the tensor before can no longer backpropagate through it. -1 once disposed.
   */
  get version(): number {
    return this.shared?.version ?? -1;
  }

  /** Records an in-place change of the contents (kernels that write a live tensor's storage call it). */
  markModified(): void {
    if (this.shared) this.shared.version = nextVersion++;
  }

  /** Replaces this tensor's contents with src's (in-place updates: running statistics, clipped gradients). */
  assign(src: Tensor): this {
    if (src.shape.length !== this.shape.length || src.shape.some((d, i) => d !== this.shape[i]) || src.dtype !== this.dtype)
      throw new Error(`webgrad: assign: ${src.describe()} does not match ${this.describe()}`);
    const shared = this.sharedStorage();
    const capture = shared.backend.capture;
    if (capture?.capturing && capture.existedBeforeCapture(shared.storage) && src.storage !== shared.storage) {
      // a compiled step is being recorded and this state outlives the step: its replays must
      // update the same storage, so the new values are copied in rather than swapped in
      if (shared.refs === 1) {
        shared.backend.copy(src.storage, shared.storage);
        this.markModified();
        return this;
      }
      capture.markUnsteady(`assign() to a ${this.describe()} whose storage other tensors share`);
    }
    return this.adoptStorage(src);
  }

  /** Makes this tensor use src's storage (no copy): a parameter moving into its optimizer slot. */
  adoptStorage(src: Tensor): this {
    // a compiled step recorded over the old storage no longer matches this tensor
    this.sharedStorage().backend.capture?.replaced(this.sharedStorage().storage);
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

  // ---- tape-free helpers ----------------------------------------------------------------------

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
}

/** The op methods: declared here so src/ops/ can call them on gradients, installed by src/tensor.ts. */
export interface TensorOps {
  // ---- autograd ----------------------------------------------------------------------------
  /** Backpropagates from this tensor (a scalar, or with an explicit gradient of its shape). */
  /**
   * Backpropagates from this tensor (a scalar, or with an explicit gradient of its shape). The
   * graph is freed afterwards unless `retainGraph` (PyTorch's retain_graph) is set; a second
   * backward through a freed graph is an error.
   */
  backward(grad?: Tensor, opts?: { retainGraph?: boolean }): void;
  backward(opts: { retainGraph?: boolean }): void;

  // ---- elementwise ---------------------------------------------------------------------------
  add(o: Tensor | number): Tensor;
  sub(o: Tensor | number): Tensor;
  mul(o: Tensor | number): Tensor;
  div(o: Tensor | number): Tensor;
  pow(o: Tensor | number): Tensor;
  maximum(o: Tensor | number): Tensor;
  minimum(o: Tensor | number): Tensor;
  greater(o: Tensor | number): Tensor;
  greaterEqual(o: Tensor | number): Tensor;
  less(o: Tensor | number): Tensor;
  lessEqual(o: Tensor | number): Tensor;
  equal(o: Tensor | number): Tensor;
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  abs(): Tensor;
  square(): Tensor;
  sign(): Tensor;
  reciprocal(): Tensor;
  clamp(min?: number, max?: number): Tensor;
  relu(): Tensor;
  leakyRelu(negativeSlope?: number): Tensor;
  elu(alpha?: number): Tensor;
  sigmoid(): Tensor;
  tanh(): Tensor;
  gelu(): Tensor;
  cast(dtype: DType): Tensor;

  // ---- matmul, softmax -----------------------------------------------------------------------
  matmul(o: Tensor, opts?: MatmulOptions): Tensor;
  softmax(axis?: number): Tensor;
  logSoftmax(axis?: number): Tensor;

  // ---- reductions ----------------------------------------------------------------------------
  sum(axis?: number | readonly number[], keepdim?: boolean): Tensor;
  max(axis?: number | readonly number[], keepdim?: boolean): Tensor;
  min(axis?: number | readonly number[], keepdim?: boolean): Tensor;
  argmax(axis?: number, keepdim?: boolean): Tensor;
  argmin(axis?: number, keepdim?: boolean): Tensor;
  mean(axis?: number | readonly number[], keepdim?: boolean): Tensor;
  var(axis?: number | readonly number[], opts?: { keepdim?: boolean; unbiased?: boolean }): Tensor;
  /** Sums over broadcast axes so the result has `shape` (the adjoint of broadcasting). */
  sumTo(shape: readonly number[]): Tensor;

  // ---- movement ------------------------------------------------------------------------------
  reshape(shape: readonly number[]): Tensor;
  view(shape: readonly number[]): Tensor;
  transpose(dim0?: number, dim1?: number): Tensor;
  readonly T: Tensor;
  permute(axes: readonly number[]): Tensor;
  expand(shape: readonly number[]): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  slice(ranges: readonly (readonly [number, number?, number?] | null)[]): Tensor;
  gather(indices: Tensor, axis?: number): Tensor;
  indexSelect(axis: number, indices: Tensor): Tensor;
  /** pieces of `sizeOrSections` along axis (torch's Tensor.split) */
  split(sizeOrSections: number | readonly number[], axis?: number): Tensor[];
  chunk(chunks: number, axis?: number): Tensor[];
  unsqueeze(axis: number): Tensor;
  /** Drops one size-1 axis. */
  squeezeAxis(axis: number): Tensor;
}

// Declaration merging: every Tensor has the op methods (at run time once src/tensor.ts is loaded).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends TensorOps {}

// Until src/tensor.ts installs the real methods, each one throws saying which layer is missing
// (instead of "t.add is not a function"). The record makes a method left off this list a
// compile error.
const opMethodNames: Record<keyof TensorOps, true> = {
  backward: true, add: true, sub: true, mul: true, div: true, pow: true, maximum: true, minimum: true,
  greater: true, greaterEqual: true, less: true, lessEqual: true, equal: true, neg: true, exp: true, log: true,
  sqrt: true, abs: true, square: true, sign: true, reciprocal: true, clamp: true, relu: true, leakyRelu: true,
  elu: true, sigmoid: true, tanh: true, gelu: true, cast: true, matmul: true, softmax: true, logSoftmax: true,
  sum: true, max: true, min: true, argmax: true, argmin: true, mean: true, var: true, sumTo: true,
  reshape: true, view: true, transpose: true, T: true, permute: true, expand: true, flatten: true, slice: true,
  gather: true, indexSelect: true, split: true, chunk: true, unsqueeze: true, squeezeAxis: true,
};
for (const name of Object.keys(opMethodNames)) {
  const missing = (): never => {
    throw new Error(`webgrad: tensor.${name} needs the op layer, which src/tensor.ts installs: import Tensor from 'webgrad' (src/index.ts) or src/tensor.ts, not src/tensor-core.ts alone`);
  };
  Object.defineProperty(Tensor.prototype, name, name === 'T' ? { configurable: true, get: missing } : { configurable: true, writable: true, value: missing });
}
