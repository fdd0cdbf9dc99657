// Node only (reached from 'webgrad/node'): finding a dataset folder on disk.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Split } from './dataset.js';

/** A folder to look in and why (for the error message when nothing is found). */
export interface SearchPlace {
  dir: string;
  reason: string;
}

/** The folder downloads are cached in: $WEBGRAD_CACHE, else $XDG_CACHE_HOME/webgrad or ~/.cache/webgrad. */
export async function defaultCacheDir(): Promise<string> {
  if (process.env.WEBGRAD_CACHE) return resolve(process.env.WEBGRAD_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'webgrad');
}

/**
 * The folders to search, in order: the `dir` option, $WEBGRAD_DATA, ../shared/datasets
 * (relative to the working directory), then any extra places. Each base folder is tried
 * as it is and with the dataset's subfolder name (e.g. WEBGRAD_DATA holding cifar10/).
 */
export async function searchPlaces(dir: string | undefined, subfolder: string, extra: readonly SearchPlace[] = []): Promise<SearchPlace[]> {
  const bases: SearchPlace[] = [];
  if (dir) bases.push({ dir: resolve(dir), reason: 'the dir option' });
  if (process.env.WEBGRAD_DATA) bases.push({ dir: resolve(process.env.WEBGRAD_DATA), reason: 'env WEBGRAD_DATA' });
  const places = bases.flatMap((b) => [{ dir: join(b.dir, subfolder), reason: b.reason }, b]);
  places.push({ dir: resolve('..', 'shared', 'datasets', subfolder), reason: '../shared/datasets relative to the working directory' });
  return [...places, ...extra];
}

/** The first of `names` that exists as a file in `dir`, as a full path. */
export async function firstExistingFile(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile()) return path;
  }
  return undefined;
}

/** A dataset layout: for a folder, the files to read (or what is missing there). */
export type LayoutProbe = (dir: string, splits: readonly Split[]) => Promise<{ files: string[] } | { missing: string }>;

/** Tries each place with the probe; throws one error that lists every place and what was missing. */
export async function locateDataset(label: string, places: readonly SearchPlace[], splits: readonly Split[], probe: LayoutProbe, hint: string): Promise<string[]> {
  const misses: string[] = [];
  for (const place of places) {
    const found = await probe(place.dir, splits);
    if ('files' in found) return found.files;
    misses.push(`  ${place.dir} (${place.reason}): ${found.missing}`);
  }
  throw new Error(`webgrad: ${label} not found. Looked in:\n${misses.join('\n')}\n${hint}`);
}
