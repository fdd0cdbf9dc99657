// The page's settings: one name per setting for the form, URL parameters and `npm run bench`.
import { describe, expect, it } from 'vitest';
import { applySetting, configFromParams, cropPadding, configToParams, DEFAULT_CONFIG, type TrainConfig } from '../../demo/src/config.js';
import { parseArgs } from '../../bench/cifar/args.js';

describe('training config', () => {
  it('takes one or several TensorFlow.js peers, and names a wrong one', () => {
    const cfg: TrainConfig = { ...DEFAULT_CONFIG };
    applySetting(cfg, 'peer', 'tfjs');
    expect(cfg.peer).toEqual(['tfjs']);
    applySetting(cfg, 'peer', 'tfjs, tfjs-webgl');
    expect(cfg.peer).toEqual(['tfjs', 'tfjs-webgl']);
    expect(() => applySetting(cfg, 'peer', 'tfjs,onnx')).toThrow(/onnx/);
  });

  it('round-trips through URL parameters', () => {
    const cfg: TrainConfig = { ...DEFAULT_CONFIG, model: 'mlp', lr: 5e-4, schedule: 'cosine', peer: ['tfjs-webgl', 'tfjs'], augment: true };
    expect(configFromParams(configToParams(cfg))).toEqual(cfg);
  });

  it("the crop's shift range: per model by default (ConvNetJS's own 2 px), or set", () => {
    expect(cropPadding({ ...DEFAULT_CONFIG, model: 'convnetjs' })).toBe(2);
    expect(cropPadding({ ...DEFAULT_CONFIG, model: 'vgg-bn' })).toBe(4);
    const cfg = parseArgs(['--augment', '--cropPad', '3']).config;
    expect(cropPadding(cfg)).toBe(3);
    expect(configFromParams(configToParams(cfg))).toEqual(cfg);
    expect(() => parseArgs(['--cropPad', '-1'])).toThrow(/cropPad must be a non-negative integer/);
  });

  it('bench flags: a peer run defaults to a fixed number of steps; unknown flags are errors', () => {
    expect(parseArgs(['--peer', 'tfjs,tfjs-webgl']).config).toMatchObject({ peer: ['tfjs', 'tfjs-webgl'], steps: 50 });
    expect(parseArgs(['--peer=tfjs', '--steps', '30']).config.steps).toBe(30);
    expect(() => parseArgs(['--nonsense', '1'])).toThrow(/unknown setting 'nonsense'/);
  });
});
