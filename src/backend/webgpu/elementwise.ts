// WebGPU launchers for the elementwise family (shaders/elementwise.wgsl): fill, unary, binary, where.
import type { BinaryOp, Storage, StridedView, UnaryOp } from '../types.js';
import { type WebGPUDevice, Uniforms, gpuStorage } from './device.js';
import type { KernelSpec } from './kernel-spec.js';

export const WG = 256;
export const MAX_RANK = 8;

export const UNARY_OPS: readonly UnaryOp[] = [
  'neg', 'exp', 'log', 'sqrt', 'abs', 'square', 'sign', 'reciprocal', 'relu', 'leakyRelu', 'elu', 'sigmoid',
  'tanh', 'gelu', 'reluGrad', 'leakyReluGrad', 'eluGrad', 'geluGrad', 'powScalar', 'mulScalar', 'addScalar',
  'rsubScalar', 'rdivScalar',
];
export const BINARY_OPS: readonly BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal',
];
// op → its shader index and dispatch label, looked up once per op instead of indexOf + a template string per dispatch
const UNARY_INDEX = new Map(UNARY_OPS.map((op, i) => [op, i]));
const BINARY_INDEX = new Map(BINARY_OPS.map((op, i) => [op, i]));
const UNARY_LABEL = new Map(UNARY_OPS.map((op) => [op, `unary.${op}`]));
const BINARY_LABEL = new Map(BINARY_OPS.map((op) => [op, `binary.${op}`]));
const INT_UNARY = new Set<UnaryOp>(['powScalar', 'neg', 'abs', 'square', 'sign', 'relu', 'reluGrad', 'mulScalar', 'addScalar', 'rsubScalar']);

export interface Collapsed {
  shape: number[];
  strides: number[][];
  offsets: number[];
  /** per view: 0 contiguous (offset + i), 1 broadcast scalar, 2 strided */
  modes: number[];
}

/** drops size-1 dims and merges dims that are contiguous in every view (plain loops: it runs per binary / where dispatch) */
export function collapseViews(shape: readonly number[], views: readonly StridedView[]): Collapsed {
  const nv = views.length;
  const dims: number[] = [];
  const strides: number[][] = [];
  const offsets: number[] = [];
  for (let k = 0; k < nv; k++) {
    strides.push([]);
    offsets.push(views[k].offset);
  }
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = dims.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < nv; k++) merge = strides[k][last] === views[k].strides[d] * size;
    if (merge) {
      dims[last] *= size;
      for (let k = 0; k < nv; k++) strides[k][last] = views[k].strides[d];
    } else {
      dims.push(size);
      for (let k = 0; k < nv; k++) strides[k].push(views[k].strides[d]);
    }
  }
  const modes: number[] = [];
  let strided = false;
  for (let k = 0; k < nv; k++) {
    const st = strides[k];
    let mode = 1; // broadcast scalar until a non-zero stride shows up
    for (let d = 0; d < st.length; d++) if (st[d] !== 0) mode = 0;
    if (mode === 0) {
      let c = 1;
      for (let d = dims.length - 1; d >= 0; d--) {
        if (st[d] !== c) {
          mode = 2;
          break;
        }
        c *= dims[d];
      }
    }
    if (mode === 2) strided = true;
    modes.push(mode);
  }
  if (dims.length > MAX_RANK && strided) {
    throw new Error(`webgrad: WebGPU strided kernels support rank <= ${MAX_RANK} after merging dims (got ${dims.length})`);
  }
  return { shape: dims, strides, offsets, modes };
}

function viewUniforms(n: number, c: Collapsed | null, alpha = 0, alphaInt = 0): Uniforms {
  const u = new Uniforms().u32(n, c ? c.shape.length : 0).f32(alpha).i32(alphaInt);
  u.vec4Array('u32', c?.shape ?? [], MAX_RANK);
  for (let k = 0; k < 3; k++) u.vec4Array('i32', c?.strides[k] ?? [], MAX_RANK);
  u.vec4Array('i32', c?.offsets ?? [], 4);
  return u;
}

