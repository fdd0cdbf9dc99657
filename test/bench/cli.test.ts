// The bench CLIs' shared flag parser: typed values, defaults, and errors for anything unknown.
import { describe, expect, it } from 'vitest';
import { CliError, parseFlagsOrThrow, usage } from '../../bench/harness/cli.js';

const SPEC = {
  iterations: { kind: 'int', default: 5, describe: 'timed steps' },
  sizes: { kind: 'ints', default: [256, 512], describe: 'sizes' },
  lr: { kind: 'number', describe: 'learning rate' },
  loss: { kind: 'string', choices: ['svm', 'softmax'], default: 'svm', describe: 'loss' },
  standardize: { kind: 'boolean', describe: 'divide by the std' },
} as const;

describe('bench CLI flags (node:util parseArgs)', () => {
  it('reads --flag value and --flag=value alike, with types and defaults', () => {
    expect(parseFlagsOrThrow(SPEC, [])).toEqual({ iterations: 5, sizes: [256, 512], lr: undefined, loss: 'svm', standardize: false });
    expect(parseFlagsOrThrow(SPEC, ['--iterations', '7', '--sizes=64,128', '--lr', '2e-3', '--loss=softmax', '--standardize']))
      .toEqual({ iterations: 7, sizes: [64, 128], lr: 2e-3, loss: 'softmax', standardize: true });
    // the form bench/optim.ts used to ignore
    expect(parseFlagsOrThrow(SPEC, ['--iterations', '3']).iterations).toBe(3);
  });

  it('rejects unknown flags, missing values, bad numbers and values outside the choices', () => {
    expect(() => parseFlagsOrThrow(SPEC, ['--iteration', '3'])).toThrow(/Unknown option '--iteration'/);
    expect(() => parseFlagsOrThrow(SPEC, ['stray'])).toThrow(CliError);
    expect(() => parseFlagsOrThrow(SPEC, ['--iterations'])).toThrow(/--iterations <value>' argument missing/);
    expect(() => parseFlagsOrThrow(SPEC, ['--iterations', '2.5'])).toThrow(/--iterations: '2.5' is not an integer/);
    expect(() => parseFlagsOrThrow(SPEC, ['--lr', 'fast'])).toThrow(/--lr: 'fast' is not a number/);
    expect(() => parseFlagsOrThrow(SPEC, ['--sizes', '64,,128'])).toThrow(/--sizes: '' is not a number/);
    expect(() => parseFlagsOrThrow(SPEC, ['--loss', 'hinge'])).toThrow(/--loss must be one of svm, softmax; got 'hinge'/);
    expect(() => parseFlagsOrThrow(SPEC, ['--standardize=yes'])).toThrow(/does not take an argument/);
  });

  it('--help is a CliError marked help; the usage lists every flag with its default', () => {
    let err: unknown;
    try {
      parseFlagsOrThrow(SPEC, ['-h']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).help).toBe(true);
    const text = usage('tool', SPEC);
    for (const line of ['--iterations <int>', '(default 5)', '--sizes <ints>', '(default 256,512)', '--loss svm|softmax', '--standardize'])
      expect(text).toContain(line);
  });
});
