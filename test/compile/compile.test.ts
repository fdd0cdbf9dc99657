// wg.compile: a compiled step gives the eager step's results bit for bit (same kernels, same
// order), refreshes the per-call host values (scheduler and manual learning rates, Adam's step
// count, dropout seeds), records again for new shapes and after a storage it uses is freed,
// names what cannot be replayed, and frees what it holds.
import { describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { setPoisonOutputs } from '../../src/runtime.js';
import { devices, useDevice } from '../helpers.js';

type Step = (x: wg.Tensor, y: wg.Tensor) => wg.Tensor;

function convNet(): wg.nn.Module {
  wg.manualSeed(11);
  return new wg.nn.Sequential(
    new wg.nn.Conv2d(3, 4, 3, { padding: 1 }), new wg.nn.ReLU(), new wg.nn.MaxPool2d(2),
    new wg.nn.Flatten(), new wg.nn.Dropout(0.25), new wg.nn.Linear(4 * 4 * 4, 5));
}

/** One training step of `model` with `opt`: zeroGrad, cross-entropy, backward, step; the loss returned. */
function trainingStep(model: wg.nn.Module, opt: { zeroGrad(): void; step(): void }): Step {
  return (x, y) => {
    opt.zeroGrad();
    const loss = wg.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
}

/** the step compiled, or eager in a tidy scope per call (what the compiled one must equal) */
function stepper(body: Step, compiled: boolean): Step {
  return compiled ? wg.compile(body) : (x, y) => wg.tidy(() => body(x, y));
}

/** 30 steps of a conv net with Adam + OneCycleLR + dropout; batch 3 at steps 12 and 13, a manual lr at step 20 */
async function train(compiled: boolean): Promise<{ losses: number[]; params: Float32Array[]; step: Step & Partial<wg.CompiledFunction<[wg.Tensor, wg.Tensor], wg.Tensor>> }> {
  const model = convNet();
  const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
  const sched = new wg.optim.OneCycleLR(opt, { maxLr: 3e-2, totalSteps: 40 });
  const step = stepper(trainingStep(model, opt), compiled);
  const losses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const b = i === 12 || i === 13 ? 3 : 6;
    const x = wg.randn([b, 3, 8, 8], { seed: 100 + i });
    const y = wg.randint(0, 5, [b], { seed: 200 + i });
    const loss = step(x, y);
    losses.push(await loss.item());
    loss.dispose();
    x.dispose();
    y.dispose();
    sched.step();
    if (i === 20) for (const g of opt.paramGroups) g.lr *= 0.5; // by hand, after the scheduler
  }
  const params = await Promise.all(model.parameters().map(async (p) => (await p.data()) as Float32Array));
  model.dispose();
  opt.dispose();
  return { losses, params, step: step as never };
}

describe.each(devices)('wg.compile on %s', (device) => {
  useDevice(device);

  it('30 steps of a conv net (Adam, OneCycleLR, dropout, a batch-size change, a manual lr) equal eager bit for bit', async () => {
    setPoisonOutputs(false);
    const eager = await train(false);
    const compiled = await train(true);
    expect(compiled.losses).toEqual(eager.losses);
    compiled.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(eager.params[i])));
    // the losses move: the lr schedule, the dropout masks and the batches take effect
    expect(new Set(eager.losses).size).toBe(30);
    // batch 6, batch 3, and batch 6 again: the batch-3 step dropped the gradients the first recording writes
    if (device === 'webgpu') expect(compiled.step.recordings).toBe(3);
    compiled.step.dispose!();
  });

  it('replays are one submit with no op dispatch in JavaScript', async () => {
    setPoisonOutputs(false);
    const model = convNet();
    const opt = new wg.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const step = wg.compile(trainingStep(model, opt));
    const x = wg.randn([4, 3, 8, 8], { seed: 1 });
    const y = wg.randint(0, 5, [4], { seed: 2 });
    for (let i = 0; i < 3; i++) step(x, y).dispose(); // eager, captured, replayed
    await wg.flush();
    wg.resetStats();
    const before = wg.stats().liveStorages;
    const loss = step(x, y);
    await wg.flush();
    const s = wg.stats();
    if (device === 'webgpu') {
      expect(s.submits).toBe(1);
      expect(s.dispatches).toBeGreaterThan(10);
      expect(s.recordingBytes).toBeGreaterThan(0);
      expect(s.liveStorages).toBe(before); // the returned loss aliases the recording's output
    }
    expect(Number.isFinite(await loss.item())).toBe(true);
    loss.dispose();
    step.dispose();
    model.dispose();
    opt.dispose();
    x.dispose();
    y.dispose();
  });

  it('a loadStateDict between calls records again, and the results stay eager', async () => {
    setPoisonOutputs(false);
    const run = async (compiled: boolean) => {
      const model = convNet();
      const saved = model.stateDict();
      const copies = Object.fromEntries(Object.entries(saved).map(([k, t]) => [k, t.detach().mul(1).keep()]));
      const opt = new wg.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const step = stepper(trainingStep(model, opt), compiled);
      const x = wg.randn([4, 3, 8, 8], { seed: 5 });
      const y = wg.randint(0, 5, [4], { seed: 6 });
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) {
        if (i === 4) model.loadStateDict(copies); // replaces the parameters' storages
        const l = step(x, y);
        losses.push(await l.item());
        l.dispose();
      }
      for (const t of Object.values(copies)) t.dispose();
      model.dispose();
      opt.dispose();
      x.dispose();
      y.dispose();
      return { losses, step: step as Step & Partial<wg.CompiledFunction<[wg.Tensor, wg.Tensor], wg.Tensor>> };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.losses).toEqual(eager.losses);
    if (device === 'webgpu') expect(compiled.step.recordings).toBeGreaterThanOrEqual(2);
    compiled.step.dispose!();
  });

  it('Muon + SGD (airbench\'s split) with a decaying lr, a momentum change and options switched mid-run equal eager bit for bit, replayed', async () => {
    setPoisonOutputs(false);
    const run = async (compiled: boolean) => {
      const model = convNet();
      const filters = model.parameters().filter((p) => p.shape.length >= 2);
      const rest = model.parameters().filter((p) => p.shape.length < 2);
      const muon = new wg.optim.Muon(filters, { lr: 0.05, momentum: 0.6, nsSteps: 3 });
      const sgd = new wg.optim.SGD(rest, { lr: 0.05, momentum: 0.9, nesterov: true });
      const opt = { zeroGrad: () => { muon.zeroGrad(); sgd.zeroGrad(); }, step: () => { muon.step(); sgd.step(); } };
      const step = stepper(trainingStep(model, opt), compiled);
      const x = wg.randn([6, 3, 8, 8], { seed: 7 });
      const y = wg.randint(0, 5, [6], { seed: 8 });
      const losses: number[] = [];
      for (let i = 0; i < 14; i++) {
        for (const g of muon.paramGroups) g.lr = 0.05 * (1 - i / 14); // linear decay, as airbench
        if (i === 6) muon.paramGroups[0].momentum = 0.8;
        if (i === 10) muon.paramGroups[0].weightDecay = 0.1; // a new multiply: records again
        if (i === 12) sgd.paramGroups[0].nesterov = false; // another SGD kernel: records again
        const l = step(x, y);
        losses.push(await l.item());
        l.dispose();
      }
      const params = await Promise.all(model.parameters().map(async (p) => Array.from((await p.data()) as Float32Array)));
      const steps = muon.stateDict().state[0].step;
      for (const t of [x, y]) t.dispose();
      model.dispose();
      muon.dispose();
      sgd.dispose();
      return { losses, params, steps, step: step as Step & Partial<wg.CompiledFunction<[wg.Tensor, wg.Tensor], wg.Tensor>> };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.losses).toEqual(eager.losses);
    compiled.params.forEach((p, i) => expect(p).toEqual(eager.params[i]));
    expect(new Set(eager.losses).size).toBe(14);
    // a replay counts Muon's steps as an eager step does
    expect(compiled.steps).toBe(14);
    expect(eager.steps).toBe(14);
    // the first, after weight decay switched on, after nesterov switched off; a switch consumes
    // no dropout draw or step count before the step records again (the losses above)
    if (device === 'webgpu') expect(compiled.step.recordings).toBe(3);
    compiled.step.dispose!();
  });

  it('compileGuard: a host flag the step depends on makes it record again when it changes', async () => {
    setPoisonOutputs(false);
    const run = async (compiled: boolean) => {
      const w = wg.randn([3, 2], { seed: 1, requiresGrad: true });
      const b = wg.zeros([2], { requiresGrad: true });
      const opt = new wg.optim.SGD([w, b], { lr: 0.1 });
      let frozen = false;
      const step = stepper((x, y) => {
        opt.zeroGrad();
        const f = frozen;
        wg.compileGuard(() => frozen === f);
        const loss = wg.functional.crossEntropy(x.matmul(w).add(f ? b.detach() : b), y);
        loss.backward();
        opt.step();
        return loss;
      }, compiled);
      const x = wg.randn([5, 3], { seed: 2 });
      const y = wg.randint(0, 2, [5], { seed: 3 });
      const biases: number[][] = [];
      for (let i = 0; i < 8; i++) {
        frozen = i >= 4;
        step(x, y).dispose();
        biases.push(Array.from(await b.data()));
      }
      for (const t of [w, b, x, y]) t.dispose();
      opt.dispose();
      return { biases, step: step as Step & Partial<wg.CompiledFunction<[wg.Tensor, wg.Tensor], wg.Tensor>> };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.biases).toEqual(eager.biases);
    expect(eager.biases[3]).not.toEqual(eager.biases[2]); // trained, then frozen
    expect(eager.biases[7]).toEqual(eager.biases[3]);
    if (device === 'webgpu') expect(compiled.step.recordings).toBe(2);
    compiled.step.dispose!();
  });

  it('a readback inside the compiled function is an error that names it', async () => {
    const w = wg.randn([3, 2], { seed: 1 });
    const step = wg.compile((x: wg.Tensor) => {
      const y = x.matmul(w);
      y.data().catch(() => undefined); // a host branch on tensor values would need this
      return y;
    });
    const x = wg.randn([4, 3], { seed: 2 });
    step(x).dispose(); // eager
    if (device === 'webgpu') {
      expect(() => step(x)).toThrow(/compiled function reads a tensor back/);
      // the error is sticky per call, never a silent stale replay
      expect(() => step(x)).toThrow(/reads a tensor back/);
    }
    step.dispose();
    w.dispose();
    x.dispose();
    await wg.flush().catch(() => undefined);
  });

  it('a compiled function called from inside another one is an error', async () => {
    const inner = wg.compile((x: wg.Tensor) => x.mul(2));
    const outer = wg.compile((x: wg.Tensor) => inner(x).add(1));
    const x = wg.randn([4], { seed: 3 });
    outer(x).dispose();
    if (device === 'webgpu') expect(() => outer(x)).toThrow(/nested compiled steps/);
    inner.dispose();
    outer.dispose();
    x.dispose();
  });

  it("the replays place temporaries by their lives: three stages' temporaries of three size classes share the largest stage's buffers", async () => {
    setPoisonOutputs(false);
    const widths = [1024, 640, 832]; // [64, w] float32: size classes of 256, 160 and 224 KiB
    const ws = widths.map((w, i) => wg.randn([256, w], { seed: 20 + i }));
    const body = (a: wg.Tensor) => {
      const sums = ws.map((w) => {
        const t = a.matmul(w);
        const sq = t.square(); // t and sq live at once: a stage needs two buffers of its class
        const s = sq.sum();
        t.dispose();
        sq.dispose();
        return s;
      });
      return sums[0].add(sums[1]).add(sums[2]);
    };
    const step = wg.compile(body);
    for (let i = 0; i < 4; i++) {
      const a = wg.randn([64, 256], { seed: 30 + i });
      const want = await wg.tidy(() => body(a)).data();
      const out = step(a);
      expect(Array.from(await out.data())).toEqual(Array.from(want));
      out.dispose();
      a.dispose();
    }
    if (device === 'webgpu') {
      // each class's own peak (what same-class reuse held): 2 × (256 + 160 + 224) KiB; placed: 2 × 256 KiB and the scalars
      expect(step.recordings).toBe(1);
      expect(wg.stats().recordingBytes).toBeGreaterThanOrEqual(2 * 256 * 1024);
      expect(wg.stats().recordingBytes).toBeLessThan(2 * 256 * 1024 + 8 * 1024);
    }
    step.dispose();
    for (const w of ws) w.dispose();
  });

  it('dispose() returns live bytes to the baseline; 1,000 compiled steps keep them flat', async () => {
    setPoisonOutputs(false);
    const w1 = wg.randn([8, 16], { seed: 1, requiresGrad: true });
    const w2 = wg.randn([16, 3], { seed: 2, requiresGrad: true });
    const opt = new wg.optim.Adam([w1, w2], { lr: 1e-3 });
    const x = wg.randn([12, 8], { seed: 3 });
    const y = wg.randint(0, 3, [12], { seed: 4 });
    const body = (xx: wg.Tensor, yy: wg.Tensor) => {
      opt.zeroGrad();
      const loss = wg.functional.crossEntropy(xx.matmul(w1).relu().matmul(w2), yy);
      loss.backward();
      opt.step();
      return loss;
    };
    wg.tidy(() => body(x, y)); // optimizer state and gradients exist, as after any step
    await wg.flush();
    const baseline = wg.stats().liveBytes;
    const step = wg.compile(body);
    for (let i = 0; i < 10; i++) step(x, y).dispose();
    await wg.flush();
    const settled = wg.stats();
    for (let i = 0; i < 1000; i++) {
      step(x, y).dispose();
      if (i % 100 === 99) await wg.flush();
    }
    await wg.flush();
    expect(wg.stats().liveBytes).toBe(settled.liveBytes);
    expect(wg.stats().liveStorages).toBe(settled.liveStorages);
    step.dispose();
    await wg.flush();
    expect(wg.stats().liveBytes).toBe(baseline);
    expect(wg.stats().recordingBytes).toBe(0);
    for (const t of [w1, w2, x, y]) t.dispose();
    opt.dispose();
  });
});