const isInt = (s: Storage): boolean => s.dtype === 'int32';
const isF16 = (s: Storage): boolean => s.dtype === 'float16';

/** out[i] = value; `label` names the dispatch for callers that fill on another kernel's behalf */
/** `refresh`: this call's value in a replay of a compiled step */
export function fill(dev: WebGPUDevice, out: Storage, value: number, label = 'fill', refresh?: () => number): void {
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const uniforms = (v: number) => viewUniforms(o.size, null, v, Number.isFinite(v) ? v : 0);
  dev.dispatch({
    shader: 'elementwise', entry: 'fill', label,
    defines: { OUT_INT: isInt(o), OUT_F16: isF16(o) },
    constants: { WG, INT_ARITH: isInt(o) ? 1 : 0 },
    uniforms: uniforms(value),
    refresh: refresh && (() => uniforms(refresh())),
    inputs: [], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}

export function unary(dev: WebGPUDevice, op: UnaryOp, x: Storage, out: Storage, alpha: number): void {
  const xs = gpuStorage(x);
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const intArith = isInt(xs) && isInt(o) && INT_UNARY.has(op) && Number.isInteger(alpha) && Math.abs(alpha) < 2 ** 31;
  dev.dispatch({
    shader: 'elementwise', entry: 'unary', label: UNARY_LABEL.get(op),
    defines: { IN0_INT: isInt(xs), OUT_INT: isInt(o), IN0_F16: isF16(xs), OUT_F16: isF16(o) },
    constants: { WG, OP: UNARY_INDEX.get(op) ?? -1, INT_ARITH: intArith ? 1 : 0 },
    uniforms: viewUniforms(o.size, null, alpha, intArith ? alpha : 0),
    inputs: [xs], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}

export function binary(dev: WebGPUDevice, op: BinaryOp, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage): void {
  const as = gpuStorage(a);
  const bs = gpuStorage(b);
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const c = collapseViews(aView.shape, [aView, bView]);
  const intArith = isInt(as) && isInt(bs) && isInt(o);
  dev.dispatch({
    shader: 'elementwise', entry: 'binary', label: BINARY_LABEL.get(op),
    defines: { IN0_INT: isInt(as), IN1_INT: isInt(bs), OUT_INT: isInt(o), IN0_F16: isF16(as), IN1_F16: isF16(bs), OUT_F16: isF16(o) },
    constants: { WG, OP: BINARY_INDEX.get(op) ?? -1, MODE0: c.modes[0], MODE1: c.modes[1], INT_ARITH: intArith ? 1 : 0 },
    uniforms: viewUniforms(o.size, c),
    inputs: [as, bs], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}

export function where(
  dev: WebGPUDevice, cond: Storage, condView: StridedView, a: Storage, aView: StridedView, b: Storage, bView: StridedView, out: Storage,
): void {
  const cs = gpuStorage(cond);
  const as = gpuStorage(a);
  const bs = gpuStorage(b);
  const o = gpuStorage(out);
  if (o.size === 0) return;
  const c = collapseViews(condView.shape, [condView, aView, bView]);
  const intArith = isInt(as) && isInt(bs) && isInt(o);
  dev.dispatch({
    shader: 'elementwise', entry: 'where_select', label: 'where',
    defines: {
      IN0_INT: isInt(cs), IN1_INT: isInt(as), IN2_INT: isInt(bs), OUT_INT: isInt(o),
      IN0_F16: isF16(cs), IN1_F16: isF16(as), IN2_F16: isF16(bs), OUT_F16: isF16(o),
    },
    constants: { WG, MODE0: c.modes[0], MODE1: c.modes[1], MODE2: c.modes[2], INT_ARITH: intArith ? 1 : 0 },
    uniforms: viewUniforms(o.size, c),
    inputs: [cs, as, bs], outputs: [o], workgroups: Math.ceil(o.size / WG),
  } satisfies KernelSpec);
}
