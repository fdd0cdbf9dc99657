// The one way every CLI in bench/ (and demo/serve.ts) reads its flags: node:util's
// parseArgs in strict mode, so an unknown flag or a missing value is an error, plus typed
// conversion (int, number, lists) with errors that name the flag, and a usage text built
// from the same table. `--flag value` and `--flag=value` both work; `-h` / `--help` prints
// the usage.
import { parseArgs } from 'node:util';

export type FlagKind = 'string' | 'boolean' | 'int' | 'number' | 'ints' | 'numbers' | 'strings';

export interface Flag {
  kind: FlagKind;
  /** shown in the usage; a flag without a default (booleans: false) is undefined when absent */
  default?: string | number | boolean | readonly (string | number)[];
  describe: string;
  /** for 'string' flags: the accepted values */
  choices?: readonly string[];
}

type KindValue<K extends FlagKind> = K extends 'boolean' ? boolean
  : K extends 'int' | 'number' ? number
  : K extends 'ints' | 'numbers' ? number[]
  : K extends 'strings' ? string[]
  : string;

export type FlagValues<S extends Record<string, Flag>> = {
  -readonly [K in keyof S]: S[K]['kind'] extends 'boolean' ? boolean
    : S[K] extends { default: unknown } ? KindValue<S[K]['kind']> : KindValue<S[K]['kind']> | undefined;
};

/** A bad command line: its message names the problem; `help` is set for -h / --help. */
export class CliError extends Error {
  constructor(message: string, readonly help = false) {
    super(message);
  }
}

export function usage(command: string, spec: Record<string, Flag>, intro = ''): string {
  const rows = Object.entries(spec).map(([name, f]) => {
    const value = f.kind === 'boolean' ? '' : f.choices ? ` ${f.choices.join('|')}` : ` <${f.kind === 'string' ? 'value' : f.kind}>`;
    const dflt = f.default === undefined || f.kind === 'boolean' ? '' : ` (default ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)})`;
    return [`  --${name}${value}`, `${f.describe}${dflt}`];
  });
  const width = Math.min(34, Math.max(...rows.map((r) => r[0].length)) + 2);
  const lines = rows.map(([flag, text]) => (flag.length < width ? flag.padEnd(width) + text : `${flag}\n${' '.repeat(width)}${text}`));
  return `usage: ${command} [flags]${intro ? `\n${intro}` : ''}\n${lines.join('\n')}\n  -h, --help`.replace(/\n{2,}/g, '\n');
}

function convert(name: string, flag: Flag, raw: string): unknown {
  const number = (s: string): number => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name}: '${s}' is not a number`);
    if ((flag.kind === 'int' || flag.kind === 'ints') && !Number.isInteger(n)) throw new CliError(`--${name}: '${s}' is not an integer`);
    return n;
  };
  switch (flag.kind) {
    case 'int': case 'number': return number(raw);
    case 'ints': case 'numbers': return raw.split(',').map(number);
    case 'strings': return raw.split(',').map((s) => s.trim());
    default:
      if (flag.choices && !flag.choices.includes(raw)) throw new CliError(`--${name} must be one of ${flag.choices.join(', ')}; got '${raw}'`);
      return raw;
  }
}

/** Parses `argv` against `spec`; throws CliError on anything it does not know. */
export function parseFlagsOrThrow<S extends Record<string, Flag>>(spec: S, argv: readonly string[]): FlagValues<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, f] of Object.entries(spec)) options[name] = { type: f.kind === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (e) {
    // node's messages ("Unknown option '--x'", "Option '--steps <value>' argument missing") are clear; drop its advice about '--'
    throw new CliError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.values.help) throw new CliError('', true);
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) {
    const raw = parsed.values[name];
    if (f.kind === 'boolean') out[name] = raw === true;
    else if (typeof raw === 'string') out[name] = convert(name, f, raw);
    else out[name] = Array.isArray(f.default) ? [...f.default] : f.default;
  }
  return out as FlagValues<S>;
}

/**
 * Parses the process's flags (or `argv`); on -h / --help prints the usage and exits 0, on a
 * bad flag prints the problem and the usage to stderr and exits 2.
 */
export function parseFlags<S extends Record<string, Flag>>(command: string, spec: S, opts: { intro?: string; argv?: readonly string[] } = {}): FlagValues<S> {
  try {
    return parseFlagsOrThrow(spec, opts.argv ?? process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    if (e.help) {
      console.log(usage(command, spec, opts.intro));
      process.exit(0);
    }
    console.error(`${command}: ${e.message}\n${usage(command, spec, opts.intro)}`);
    process.exit(2);
  }
}
