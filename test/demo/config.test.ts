// The page's settings: one name per setting for the form, URL parameters and `npm run bench`.
import { describe, expect, it } from 'vitest';
import { applySetting, configFromParams, cropPadding, configToParams, DEFAULT_CONFIG, learningRate, type TrainConfig } from '../../demo/src/config.js';
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
    expect(() => parseArgs(['--cropPad=-1'])).toThrow(/cropPad must be a non-negative integer/);
    expect(() => parseArgs(['--cropPad', '-1'])).toThrow(/ambiguous/); // parseArgs's reading of a value that looks like a flag
  });

  it('bench flags: a peer run defaults to a fixed number of steps; unknown flags are errors', () => {
    expect(parseArgs(['--peer', 'tfjs,tfjs-webgl']).config).toMatchObject({ peer: ['tfjs', 'tfjs-webgl'], steps: 50 });
    expect(parseArgs(['--peer=tfjs', '--steps', '30']).config.steps).toBe(30);
    expect(() => parseArgs(['--nonsense', '1'])).toThrow(/Unknown option '--nonsense'/);
    expect(() => parseArgs(['--steps'])).toThrow(/argument missing/);
    expect(() => parseArgs(['--batch', 'x'])).toThrow(/--batch must be a non-negative integer; got 'x'/);
  });

  it('the default run is the best one-epoch recipe measured: batch 16, Adam 2e-3 one-cycle, flip + ±2 px; the page plots accuracy as it trains', () => {
    const { config, download } = parseArgs([]);
    expect(config).toMatchObject({ model: 'convnetjs', batch: 16, optimizer: 'adam', schedule: 'onecycle', augment: true, epochs: 1, evalEvery: 0 });
    expect(learningRate(config)).toBe(2e-3);
    expect(cropPadding(config)).toBe(2);
    expect(download).toBe(true);
    expect(parseArgs(['--no-augment', '--no-download'])).toMatchObject({ config: { augment: false }, download: false });
    expect(DEFAULT_CONFIG.evalEvery).toBeGreaterThan(0); // the page: test accuracy on a subset during training
  });
});
