// No runtime import cycle anywhere in src/: module evaluation order then never decides whether
// a binding exists yet (the failure mode of the old load-order hooks). The checker itself is
// tested on a small tree with a known cycle, so this file cannot pass by finding nothing.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { findImportCycles, runtimeImports } from '../../scripts/import-cycles.mjs';

const find = findImportCycles as (dir: string, root?: string) => string[][];
const importsOf = runtimeImports as (file: string) => string[];
const repo = join(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** [importer, imported] pairs (repo-relative) of runtime imports from files matching `from` to files matching `to` */
function edges(from: RegExp, to: RegExp): string[] {
  const rel = (f: string) => relative(repo, f).split(sep).join('/');
  return tsFiles(join(repo, 'src')).filter((f) => from.test(rel(f)))
    .flatMap((f) => importsOf(f).filter((d) => to.test(rel(d))).map((d) => `${rel(f)} -> ${rel(d)}`));
}

describe('import cycles', () => {
  it('src/ has no runtime import cycle', () => {
    const cycles = find(join(repo, 'src'), repo).map((c) => c.join(' → '));
    expect(cycles, `runtime import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('layers: the ops and below use the Tensor core, launchers and data/ never import a CPU twin', () => {
    // src/tensor.ts installs the op methods from above the ops; below it only the core exists
    expect(edges(/^src\/(ops|autograd\/backward|runtime|launch|tensor-core|backend)\b/, /^src\/tensor\.ts$/)).toEqual([]);
    expect(edges(/^src\/(backend\/webgpu|data|ops|nn|optim|classic|train|io)\//, /^src\/backend\/cpu\//)).toEqual([]);
    // the check itself sees imports: the CPU backend's index imports its kernels
    expect(edges(/^src\/backend\/cpu\/index\.ts$/, /^src\/backend\/cpu\//).length).toBeGreaterThan(5);
  });

  const dir = mkdtempSync(join(tmpdir(), 'webgrad-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  };

  it('names a cycle through value imports, re-exports and side-effect imports', () => {
    write({
      'a.ts': "import { b } from './sub/b.js';\nexport const a = () => b;\n",
      'sub/b.ts': "export * from '../c.js';\nexport const b = 1;\n",
      'c.ts': "import '../x/a.js';\nimport './a.js';\nexport const c = 2;\n",
    });
    expect(find(dir, dir)).toEqual([['a.ts', 'sub/b.ts', 'c.ts', 'a.ts']]);
  });

  it('ignores type-only imports and files outside the cycle', () => {
    write({
      'a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'b.ts': "import type { A } from './a.js';\nimport { type A2 } from './a.js';\nexport type { A3 } from './a.js';\nexport const b = 1;\n",
      'c.ts': "import { a } from './a.js';\nexport const c = a;\n",
    });
    expect(find(dir, dir)).toEqual([]);
  });

  it('reports a mixed import (one value binding) as runtime', () => {
    write({
      'a.ts': "import {\n  type B,\n  b,\n} from './b.js';\nexport const a = b;\n",
      'b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(find(dir, dir)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
