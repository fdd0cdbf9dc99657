// Turns a WGSL file's `#if NAME` / `#elif NAME` directives into a call of wgsl-preprocessor's
// template tag (the package has no `main`, so its file is imported by path), with each NAME looked up in `defines` (missing names are false).
// wgsl-preprocessor treats every `#` as a directive, so shader files use `#` for nothing else.
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

const DIRECTIVE = /#(if|elif)[ \t]+([A-Za-z_][A-Za-z0-9_]*)/g;

export function preprocess(source: string, defines: Record<string, boolean> = {}): string {
  const strings: string[] = [];
  const values: boolean[] = [];
  let last = 0;
  for (const m of source.matchAll(DIRECTIVE)) {
    strings.push(source.slice(last, m.index) + `#${m[1]} `);
    values.push(!!defines[m[2]]);
    last = m.index! + m[0].length;
  }
  strings.push(source.slice(last));
  return wgsl(strings, ...values);
}

/** The names a source's directives test, so tests can enumerate variants. */
export function defineNames(source: string): string[] {
  return [...new Set([...source.matchAll(DIRECTIVE)].map((m) => m[2]))];
}
