// Device-level tests of the WebGPU backend: every kernel family vs the CPU reference on
// random inputs (odd sizes, NaN-poisoned outputs), batching (one submit), the buffer pool,
// shader variants compiling cleanly, and the error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import type { Backend, BinaryOp, DType, MatmulArgs, ReduceOp, Storage, StridedView, TypedArray, UnaryOp } from '../../src/backend/types.js';
import { contiguousStrides } from '../../src/backend/types.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { defineNames, isF16Define, preprocess } from '../../src/backend/webgpu/preprocess.js';
import { shaders } from '../../src/backend/webgpu/shaders.generated.js';
import { BINARY_OPS, UNARY_OPS } from '../../src/backend/webgpu/elementwise.js';
import { getGpu } from '../helpers.js';


const SIZES = [1, 7, 33, 129, 257];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randF(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

function randI(n: number, seed: number, lo = -10, hi = 10): Int32Array {
  const r = rng(seed);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * r());
  return a;
}

let gpu: WebGPUBackend;
let cpu: Backend;

beforeAll(async () => {
  gpu = await createWebGPUBackend({ gpu: await getGpu() });
  cpu = createCpuBackend();
});

afterAll(() => {
  gpu?.destroy();
});

/** a GPU output poisoned with NaN (float) / a sentinel (int) before the kernel runs */
function poisoned(size: number, dtype: DType): Storage {
  const s = gpu.alloc(size, dtype);
  gpu.fill(s, dtype === 'int32' ? -123456789 : NaN);
  return s;
}

function expectClose(got: TypedArray, want: TypedArray, rtol: number, atol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) throw new Error(`${what}[${i}]: got ${g}, want NaN`);
      continue;
    }
    if (!Number.isFinite(w)) {
      if (g !== w) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
      continue;
    }
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

/** runs `fn` on both backends with the same inputs, compares the outputs */
async function both(
  inputs: TypedArray[],
  outs: { size: number; dtype: DType; init?: TypedArray }[],
  fn: (be: Backend, ins: Storage[], outs: Storage[]) => void,
  what: string,
  rtol = 1e-5,
  atol = 1e-6,
): Promise<void> {
  const gi = inputs.map((d) => gpu.upload(d));
  const ci = inputs.map((d) => cpu.upload(d));
  const go = outs.map((o) => {
    if (o.init) return gpu.upload(o.init);
    return poisoned(o.size, o.dtype);
  });
  const co = outs.map((o) => (o.init ? cpu.upload(o.init) : cpu.alloc(o.size, o.dtype)));
  fn(gpu, gi, go);
  fn(cpu, ci, co);
  for (let k = 0; k < outs.length; k++) {
    const g = await gpu.read(go[k]);
    const c = await cpu.read(co[k]);
    expect(g.constructor).toBe(c.constructor);
    expectClose(g, c, rtol, atol, `${what} out${k}`);
  }
  for (const s of [...gi, ...go]) gpu.free(s);
  for (const s of [...ci, ...co]) cpu.free(s);
}

const contig = (shape: number[], offset = 0): StridedView => ({ shape, strides: contiguousStrides(shape), offset });

