// Turns a WGSL file's `#if NAME` / `#elif NAME` directives into a call of wgsl-preprocessor's
// template tag (the package has no `main`, so its file is imported by path), with each NAME
// looked up in `defines` (absent names are false). A name in `defines` that the source never
// tests is an error: a misspelt switch would otherwise compile the wrong variant silently.
// wgsl-preprocessor treats every `#` as a directive, so shader files use `#` for nothing else
// (scripts/gen-shaders.mjs checks).
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

const DIRECTIVE = /#(if|elif)[ \t]+([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Prepended to a variant with a float16 switch on (any define named `F16` or ending in `_F16`):
 * the `enable f16;` directive (the device has `shader-f16`, or no such variant is built) and
 * toF16, the f32 → f16 store every float16 kernel uses. WGSL leaves a conversion outside
 * f16's finite range undefined, so overflow gives ±inf and NaN a quiet NaN explicitly, as the
 * CPU reference (src/backend/half.ts) does; in range the hardware rounds to a neighbour.
 */
const F16_PRELUDE = `enable f16;
fn toF16(v: f32) -> f16 {
  // no bit patterns: a constant NaN / infinity is a shader-creation error, and naga has no
  // bitcast to vec2<f16>; IEEE arithmetic on runtime values makes them instead
  let bits = bitcast<u32>(v) & 0x7fffffffu;
  var h = f16(clamp(v, -65504.0, 65504.0));
  if (bits > 0x7f800000u) { h = f16(0.0); return h / h; }
  if (abs(v) >= 65520.0) { return h * 2.0h; } // ±65504 · 2 overflows to ±inf
  return h;
}
`;

export const isF16Define = (name: string): boolean => name === 'F16' || name.endsWith('_F16');

export function preprocess(source: string, defines: Readonly<Record<string, boolean | undefined>> = {}): string {
  const prelude = Object.entries(defines).some(([k, v]) => v && isF16Define(k)) ? F16_PRELUDE : '';
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
  return prelude + wgsl(strings, ...values);
}

/** The names a source's directives test, so tests can enumerate variants. */
export function defineNames(source: string): string[] {
  return [...new Set([...source.matchAll(DIRECTIVE)].map((m) => m[2]))];
}
