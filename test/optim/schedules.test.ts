// Learning-rate schedules against PyTorch's formulas, written here independently (the
// recursive forms of torch.optim.lr_scheduler's get_lr where PyTorch uses them), and
// clipGradNorm against torch.nn.utils.clip_grad_norm_.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import {
  CosineAnnealingLR, ExponentialLR, LinearWarmup, type LRScheduler, MultiStepLR, OneCycleLR, SGD, StepLR, clipGradNorm, Adam,
} from '../../src/optim/index.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice } from '../helpers.js';

const f32 = (values: number[]): Tensor => tensor(Float32Array.from(values));

function sgd(lr = 0.1): SGD {
  return new SGD([f32([1]).requireGrad()], { lr, momentum: 0.9 });
}

/** lr after each of `steps` scheduler steps, including the value at construction */
function trace(s: LRScheduler, steps: number): number[] {
  const out = [s.getLastLr()[0]];
  for (let i = 0; i < steps; i++) {
    s.step();
    out.push(s.getLastLr()[0]);
  }
  return out;
}

function expectLrs(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g, `step ${i}`).toBeCloseTo(want[i], 12));
}

describe.each(devices)('LR schedules on %s', (device) => {
  useDevice(device);

  it('StepLR', () => {
    expectLrs(trace(new StepLR(sgd(), 3, 0.5), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('MultiStepLR', () => {
    expectLrs(trace(new MultiStepLR(sgd(), [2, 5], 0.1), 6), [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001]);
  });

  it('ExponentialLR', () => {
    expectLrs(trace(new ExponentialLR(sgd(), 0.9), 4), [0.1, 0.09, 0.081, 0.0729, 0.06561]);
  });

  it('CosineAnnealingLR follows PyTorch\'s recursive update', () => {
    const tMax = 10;
    const etaMin = 0.001;
    // torch: lr_t = ηmin + (lr_{t−1} − ηmin)·(1 + cos(π t/T)) / (1 + cos(π (t−1)/T))
    const want = [0.1];
    for (let t = 1; t <= tMax; t++) {
      const prev = want[t - 1];
      want.push(etaMin + ((prev - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / (1 + Math.cos((Math.PI * (t - 1)) / tMax)));
    }
    expectLrs(trace(new CosineAnnealingLR(sgd(), tMax, etaMin), tMax), want);
  });

  it('LinearWarmup ramps then hands over to the wrapped schedule', () => {
    const opt = sgd(0.1);
    const after = new StepLR(opt, 2, 0.5);
    const s = new LinearWarmup(opt, 4, { startFactor: 0.25, after });
    // LinearLR(0.25, 1, 4): 0.025, 0.04375, 0.0625, 0.08125; then StepLR from its step 0
    expectLrs(trace(s, 8), [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('OneCycleLR (cos, two phases) matches PyTorch, momentum cycles inversely', () => {
    const opt = sgd(0.1);
    const total = 10;
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: total });
    const initial = 1 / 25;
    const min = initial / 1e4;
    const cos = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    const want: number[] = [];
    const momenta: number[] = [];
    const up = 0.3 * total - 1; // end step of the warm phase
    for (let t = 0; t < total; t++) {
      if (t <= up) {
        want.push(cos(initial, 1, t / up));
        momenta.push(cos(0.95, 0.85, t / up));
      } else {
        want.push(cos(1, min, (t - up) / (total - 1 - up)));
        momenta.push(cos(0.85, 0.95, (t - up) / (total - 1 - up)));
      }
    }
    const gotMomenta = [opt.paramGroups[0].momentum];
    const got = [s.getLastLr()[0]];
    for (let t = 1; t < total; t++) {
      s.step();
      got.push(s.getLastLr()[0]);
      gotMomenta.push(opt.paramGroups[0].momentum);
    }
    expectLrs(got, want);
    expectLrs(gotMomenta, momenta);
    s.step();
    expect(() => s.step()).toThrow(/more than totalSteps/);
  });

  it('OneCycleLR three-phase linear cycles Adam\'s β1', () => {
    const opt = new Adam([f32([1]).requireGrad()], { lr: 0.1 });
    const s = new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 20, threePhase: true, annealStrategy: 'linear', pctStart: 0.25 });
    const lrs = trace(s, 19);
    // phases end at steps 4, 8, 19: initial → max → initial → min
    expect(lrs[0]).toBeCloseTo(0.02, 12);
    expect(lrs[4]).toBeCloseTo(0.5, 12);
    expect(lrs[6]).toBeCloseTo((0.5 + 0.02) / 2, 12);
    expect(lrs[8]).toBeCloseTo(0.02, 12);
    expect(lrs[19]).toBeCloseTo(0.02 / 1e4, 12);
    expect(opt.paramGroups[0].betas[0]).toBeCloseTo(0.95, 12);
  });

  it('clipGradNorm scales gradients to maxNorm and returns the pre-clip norm', async () => {
    const a = f32([3, 0]).requireGrad();
    const b = f32([4]).requireGrad();
    const c = f32([1]).requireGrad();
    a.grad = f32([3, 0]);
    b.grad = f32([4]);
    const norm = clipGradNorm([a, b, c], 1);
    expect(await norm.item()).toBeCloseTo(5, 5);
    const scale = 1 / (5 + 1e-6);
    expectClose(await a.grad.data(), [3 * scale, 0]);
    expectClose(await b.grad.data(), [4 * scale]);
    // below the threshold nothing changes
    expect(await clipGradNorm([a, b], 10).item()).toBeCloseTo(1, 5);
    expectClose(await b.grad.data(), [4 * scale]);
  });
});
