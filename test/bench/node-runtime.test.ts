// `npm run bench -- --runtime node`: the page's training session in Node on Dawn (no browser),
// end to end on synthetic data: the run trains, evaluates and writes the bench's JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/cifar/args.js';

describe('npm run bench -- --runtime node', () => {
  it('trains the page\'s session in Node and writes the result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgrad-node-run-'));
    try {
      const json = join(dir, 'run.json');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cifar.ts', '--runtime', 'node', '--synthetic', '--model', 'mlp',
        '--steps', '4', '--lossEvery', '1', '--tune', '0', '--json', json], { encoding: 'utf8', timeout: 300_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/test accuracy\s+\d+\.\d\d% of 200/);
      const result = JSON.parse(readFileSync(json, 'utf8')) as { steps: number; testAccuracy: number; browser: string; losses: { loss: number }[] };
      expect(result.steps).toBe(4);
      expect(result.browser).toMatch(/^Node .*Dawn/);
      expect(result.testAccuracy).toBeGreaterThan(0.2); // 10 classes: chance is 0.1; synthetic classes are learnt in a few steps
      expect(result.losses.length).toBe(4);
      expect(result.losses[3].loss).toBeLessThan(result.losses[0].loss);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects --peer, which trains TensorFlow.js in the page', () => {
    expect(() => parseArgs(['--runtime', 'node', '--peer', 'tfjs'])).toThrow(/--peer .* needs --runtime chromium/);
    expect(() => parseArgs(['--runtime', 'firefox'])).toThrow(/--runtime must be one of chromium, node/);
    expect(parseArgs([]).runtime).toBe('chromium');
  });
});