describe('webgpu device', () => {
  it('names the adapter', () => {
    expect(gpu.name).toBe('webgpu');
    expect(typeof gpu.adapterName).toBe('string');
    if (/swiftshader/i.test(gpu.adapterName)) expect(gpu.isSoftwareAdapter).toBe(true);
  });

  it('fills float and int outputs', async () => {
    for (const n of [0, ...SIZES]) {
      await both([], [{ size: n, dtype: 'float32' }], (be, _, [o]) => be.fill(o, 2.5), `fill f32 ${n}`);
      await both([], [{ size: n, dtype: 'int32' }], (be, _, [o]) => be.fill(o, -7.9), `fill i32 ${n}`);
    }
    await both([], [{ size: 5, dtype: 'float32' }], (be, _, [o]) => be.fill(o, -Infinity), 'fill -inf');
  });

  it('unary ops match the CPU (float32)', async () => {
    const specials = [0, -0, 1e-6, -1e-6, 20, -20, 100, -100, NaN, Infinity, -Infinity, 1e-3, -1e-3];
    for (const op of UNARY_OPS) {
      const alpha = op === 'powScalar' ? 3 : 0.3;
      for (const n of SIZES) {
        const x = randF(n, n * 31 + op.length);
        for (let i = 0; i < Math.min(n, specials.length); i++) if (n > 7) x[i] = specials[i];
        await both([x], [{ size: n, dtype: 'float32' }], (be, [a], [o]) => be.unary(op, a, o, alpha), `unary ${op} n=${n}`, 1e-5, 1e-6);
      }
    }
    const x = randF(129, 5, 0.1, 4);
    for (const a of [0.5, -1.5, 2, 0]) {
      await both([x], [{ size: 129, dtype: 'float32' }], (be, [i], [o]) => be.unary('powScalar', i, o, a), `powScalar ${a}`, 1e-5, 1e-6);
    }
  });

  it('unary ops match the CPU (int32)', async () => {
    const ops: [UnaryOp, number][] = [
      ['neg', 0], ['abs', 0], ['square', 0], ['sign', 0], ['relu', 0], ['reluGrad', 0],
      ['mulScalar', 3], ['addScalar', -4], ['rsubScalar', 2], ['mulScalar', 0.5], ['powScalar', 2],
    ];
    for (const [op, a] of ops) {
      const x = randI(33, 7 + a);
      await both([x], [{ size: 33, dtype: 'int32' }], (be, [i], [o]) => be.unary(op, i, o, a), `unary int ${op} ${a}`, 0, 0);
    }
  });

  it('binary ops match the CPU, contiguous and broadcast', async () => {
    for (const op of BINARY_OPS) {
      for (const n of SIZES) {
        const a = randF(n, n + 1);
        const b = op === 'pow' ? randF(n, n + 2, 0.1, 3) : randF(n, n + 2);
        if (n > 7) { b[0] = a[0]; a[1] = NaN; b[2] = NaN; a[3] = 0; b[3] = -0; }
        const v = contig([n]);
        await both([a, b], [{ size: n, dtype: 'float32' }], (be, [x, y], [o]) => be.binary(op, x, v, y, v, o), `binary ${op} n=${n}`);
      }
      // broadcast: [7,1,33] op [1,5,33] -> [7,5,33]
      const a = randF(7 * 33, 11);
      const b = randF(5 * 33, 12, op === 'pow' ? 0.1 : -3, 3);
      const shape = [7, 5, 33];
      const av: StridedView = { shape, strides: [33, 0, 1], offset: 0 };
      const bv: StridedView = { shape, strides: [0, 33, 1], offset: 0 };
      await both([op === 'pow' ? randF(7 * 33, 13, 0.1, 3) : a, b], [{ size: 7 * 5 * 33, dtype: 'float32' }],
        (be, [x, y], [o]) => be.binary(op, x, av, y, bv, o), `binary ${op} broadcast`);
      // scalar operand + transposed operand with an offset
      const sv: StridedView = { shape: [9, 4], strides: [0, 0], offset: 2 };
      const tv: StridedView = { shape: [9, 4], strides: [1, 9], offset: 3 };
      await both([randF(5, 14, 0.5, 2), randF(40, 15, 0.5, 2)], [{ size: 36, dtype: 'float32' }],
        (be, [x, y], [o]) => be.binary(op, x, sv, y, tv, o), `binary ${op} scalar/transposed`);
    }
  });

  it('binary ops match the CPU on int32', async () => {
    for (const op of BINARY_OPS) {
      const a = randI(129, 21);
      const b = op === 'pow' ? randI(129, 22, 0, 4) : randI(129, 22);
      const v = contig([129]);
      await both([a, b], [{ size: 129, dtype: 'int32' }], (be, [x, y], [o]) => be.binary(op, x, v, y, v, o), `binary int ${op}`, 0, 0);
    }
  });

  it('where matches the CPU', async () => {
    const shape = [3, 7, 33];
    const cond = randI(7 * 33, 31, 0, 1);
    const a = randF(3 * 7 * 33, 32);
    const b = randF(33, 33);
    const cv: StridedView = { shape, strides: [0, 33, 1], offset: 0 };
    const bv: StridedView = { shape, strides: [0, 0, 1], offset: 0 };
    await both([cond, a, b], [{ size: 3 * 7 * 33, dtype: 'float32' }],
      (be, [c, x, y], [o]) => be.where(c, cv, x, contig(shape), y, bv, o), 'where');
    const fc = randF(257, 34);
    const v = contig([257]);
    await both([fc, randI(257, 35), randI(257, 36)], [{ size: 257, dtype: 'int32' }],
      (be, [c, x, y], [o]) => be.where(c, v, x, v, y, v, o), 'where int', 0, 0);
  });

  it('copyStrided and scatterStridedInPlace match the CPU', async () => {
    const x = randF(4 * 7 * 33, 41, -100, 100);
    x[5] = NaN;
    const views: StridedView[] = [
      { shape: [33, 7, 4], strides: [1, 33, 231], offset: 0 }, // permute
      { shape: [3, 5, 31], strides: [231, 33, 1], offset: 36 }, // slice
      { shape: [2, 924], strides: [0, 1], offset: 0 }, // expand
      contig([924]),
      { shape: [4, 0, 3], strides: [1, 1, 1], offset: 0 },
      { shape: [], strides: [], offset: 17 },
    ];
    for (const [i, v] of views.entries()) {
      const n = v.shape.reduce((p, d) => p * d, 1);
      await both([x], [{ size: n, dtype: 'float32' }], (be, [s], [o]) => be.copyStrided(s, v, o), `copyStrided ${i}`, 0, 0);
      await both([x], [{ size: n, dtype: 'int32' }], (be, [s], [o]) => be.copyStrided(s, v, o), `copyStrided f->i ${i}`, 0, 0);
    }
    const xi = randI(231, 42, -1000, 1000);
    await both([xi], [{ size: 231, dtype: 'float32' }], (be, [s], [o]) => be.copyStrided(s, views[0].shape.length ? { shape: [33, 7], strides: [1, 33], offset: 0 } : views[0], o), 'copyStrided i->f', 0, 0);
    // scatter a [3,5,31] block into a slice of a 924-element buffer
    const dst = randF(924, 43);
    const src = randF(3 * 5 * 31, 44);
    await both([src], [{ size: 924, dtype: 'float32', init: dst }], (be, [s], [d]) => be.scatterStridedInPlace(s, d, views[1]), 'scatter', 0, 0);
  });

  it('reductions match the CPU (NaN, ties, long rows)', async () => {
    const ops: ReduceOp[] = ['sum', 'max', 'min', 'argmax', 'argmin'];
    const shapes: [number, number, number][] = [[1, 1, 1], [3, 7, 5], [2, 33, 1], [1, 257, 3], [5, 129, 1], [1, 3000, 1], [2, 0, 3], [1, 1000, 7]];
    for (const op of ops) {
      for (const [outer, len, inner] of shapes) {
        const n = outer * len * inner;
        const outDtype: DType = op === 'argmax' || op === 'argmin' ? 'int32' : 'float32';
        const x = randF(n, n + 3);
        await both([x], [{ size: outer * inner, dtype: outDtype }], (be, [s], [o]) => be.reduce(op, s, outer, len, inner, o),
          `reduce ${op} [${outer},${len},${inner}]`, 1e-4, 1e-5);
        if (n > 10) {
          const xn = x.slice();
          xn[3] = NaN;
          xn[n - 2] = NaN;
          await both([xn], [{ size: outer * inner, dtype: outDtype }], (be, [s], [o]) => be.reduce(op, s, outer, len, inner, o),
            `reduce ${op} NaN [${outer},${len},${inner}]`, 1e-4, 1e-5);
          const ties = randI(n, n + 4, -3, 3); // many ties: first index must win
          const outI: DType = outDtype === 'int32' ? 'int32' : 'int32';
          await both([ties], [{ size: outer * inner, dtype: outI }], (be, [s], [o]) => be.reduce(op, s, outer, len, inner, o),
            `reduce ${op} int ties [${outer},${len},${inner}]`, 0, 0);
        }
      }
    }
  });

  it('matmul matches the CPU (transposes, batches, odd sizes)', async () => {
    const cases: [number, number, number, number][] = [
      [1, 1, 1, 1], [1, 7, 33, 129], [1, 33, 7, 5], [2, 65, 66, 67], [1, 64, 128, 32], [3, 5, 8, 12], [1, 129, 257, 8], [1, 4, 4, 0],
    ];
    for (const [batch, m, n, k] of cases) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const bcastB of batch > 1 ? [false, true] : [false]) {
            const args: MatmulArgs = { batch, m, n, k, transA, transB, aBatchStride: m * k, bBatchStride: bcastB ? 0 : k * n };
            const a = randF(batch * m * k, m * 3 + k, -1, 1);
            const b = randF((bcastB ? 1 : batch) * k * n, n * 5 + k, -1, 1);
            await both([a, b], [{ size: batch * m * n, dtype: 'float32' }], (be, [x, y], [o]) => be.matmul(x, y, o, args),
              `matmul ${JSON.stringify(args)}`, 1e-4, 1e-5);
          }
        }
      }
    }
  });

  it('softmax, logSoftmax, crossEntropy and its backward match the CPU', async () => {
    for (const [rows, cols] of [[1, 1], [7, 10], [3, 33], [2, 129], [4, 257], [2, 1000]]) {
      const x = randF(rows * cols, rows + cols, -5, 5);
      for (const log of [false, true]) {
        await both([x], [{ size: rows * cols, dtype: 'float32' }], (be, [s], [o]) => be.softmax(s, rows, cols, log, o),
          `softmax log=${log} ${rows}x${cols}`, 1e-5, 1e-6);
      }
      // in range: out-of-range labels are an error now (test/reliability/index-checks.test.ts)
      const labels = randI(rows, cols, 0, cols - 1);
      const scale = randF(rows, 9, 0.1, 1);
      for (const eps of [0, 0.1]) {
        await both([x, labels], [{ size: rows, dtype: 'float32' }], (be, [s, y], [o]) => be.crossEntropy(s, y, rows, cols, eps, o),
          `crossEntropy ${rows}x${cols} eps=${eps}`, 1e-4, 1e-5);
        await both([x, labels, scale], [{ size: rows * cols, dtype: 'float32' }],
          (be, [s, y, g], [o]) => be.crossEntropyBackward(s, y, g, rows, cols, eps, o), `crossEntropyBackward ${rows}x${cols} eps=${eps}`, 1e-4, 1e-6);
      }
    }
    const xn = new Float32Array([1, NaN, 2, 3, 4, 5]);
    await both([xn], [{ size: 6, dtype: 'float32' }], (be, [s], [o]) => be.softmax(s, 2, 3, false, o), 'softmax NaN row', 1e-5, 1e-6);
  });

  it('gather, gatherBackward and oneHot match the CPU', async () => {
    for (const [outer, axisLen, inner] of [[1, 7, 1], [3, 33, 5], [2, 129, 1], [1, 10, 257]]) {
      const x = randF(outer * axisLen * inner, axisLen);
      const idx = randI(13, axisLen + 1, 0, axisLen - 1); // duplicates; out of range is an error (see below)
      await both([x, idx], [{ size: outer * 13 * inner, dtype: 'float32' }], (be, [s, i], [o]) => be.gather(s, i, outer, axisLen, inner, o),
        `gather [${outer},${axisLen},${inner}]`, 0, 0);
      const xi = randI(outer * axisLen * inner, 3);
      await both([xi, idx], [{ size: outer * 13 * inner, dtype: 'int32' }], (be, [s, i], [o]) => be.gather(s, i, outer, axisLen, inner, o),
        `gather int [${outer},${axisLen},${inner}]`, 0, 0);
      const g = randF(outer * 13 * inner, 5);
      await both([g, idx], [{ size: outer * axisLen * inner, dtype: 'float32' }],
        (be, [s, i], [o]) => be.gatherBackward(s, i, outer, axisLen, inner, o), `gatherBackward [${outer},${axisLen},${inner}]`, 0, 0);
    }
    for (const [n, classes] of [[1, 1], [7, 10], [33, 3], [257, 10]]) {
      const y = randI(n, classes, 0, classes - 1);
      await both([y], [{ size: n * classes, dtype: 'float32' }], (be, [l], [o]) => be.oneHot(l, n, classes, o), `oneHot ${n}x${classes}`, 0, 0);
    }
  });

  it('an out-of-range label writes NaN and is reported at the next readback, once', async () => {
    const x = gpu.upload(randF(6, 1));
    const y = gpu.upload(Int32Array.from([0, 3]));
    const o = gpu.alloc(2, 'float32');
    gpu.crossEntropy(x, y, 2, 3, 0, o);
    await expect(gpu.read(o)).rejects.toThrow(/crossEntropy: label 3 is out of range: valid labels are 0 … 2 \(3 classes\) \(recorded on the GPU/);
    const r = await gpu.read(o);
    expect(Number.isFinite(r[0])).toBe(true);
    expect(r[1]).toBeNaN();
    for (const s of [x, y, o]) gpu.free(s);
  });

  it('records many dispatches into one submit', async () => {
    const x = gpu.upload(randF(257, 1));
    const tmp: Storage[] = [];
    await gpu.flush();
    gpu.resetStats();
    let cur = x;
    for (let i = 0; i < 50; i++) {
      const o = gpu.alloc(257, 'float32');
      gpu.unary('addScalar', cur, o, 1);
      tmp.push(o);
      cur = o;
    }
    const out = await gpu.read(cur);
    const st = gpu.stats();
    expect(st.dispatches).toBe(50);
    expect(st.submits).toBe(1);
    expect(st.readbacks).toBe(1);
    const want = await gpu.read(x);
    expectClose(out, want.map((v) => v + 50), 1e-5, 1e-5, 'chain');
    for (const s of [x, ...tmp]) gpu.free(s);
  });

  it('returns buffers to the pool and reuses them (also within one batch)', async () => {
    await gpu.flush();
    const base = gpu.stats();
    const a = gpu.alloc(1000, 'float32');
    expect(gpu.stats().liveBytes).toBeGreaterThan(base.liveBytes);
    expect(gpu.stats().liveStorages).toBe(base.liveStorages + 1);
    gpu.free(a);
    gpu.free(a); // idempotent
    const mid = gpu.stats();
    expect(mid.liveBytes).toBe(base.liveBytes);
    expect(mid.liveStorages).toBe(base.liveStorages);
    expect(mid.pooledBytes).toBeGreaterThan(0);
    const b = gpu.alloc(990, 'float32'); // same size class: comes from the pool
    expect(gpu.stats().pooledBytes).toBe(mid.pooledBytes - (gpu.stats().liveBytes - base.liveBytes));
    gpu.free(b);

    // reuse inside one batch: x -> y, free x, upload z (reuses x's buffer), all before a flush
    const xd = randF(300, 2);
    const zd = randF(300, 3);
    const x = gpu.upload(xd);
    await gpu.flush();
    const y = gpu.alloc(300, 'float32');
    gpu.unary('mulScalar', x, y, 2);
    gpu.free(x);
    const z = gpu.upload(zd);
    const w = gpu.alloc(300, 'float32');
    gpu.unary('addScalar', z, w, 1);
    const [yr, wr] = await Promise.all([gpu.read(y), gpu.read(w)]);
    expectClose(yr, xd.map((v) => v * 2), 1e-6, 0, 'reuse y');
    expectClose(wr, zd.map((v) => v + 1), 1e-6, 1e-7, 'reuse w');
    for (const s of [y, z, w]) gpu.free(s);
    expect(gpu.stats().liveBytes).toBe(base.liveBytes);
  });

  it('folds grids above 65535 workgroups into 2-D', async () => {
    const n = 65535 * 256 + 300;
    const o = poisoned(n, 'float32');
    gpu.fill(o, 3);
    const r = (await gpu.read(o)) as Float32Array;
    expect(r.length).toBe(n);
    let bad = -1;
    for (let i = 0; i < n; i++) if (r[i] !== 3) { bad = i; break; }
    expect(bad).toBe(-1);
    gpu.free(o);
  });

  /** every combination up to 8 switches; beyond that (matmul) all single switches and pairs */
  function* defineCombinations(names: string[]): Generator<Record<string, boolean>> {
    const masks: number[] = [];
    if (names.length <= 8) for (let m = 0; m < 1 << names.length; m++) masks.push(m);
    else {
      masks.push(0);
      for (let i = 0; i < names.length; i++) for (let j = i; j < names.length; j++) masks.push((1 << i) | (1 << j));
    }
    for (const mask of masks) yield Object.fromEntries(names.map((d, i) => [d, (mask & (1 << i)) !== 0]));
  }

  it('compiles every variant of every shaders/*.wgsl without errors or warnings', async () => {
    const device = gpu.device.device;
    for (const name of Object.keys(shaders).sort()) {
      const src = shaders[name];
      expect(src, `shaders/${name}.wgsl`).toBeTypeOf('string');
      const names = defineNames(src);
      for (const defines of defineCombinations(names)) {
        // float16 variants need the device's shader-f16 (lavapipe under Deno has it, SwiftShader not)
        if (!device.features.has('shader-f16') && Object.entries(defines).some(([k, v]) => v && isF16Define(k))) continue;
        const module = device.createShaderModule({ code: preprocess(src, defines) });
        const info = await module.getCompilationInfo();
        const msgs = info.messages.map((m) => `${m.type}: ${m.message} (line ${m.lineNum})`);
        expect(msgs, `${name} ${JSON.stringify(defines)}`).toEqual([]);
      }
    }
  });

  it('gives a clear error when there is no adapter', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: noAdapter })).rejects.toThrow(/webgrad: no WebGPU adapter found/);
  });

  it('reports device loss on every later call', async () => {
    const other = await createWebGPUBackend({ gpu: await getGpu() });
    const s = other.upload(new Float32Array([1, 2, 3]));
    other.device.device.destroy();
    // `lost` settles asynchronously: on wgpu (Firefox: a GPU process away) later than a fixed
    // 50 ms wait allowed. The backend's handler was attached first, so it has run after this.
    await other.device.device.lost;
    expect(() => other.alloc(4, 'float32')).toThrow(/webgrad: WebGPU device lost/);
    await expect(other.read(s)).rejects.toThrow(/webgrad: WebGPU device lost/);
  });
});
