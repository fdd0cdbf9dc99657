// The Tensor you use: the core (src/tensor-core.ts) with its op methods installed. This module
// sits above src/ops/ (the ops import only the core), so the methods are thin calls into the
// ops without an import cycle; everything above the ops imports Tensor from here, which
// guarantees the methods exist before any of that code runs.
import { runBackward } from './autograd/backward.js';
import { reportIndexErrorsAs } from './backend/device-checks.js';
import * as ops from './ops/index.js';
import { Tensor, type TapeNode, type TensorOps } from './tensor-core.js';

const methods: ThisType<Tensor> & TensorOps = {
  // ---- autograd ----------------------------------------------------------------------------
  backward(grad?: Tensor | { retainGraph?: boolean }, opts: { retainGraph?: boolean } = {}) {
    if (grad !== undefined && !(grad instanceof Tensor)) runBackward(this, undefined, grad);
    else runBackward(this, grad, opts);
  },

  // ---- elementwise ---------------------------------------------------------------------------
  add(o) { return ops.binary('add', this, o); },
  sub(o) { return ops.binary('sub', this, o); },
  mul(o) { return ops.binary('mul', this, o); },
  div(o) { return ops.binary('div', this, o); },
  pow(o) { return ops.binary('pow', this, o); },
  maximum(o) { return ops.binary('maximum', this, o); },
  minimum(o) { return ops.binary('minimum', this, o); },
  greater(o) { return ops.binary('greater', this, o); },
  greaterEqual(o) { return ops.binary('greaterEqual', this, o); },
  less(o) { return ops.binary('less', this, o); },
  lessEqual(o) { return ops.binary('lessEqual', this, o); },
  equal(o) { return ops.binary('equal', this, o); },
  neg() { return ops.unary('neg', this); },
  exp() { return ops.unary('exp', this); },
  log() { return ops.unary('log', this); },
  sqrt() { return ops.unary('sqrt', this); },
  abs() { return ops.unary('abs', this); },
  square() { return ops.unary('square', this); },
  sign() { return ops.unary('sign', this); },
  reciprocal() { return ops.unary('reciprocal', this); },
  clamp(min, max) { return ops.clamp(this, min, max); },
  relu() { return ops.unary('relu', this); },
  leakyRelu(negativeSlope = 0.01) { return ops.unary('leakyRelu', this, negativeSlope); },
  elu(alpha = 1) { return ops.unary('elu', this, alpha); },
  sigmoid() { return ops.unary('sigmoid', this); },
  tanh() { return ops.unary('tanh', this); },
  gelu() { return ops.unary('gelu', this); },
  cast(dtype) { return ops.cast(this, dtype); },

  // ---- matmul, softmax -----------------------------------------------------------------------
  matmul(o, opts) { return ops.matmul(this, o, opts); },
  softmax(axis = -1) { return ops.softmax(this, axis); },
  logSoftmax(axis = -1) { return ops.logSoftmax(this, axis); },

  // ---- reductions ----------------------------------------------------------------------------
  sum(axis, keepdim = false) { return ops.reduce('sum', this, axis, keepdim); },
  max(axis, keepdim = false) { return ops.reduce('max', this, axis, keepdim); },
  min(axis, keepdim = false) { return ops.reduce('min', this, axis, keepdim); },
  argmax(axis, keepdim = false) { return ops.reduce('argmax', this, axis, keepdim); },
  argmin(axis, keepdim = false) { return ops.reduce('argmin', this, axis, keepdim); },
  mean(axis, keepdim = false) { return ops.mean(this, axis, keepdim); },
  var(axis, opts) { return ops.variance(this, axis, opts); },
  sumTo(shape) { return ops.sumTo(this, shape); },

  // ---- movement ------------------------------------------------------------------------------
  reshape(shape) { return ops.reshape(this, shape); },
  view(shape) { return ops.reshape(this, shape); },
  transpose(dim0, dim1) { return ops.transpose(this, dim0, dim1); },
  get T() { return ops.transpose(this); },
  permute(axes) { return ops.permute(this, axes); },
  expand(shape) { return ops.expand(this, shape); },
  flatten(startDim = 0, endDim = -1) { return ops.flatten(this, startDim, endDim); },
  slice(ranges) { return ops.slice(this, ranges); },
  gather(indices, axis = 0) { return ops.gather(this, indices, axis); },
  indexSelect(axis, indices) { return reportIndexErrorsAs('indexSelect', () => ops.gather(this, indices, axis)); },
  split(sizeOrSections, axis = 0) { return ops.split(this, sizeOrSections, axis); },
  chunk(chunks, axis = 0) { return ops.chunk(this, chunks, axis); },
  unsqueeze(axis) {
    const a = axis < 0 ? axis + this.shape.length + 1 : axis;
    const s = [...this.shape];
    s.splice(a, 0, 1);
    return this.reshape(s);
  },
  squeezeAxis(axis) {
    const a = axis < 0 ? axis + this.shape.length : axis;
    if (this.shape[a] !== 1) throw new Error(`webgrad: squeeze: axis ${axis} of [${this.shape}] is not 1`);
    return this.reshape(this.shape.filter((_, i) => i !== a));
  },
};

for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(methods)))
  Object.defineProperty(Tensor.prototype, name, { ...d, enumerable: false });

export { Tensor, type TapeNode };
