// ReduceLROnPlateau against PyTorch: the learning rate after each step(metric) for the same
// metric sequence and settings. The expected rates were printed by
//   python3 test/fixtures/torch-habits-values.py      (Debian python3-torch 1.13)
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { tensor } from '../../src/creation.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions, SGD } from '../../src/optim/index.js';
import { setBackend } from '../../src/runtime.js';

const METRICS = [1.0, 0.9, 0.95, 0.9, 0.91, 0.9, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.84, 0.8401, 0.85, 0.9, 0.9, 0.9, 0.9, 0.9];

const sgd = (groups = 1): SGD => {
  setBackend(createCpuBackend());
  return new SGD(Array.from({ length: groups }, (_, i) => ({ params: [tensor(new Float32Array([1])).requireGrad()], lr: 0.1 * (i + 1) })), { lr: 0.1 });
};

describe('ReduceLROnPlateau', () => {
  const cases: [string, ReduceLROnPlateauOptions, number[]][] = [
    ['min, defaults, patience 2', { mode: 'min', patience: 2 },
      [0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.0001, 0.0001, 0.0001, 1e-05, 1e-05]],
    ['max, abs threshold, cooldown 2', { mode: 'max', factor: 0.5, patience: 1, threshold: 0.01, thresholdMode: 'abs', cooldown: 2 },
      [0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625, 0.00625, 0.003125, 0.003125]],
    ['min, rel threshold 0.05, patience 0, minLr', { mode: 'min', factor: 0.5, patience: 0, threshold: 0.05, minLr: 0.02 },
      [0.1, 0.1, 0.05, 0.025, ...Array(16).fill(0.02)]],
  ];

  it.each(cases)('%s: the rates PyTorch gives', (_name, opts, want) => {
    const opt = sgd();
    const s = new ReduceLROnPlateau(opt, opts);
    const got = METRICS.map((m) => {
      s.step(m);
      return s.getLastLr()[0];
    });
    got.forEach((g, i) => expect(g, `step ${i + 1}`).toBeCloseTo(want[i], 12));
    expect(s.lastEpoch).toBe(METRICS.length);
  });

  it('per-group minLr, NaN counts as no improvement, state round trip', () => {
    const opt = sgd(2);
    const s = new ReduceLROnPlateau(opt, { patience: 0, minLr: [0.05, 0.01] });
    s.step(1);
    s.step(NaN);
    expect(s.getLastLr().map((v) => +v.toFixed(12))).toEqual([0.05, 0.02]);
    const state = s.stateDict();
    const t = new ReduceLROnPlateau(opt, { patience: 0, minLr: [0.05, 0.01] });
    t.loadStateDict(state);
    expect(t.best).toBe(1);
    t.step(2);
    expect(t.getLastLr().map((v) => +v.toFixed(12))).toEqual([0.05, 0.01]);
  });

  it('bad settings are named', () => {
    const opt = sgd();
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor must be in \[0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => new ReduceLROnPlateau(opt, { patience: -1 })).toThrow(/patience must be a non-negative integer/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(/minLr has 2 entries for 1 parameter groups/);
    expect(() => new ReduceLROnPlateau(opt).step(Promise.resolve(1) as unknown as number)).toThrow(/metric must be a number \(await loss.item\(\) first\)/);
  });
});
