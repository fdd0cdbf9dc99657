// PyTorch habits: children and parameters assigned as class fields are registered (as
// PyTorch's __setattr__ does), and wg.nn.summary tabulates a forward pass.
import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/creation.js';
import { Conv2d, BatchNorm2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, summary } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { keep, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice } from '../helpers.js';
import { stats } from '../../src/init.js';

class Net extends Module {
  fc1 = new Linear(4, 3, { seed: 1 });
  act = new ReLU();
  scale = randn([3], { seed: 2, requiresGrad: true });
  fc2 = new Linear(3, 2, { seed: 3 });
  /** not registered: a plain tensor (PyTorch registers only Parameters and Modules), a number, an array */
  constant = tensor(new Float32Array([1, 2, 3]));
  width = 3;
  notAChild = [new Linear(1, 1)];
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)).mul(this.scale));
  }
}

describe.each(devices)('class-field registration on %s', (device) => {
  useDevice(device);

  it('registers fields holding modules and requiresGrad tensors, in PyTorch\'s order', async () => {
    const net = new Net();
    // a module's own parameters come before its children's: PyTorch 1.13 lists the same Net
    // (fc1, act, scale = Parameter, fc2 set in __init__) as scale, fc1.weight, fc1.bias, ...
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [3]], ['fc1.weight', [3, 4]], ['fc1.bias', [3]], ['fc2.weight', [2, 3]], ['fc2.bias', [2]],
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(Object.keys(net.stateDict())).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.toString()).toContain('(fc2): Linear(in=3, out=2, bias=true)');
    // an optimizer built from parameters() trains them
    const opt = new SGD(net.parameters(), { lr: 0.5 });
    const before = Array.from(await net.scale.data());
    tidy(() => net.forward(tensor(new Float32Array(8).fill(1), [2, 4])).sum().backward());
    opt.step();
    expect(Array.from(await net.scale.data())).not.toEqual(before);
    net.dispose();
  });

  it('follows a reassigned field in place, drops a field set to null, and eval() reaches field children', () => {
    const net = new Net();
    net.parameters();
    const first = net.fc1;
    net.fc1 = new Linear(4, 3, { bias: false });
    expect(net.namedParameters().map(([n]) => n)).toEqual(['scale', 'fc1.weight', 'fc2.weight', 'fc2.bias']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']); // fc1 kept its place
    (net as { act: Module | null }).act = null;
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'fc2']);
    net.eval();
    expect(net.fc2.training).toBe(false);
    first.dispose();
    net.dispose();
  });

  it('a field pointing back up the tree is listed once; explicit registration still works beside fields', () => {
    class Inner extends Module {
      parent: Module | null = null;
      lin = new Linear(2, 2);
    }
    class Outer extends Module {
      inner = new Inner();
      readonly extra = this.registerModule('extra', new Linear(2, 1));
    }
    const m = new Outer();
    m.inner.parent = m;
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'extra', 'inner', 'inner.lin']);
    expect(m.parameterCount()).toBe(6 + 3);
    m.dispose();
  });

  it('a field whose name an explicit registration took with another value is an error naming it', () => {
    class Clash extends Module {
      w = keep(randn([2], { requiresGrad: true }));
      constructor() {
        super();
        this.registerParameter('w', randn([2]));
      }
    }
    expect(() => new Clash().parameters()).toThrow(/Clash: field 'w' holds a parameter but 'w' is already registered with another value/);
  });
});

describe.each(devices)('wg.nn.summary on %s', (device) => {
  useDevice(device);

  it('lists layers, output shapes, parameters and FLOPs, runs in eval, frees everything', async () => {
    const model = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
      new Flatten(), new Sequential(new Linear(8 * 4 * 4, 10), new ReLU()));
    const nbt = model.stateDict()['1.num_batches_tracked'];
    const live = stats().liveStorages;
    const s = summary(model, [2, 3, 8, 8]);
    expect(stats().liveStorages).toBe(live);
    expect(model.training).toBe(true);
    expect(await nbt.item()).toBe(0); // ran in eval mode: batch norm statistics untouched
    expect(s.rows.map((r) => [r.name, r.type, r.depth, r.outputShape, r.params])).toEqual([
      ['', 'Sequential', 0, [2, 10], 224 + 16 + 1290],
      ['0', 'Conv2d', 1, [2, 8, 8, 8], 224],
      ['1', 'BatchNorm2d', 1, [2, 8, 8, 8], 16],
      ['2', 'ReLU', 1, [2, 8, 8, 8], 0],
      ['3', 'MaxPool2d', 1, [2, 8, 4, 4], 0],
      ['4', 'Flatten', 1, [2, 128], 0],
      ['5', 'Sequential', 1, [2, 10], 1290],
      ['5.0', 'Linear', 2, [2, 10], 1290],
      ['5.1', 'ReLU', 2, [2, 10], 0],
    ]);
    const conv = 2 * 8 * 8 * 8 * (2 * 3 * 9 + 1);
    const bn = 2 * 2 * 8 * 8 * 8;
    const relu = 2 * 8 * 8 * 8;
    const pool = 2 * 8 * 4 * 4 * 4;
    const fc = 2 * 10 * (2 * 128 + 1);
    expect(s.rows.map((r) => r.flops)).toEqual([conv + bn + relu + pool + fc + 20, conv, bn, relu, pool, 0, fc + 20, fc, 20]);
    expect(s.totalFlops).toBe(conv + bn + relu + pool + fc + 20);
    expect(s.totalParams).toBe(1530);
    expect(s.trainableParams).toBe(1530);
    const text = s.toString();
    expect(text).toMatch(/^Layer \(type\)\s+Output shape\s+Params\s+FLOPs\n/);
    expect(text).toContain('  5 (Sequential)');
    expect(text).toContain('    5.0 (Linear)');
    expect(text).toContain('Total params: 1,530   Trainable: 1,530');
    // the model is unchanged: its own forward still runs and no instance property is left
    expect(Object.getOwnPropertyNames(model.at(0))).not.toContain('forward');
    const x = randn([1, 3, 8, 8], { seed: 4 });
    expectClose(await tidy(() => model.eval().forward(x)).data(), Array.from(await tidy(() => model.forward(x)).data()));
    model.dispose();
  });

  it('marks a leaf of unknown type and counts the rest; bad shapes are named', () => {
    class Custom extends Module {
      w = randn([4, 4], { requiresGrad: true });
      override forward(x: Tensor): Tensor { return x.matmul(this.w); }
    }
    const model = new Sequential(new Linear(3, 4), new Custom());
    const s = summary(model, [5, 3]);
    expect(s.unknownFlops).toEqual(['1']);
    expect(s.rows[2].flops).toBeNull();
    expect(s.totalFlops).toBe(5 * 4 * (2 * 3 + 1));
    expect(s.toString()).toContain('(not counted: 1)');
    expect(() => summary(model, [0, 3])).toThrow(/inputShape \[0,3\] must be positive integers/);
    expect(() => summary(model, [5, 7])).toThrow(/linear: input \[5,7\] has 7 features/);
    expect(Object.getOwnPropertyNames(model.at(0))).not.toContain('forward');
    model.dispose();
  });
});
