// Row 1 of issue 14: `kill -9` during saveSafetensors must leave the complete old or the
// complete new file. A child process (bundled once with esbuild so each start is a plain
// `node` launch) saves an 8 MB checkpoint in a loop and is SIGKILLed at random moments; after
// every kill the target parses strictly and all its values equal one generation number that
// its metadata also names.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../src/io/safetensors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src/io/atomic-write.js';
import { loadOptimizerCheckpoint, saveOptimizerCheckpoint } from '../../../src/io/node-fs.js';
import { createCpuBackend } from '../../../src/backend/cpu/index.js';
import { tensor } from '../../../src/creation.js';
import { Adam } from '../../../src/optim/index.js';
import { withTemporaryBackend } from '../../helpers.js';

let dir = '';
let childJs = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgrad-atomic-'));
  childJs = join(dir, 'save-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./save-child.ts', import.meta.url))],
    bundle: true, platform: 'node', format: 'esm', outfile: childJs, external: ['webgpu'], logLevel: 'error',
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** the generation a complete checkpoint holds; throws when the file is partial or mixed */
async function generationOf(path: string): Promise<number> {
  const { tensors, metadata } = parseSafetensors(new Uint8Array(await readFile(path)));
  const gen = Number(metadata.generation);
  expect(Object.keys(tensors).sort()).toEqual(['a', 'b']);
  expect(tensors.a.data.length).toBe(1_960_000);
  expect(tensors.b.data.length).toBe(24_000);
  for (const t of Object.values(tensors)) for (let i = 0; i < t.data.length; i += 9973) expect(t.data[i]).toBe(gen);
  expect(tensors.a.data[1_959_999]).toBe(gen);
  return gen;
}

/** the save time seen so far (ms): kill moments are drawn across about one save */
let saveMs = 300;

/** Starts a child, lets it finish `saves` saves, then SIGKILLs it after a random delay within about one save. */
function runAndKill(target: string, firstGen: number, saves: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, target, String(firstGen)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let lines = 0;
    let t0 = 0;
    const arm = (): void => { setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * saveMs * 1.2)); };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n').filter(Boolean)) {
        if (line === 'ready') t0 = Date.now();
        else {
          saveMs = 0.7 * saveMs + 0.3 * (Date.now() - t0);
          t0 = Date.now();
        }
        if (lines++ === saves) arm();
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('atomic saves', () => {
  it('kill -9 at random moments during saveSafetensors: the file is always a complete checkpoint', async () => {
    const target = join(dir, 'ckpt.safetensors');
    const started = Date.now();
    let kills = 0;
    let last = -1;
    const seen = new Set<number>();
    // random kill moments: after 0–1 complete saves, then anywhere within about one more save
    while (kills < 40 && Date.now() - started < 13_000) {
      const firstGen = (kills + 1) * 1000;
      await runAndKill(target, firstGen, Math.floor(Math.random() * 2));
      kills++;
      let gen: number;
      try {
        gen = await generationOf(target);
      } catch (e) {
        if (last < 0 && (e as NodeJS.ErrnoException).code === 'ENOENT') continue; // killed before the very first save finished
        throw e;
      }
      // the complete old (an earlier child's) or the complete new (this child's) checkpoint
      expect(gen === last || (gen >= firstGen && gen < firstGen + 1000), `generation ${gen} after kill ${kills} (previous ${last})`).toBe(true);
      seen.add(gen);
      last = gen;
    }
    expect(kills).toBeGreaterThanOrEqual(6);
    expect(seen.size, 'some kills must land after a save completed').toBeGreaterThan(1);
  }, 30_000);

  it('writeFileAtomic replaces the file whole and leaves no temp file; a failed write keeps the old file', async () => {
    const target = join(dir, 'result.json');
    writeFileAtomicSync(target, '{"old":true}');
    await writeFileAtomic(target, '{"new":true}');
    expect(await readFile(target, 'utf8')).toBe('{"new":true}');
    await expect(writeFileAtomic(join(dir, 'no-such-folder', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(await readFile(target, 'utf8')).toBe('{"new":true}');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') && f.startsWith('.result'))).toEqual([]);
  });

  it('optimizer checkpoints are saved atomically and load back', async () => {
    await withTemporaryBackend(createCpuBackend(), async () => {
      const p = tensor([1, 2, 3], [3], { requiresGrad: true });
      const opt = new Adam([p], { lr: 0.1 });
      p.mul(p).sum().backward();
      opt.step();
      const path = join(dir, 'adam.safetensors');
      await saveOptimizerCheckpoint(path, opt);
      const again = new Adam([p], { lr: 0.5 });
      await loadOptimizerCheckpoint(path, again);
      expect(again.paramGroups[0].lr).toBe(0.1);
      await expect(loadOptimizerCheckpoint(join(dir, 'ckpt-missing.safetensors'), again)).rejects.toThrow(/ENOENT/);
      expect((await readdir(dir)).filter((f) => f.startsWith('.adam'))).toEqual([]);
      opt.dispose();
      again.dispose();
      p.dispose();
    });
  });
});
