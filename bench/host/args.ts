// Command-line flags of `npm run bench:host`, parsed by the shared bench/harness/cli.ts
// (node:util parseArgs, unknown flags rejected, --help).
import { CliError, parseFlagsOrThrow, usage, type Flag } from '../harness/cli.js';
import { CASE_NAMES, CASES, type CaseName } from './cases.js';

export interface HostArgs {
  cases: CaseName[];
  steps: number;
  reps: number;
  warmup: number;
  tfjs: boolean;
  compiled: boolean;
  breakdown: boolean;
  /** --page N: also run the page for N steps (0: not) */
  pageSteps: number;
  jsonPath: string;
}

export const FLAGS = {
  cases: { kind: 'strings', default: CASE_NAMES, describe: `which cases, as letters or names (${CASE_NAMES.map((n) => `${CASES[n].letter}: ${n}`).join(', ')})` },
  steps: { kind: 'int', default: 20, describe: 'timed steps per runner per repetition' },
  reps: { kind: 'int', default: 5, describe: 'interleaved repetitions' },
  warmup: { kind: 'int', default: 10, describe: 'untimed steps before the first repetition (2 before later ones)' },
  'no-tfjs': { kind: 'boolean', describe: 'skip TensorFlow.js' },
  'no-compiled': { kind: 'boolean', describe: 'skip wg.compile' },
  breakdown: { kind: 'boolean', describe: "afterwards, time every Dawn call of webgrad's steps (µs per step per call)" },
  page: { kind: 'int', describe: "also run `npm run bench -- --synthetic --steps N` in headless Chromium and report the page's host line (record + flush ms per step)" },
  json: { kind: 'string', default: 'bench/results/host.json', describe: 'where the result goes' },
} satisfies Record<string, Flag>;

export const USAGE = usage('npm run bench:host --', FLAGS,
  "Host cost per training step on Dawn's Null backend: webgrad eager and compiled, TensorFlow.js's WebGPU backend for (a) and (c).");

function atLeast(flag: string, n: number, min: number): number {
  if (n < min) throw new CliError(`--${flag} needs an integer ≥ ${min}, got ${n}`);
  return n;
}

/** a case by name or letter (a-e); throws CliError for anything else */
export function caseNamed(s: string): CaseName {
  const hit = CASE_NAMES.find((n) => n === s || CASES[n].letter === s);
  if (!hit) throw new CliError(`--cases: unknown case '${s}' (${CASE_NAMES.join(', ')} or a-e)`);
  return hit;
}

/** Parses the flags; throws CliError (help set for --help) on anything unknown or invalid. */
export function parseHostArgs(argv: readonly string[]): HostArgs {
  const f = parseFlagsOrThrow(FLAGS, argv);
  return {
    cases: f.cases.map(caseNamed),
    steps: atLeast('steps', f.steps, 1),
    reps: atLeast('reps', f.reps, 1),
    warmup: atLeast('warmup', f.warmup, 2),
    tfjs: !f['no-tfjs'],
    compiled: !f['no-compiled'],
    breakdown: f.breakdown,
    pageSteps: f.page === undefined ? 0 : atLeast('page', f.page, 2),
    jsonPath: f.json,
  };
}
