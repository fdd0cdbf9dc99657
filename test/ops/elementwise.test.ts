// Elementwise ops: every unary op, every binary op with broadcasting and scalar operands,
// where, clamp, cast, on odd sizes.
import { describe, it } from 'vitest';
import * as wg from '../../src/index.js';
import { where } from '../../src/ops/index.js';
import { conform, devices, useDevice } from '../helpers.js';
import type { Tensor } from '../../src/tensor.js';
import { type OpCase, opSuite } from '../op-suite.js';

const POS: [number, number] = [0.1, 3];
const unaryCases: [string, (x: Tensor) => Tensor, [number, number]?][] = [
  ['neg', (x) => x.neg()],
  ['exp', (x) => x.exp()],
  ['log', (x) => x.log(), POS],
  ['sqrt', (x) => x.sqrt(), POS],
  ['abs', (x) => x.abs()],
  ['square', (x) => x.square()],
  ['reciprocal', (x) => x.reciprocal(), POS],
  ['relu', (x) => x.relu()],
  ['leakyRelu(0.1)', (x) => x.leakyRelu(0.1)],
  ['elu', (x) => x.elu()],
  ['sigmoid', (x) => x.sigmoid(), [-8, 8]],
  ['tanh', (x) => x.tanh(), [-4, 4]],
  ['gelu', (x) => x.gelu(), [-6, 6]],
  ['pow scalar 3', (x) => x.pow(3)],
  ['pow scalar 0.5', (x) => x.pow(0.5), POS],
  ['x * 3 + 1', (x) => x.mul(3).add(1)],
  ['1 / x', (x) => x.reciprocal().mul(1), POS],
  ['clamp(-0.5, 0.7)', (x) => x.clamp(-0.5, 0.7)],
];

const SIZES = [[1], [7, 33], [257]];

const cases: OpCase[] = [];
for (const [name, fn, range] of unaryCases) {
  for (const shape of SIZES) cases.push({ name: `${name} [${shape}]`, inputs: [{ shape, range }], fn });
}

const binaryCases: [string, (a: Tensor, b: Tensor) => Tensor, [number, number]?, [number, number]?][] = [
  ['add', (a, b) => a.add(b)],
  ['sub', (a, b) => a.sub(b)],
  ['mul', (a, b) => a.mul(b)],
  ['div', (a, b) => a.div(b), undefined, POS],
  ['pow', (a, b) => a.pow(b), POS, [-2, 2]],
  ['maximum', (a, b) => a.maximum(b)],
  ['minimum', (a, b) => a.minimum(b)],
];
const SHAPE_PAIRS: [number[], number[]][] = [
  [[129], [129]],
  [[7, 33], [33]],
  [[7, 1, 5], [1, 9, 5]],
  [[1], [3, 7]],
];
for (const [name, fn, ra, rb] of binaryCases)
  for (const [sa, sb] of SHAPE_PAIRS)
    cases.push({ name: `${name} [${sa}] ∘ [${sb}]`, inputs: [{ shape: sa, range: ra }, { shape: sb, range: rb }], fn });

cases.push(
  { name: '2 - x (scalar on the left)', inputs: [{ shape: [33] }], fn: (x) => x.mul(-1).add(2) },
  { name: 'greater (no gradient)', inputs: [{ shape: [7, 33] }, { shape: [33] }], fn: (a, b) => a.greater(b), noGrad: true },
  { name: 'equal on int32', inputs: [{ shape: [65], dtype: 'int32' }, { shape: [65], dtype: 'int32' }], fn: (a, b) => a.equal(b), noGrad: true },
  { name: 'int32 add and mul', inputs: [{ shape: [65], dtype: 'int32' }, { shape: [1], dtype: 'int32' }], fn: (a, b) => a.add(b).mul(3), noGrad: true },
  {
    name: 'where(cond, a, b) broadcast',
    inputs: [{ shape: [7, 33], grad: false }, { shape: [7, 33] }, { shape: [33] }],
    fn: (c, a, b) => where(c.greater(0), a, b),
  },
  { name: 'cast int32 → float32', inputs: [{ shape: [33], dtype: 'int32' }], fn: (x) => x.cast('float32'), noGrad: true },
  { name: 'cast float32 → int32 (truncates)', inputs: [{ shape: [33], range: [-5, 5] }], fn: (x) => x.cast('int32'), noGrad: true },
);

opSuite('elementwise', cases);

// NaN must travel through every op (a NaN that an activation turns into 0 hides a diverged
// training run); the random cases above have no NaN, so check it explicitly.
describe.each(devices)('NaN propagation on %s', (device) => {
  useDevice(device);
  const withNaN = () => wg.tensor(new Float32Array([NaN, -1, 0, 2, NaN, 3]), [2, 3]);
  for (const [name, fn] of [
    ['relu', (x: wg.Tensor) => x.relu()],
    ['leakyRelu', (x: wg.Tensor) => x.leakyRelu(0.1)],
    ['sign', (x: wg.Tensor) => x.sign()],
    ['sigmoid', (x: wg.Tensor) => x.sigmoid()],
    ['gelu', (x: wg.Tensor) => x.gelu()],
    ['max over rows', (x: wg.Tensor) => x.max(1)],
    ['sum over rows', (x: wg.Tensor) => x.sum(1)],
    ['softmax', (x: wg.Tensor) => x.softmax()],
  ] as const) {
    it(`${name} keeps NaN where the reference has it`, async () => {
      await conform(() => fn(withNaN()));
    });
  }
});
