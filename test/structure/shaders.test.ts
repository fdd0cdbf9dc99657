// The TypeScript <-> WGSL contract: the generated names match the files, each shader gets the
// prelude helpers it calls exactly once, and a define the shader never tests is an error.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineNames, preprocess } from '../../src/backend/webgpu/preprocess.js';
import { shaderDefines, shaders } from '../../src/backend/webgpu/shaders.generated.js';

const dir = join(__dirname, '../../shaders');
const prelude = readFileSync(join(dir, 'prelude.wgsl'), 'utf8');
const helpers = [...prelude.matchAll(/^fn\s+(\w+)/gm)].map((m) => m[1]);

describe('shader contract', () => {
  it('generates one entry per shaders/*.wgsl file (the prelude is not one)', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.wgsl') && f !== 'prelude.wgsl').map((f) => f.slice(0, -5));
    expect(Object.keys(shaders).sort()).toEqual(files.sort());
    for (const [name, src] of Object.entries(shaders))
      expect([...(shaderDefines as Record<string, readonly string[]>)[name]].sort(), name).toEqual(defineNames(src).sort());
  });

  it('each shader defines each prelude helper it calls exactly once, and no copy of its own', () => {
    expect(helpers).toEqual(expect.arrayContaining(['isNan', 'infF', 'nanF', 'sexp', 'slog', 'flatIndex']));
    let appended = 0;
    for (const [name, src] of Object.entries(shaders)) {
      const own = readFileSync(join(dir, `${name}.wgsl`), 'utf8');
      for (const h of helpers) {
        expect(own, `${name}.wgsl redefines ${h}`).not.toMatch(new RegExp(`^\\s*fn\\s+${h}\\s*\\(`, 'm'));
        const defs = src.match(new RegExp(`^fn\\s+${h}\\s*\\(`, 'gm'))?.length ?? 0;
        const called = new RegExp(`\\b${h}\\s*\\(`).test(own);
        if (called) expect(defs, `${name}: ${h}`).toBe(1);
        if (defs) appended++;
      }
    }
    expect(appended).toBeGreaterThan(10);
  });

  it('preprocess rejects a define the shader never tests, naming the known ones', () => {
    expect(() => preprocess(shaders.augment, { FLOAT_IMPUT: true })).toThrow(/FLOAT_IMPUT is not an #if switch of this shader \(its switches: FLOAT_INPUT, REFLECT\)/);
    expect(preprocess(shaders.augment, { FLOAT_INPUT: true })).toContain('array<f32>');
    expect(preprocess(shaders.augment, {})).not.toContain('#');
  });
});
