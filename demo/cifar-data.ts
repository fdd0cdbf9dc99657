// Node side of `npm run bench` and `npm run demo`: find the CIFAR-10 folder to serve, or
// download the official archive (170 MB, once, MD5-checked, with a progress bar) into the
// cache folder when none exists. Offline, the error lists where it looked and what failed.
import { dirname } from 'node:path';
import { CIFAR10_URL, defaultCacheDir, fetchCifar10Archive, locateCifar10, progressBar } from '../src/data/node.js';

export interface EnsureOptions {
  /** a folder the user named (--data): searched first; when given and empty nothing is downloaded */
  dir?: string;
  /** false: fail instead of downloading */
  download: boolean;
  /** where messages go (default stderr) */
  log?: (line: string) => void;
}

/** The folder holding CIFAR-10 (batch files or the official archive), downloading it into the cache if need be. */
export async function ensureCifar10(opts: EnsureOptions): Promise<string> {
  const log = opts.log ?? ((line: string) => console.error(line));
  let notFound: Error;
  try {
    return dirname((await locateCifar10({ dir: opts.dir }))[0]);
  } catch (e) {
    notFound = e as Error;
  }
  if (!opts.download || opts.dir) throw notFound;
  const cache = await defaultCacheDir();
  log(`CIFAR-10 was not found here; downloading ${CIFAR10_URL} (170 MB, once) into ${cache}`);
  try {
    await fetchCifar10Archive({ cacheDir: cache, onProgress: progressBar('CIFAR-10') });
  } catch (e) {
    throw new Error(`${notFound.message}\n${(e as Error).message}`);
  }
  return cache;
}
