// Turns a WGSL file's `#if NAME` / `#elif NAME` directives into a call of wgsl-preprocessor's
// template tag (the package has no `main`, so its file is imported by path), with each NAME
// looked up in `defines` (absent names are false). A name in `defines` that the source never
// tests is an error: a misspelt switch would otherwise compile the wrong variant silently.
// wgsl-preprocessor treats every `#` as a directive, so shader files use `#` for nothing else
// (scripts/gen-shaders.mjs checks).
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

const DIRECTIVE = /#(if|elif)[ \t]+([A-Za-z_][A-Za-z0-9_]*)/g;

export function preprocess(source: string, defines: Readonly<Record<string, boolean | undefined>> = {}): string {
  const strings: string[] = [];
  const values: boolean[] = [];
  const tested = new Set<string>();
  let last = 0;
  for (const m of source.matchAll(DIRECTIVE)) {
    tested.add(m[2]);
    strings.push(source.slice(last, m.index) + `#${m[1]} `);
    values.push(!!defines[m[2]]);
    last = m.index! + m[0].length;
  }
  strings.push(source.slice(last));
  for (const name of Object.keys(defines))
    if (!tested.has(name))
      throw new Error(`webgrad: shader define ${name} is not an #if switch of this shader (its switches: ${[...tested].join(', ') || 'none'})`);
  return wgsl(strings, ...values);
}

/** The names a source's directives test, so tests can enumerate variants. */
export function defineNames(source: string): string[] {
  return [...new Set([...source.matchAll(DIRECTIVE)].map((m) => m[2]))];
}
