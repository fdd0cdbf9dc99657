// `npm run bench:host`'s flags through the shared parser: the old names and defaults, case
// letters, the lower bounds, unknown flags rejected.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../bench/harness/cli.js';
import { parseHostArgs, USAGE } from '../../bench/host/args.js';

describe('npm run bench:host flags', () => {
  it('keeps the defaults and flag names it had', () => {
    expect(parseHostArgs([])).toEqual({
      cases: ['convnetjs-sgd', 'convnetjs-adam', 'mlp', 'vgg-bn', 'airbench'], steps: 20, reps: 5, warmup: 10,
      tfjs: true, compiled: true, breakdown: false, pageSteps: 0, jsonPath: 'bench/results/host.json',
    });
    expect(parseHostArgs(['--reps', '5', '--steps', '20', '--cases=a,mlp,e', '--no-tfjs', '--no-compiled', '--breakdown', '--page', '30', '--json', 'x.json']))
      .toEqual({ cases: ['convnetjs-sgd', 'mlp', 'airbench'], steps: 20, reps: 5, warmup: 10, tfjs: false, compiled: false, breakdown: true, pageSteps: 30, jsonPath: 'x.json' });
  });

  it('rejects unknown flags and cases, non-integers and values under the bounds', () => {
    expect(() => parseHostArgs(['--rep', '5'])).toThrow(/Unknown option '--rep'/);
    expect(() => parseHostArgs(['--cases', 'a,f'])).toThrow(/--cases: unknown case 'f'/);
    expect(() => parseHostArgs(['--steps', '2.5'])).toThrow(/--steps: '2.5' is not an integer/);
    expect(() => parseHostArgs(['--steps', '0'])).toThrow(/--steps needs an integer ≥ 1/);
    expect(() => parseHostArgs(['--warmup', '1'])).toThrow(/--warmup needs an integer ≥ 2/);
    expect(() => parseHostArgs(['--page', '1'])).toThrow(/--page needs an integer ≥ 2/);
    expect(() => parseHostArgs(['--page'])).toThrow(CliError);
  });

  it('--help is a CliError marked help; the usage lists the flags', () => {
    expect(() => parseHostArgs(['--help'])).toThrow(expect.objectContaining({ help: true }));
    for (const flag of ['--cases <strings>', '--reps <int>', '(default 5)', '--no-tfjs', '--page <int>', '--json <value>']) expect(USAGE).toContain(flag);
  });
});
