// Downloading the official CIFAR-10 archive once, into a cache: a folder in Node, Cache
// Storage in the browser. The download is parsed while it arrives (the stream is teed to
// the cache and to the parser), and the cache entry is kept only when the parse succeeded,
// so a broken download is never reused.
import { readCifar10 } from './cifar10.js';
import type { ImageDataset, Split } from './dataset.js';
import { assertNode, defaultCacheDir } from './locate.js';
import { isNode, type ProgressCallback } from './source.js';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_ARCHIVE_NAME = 'cifar-10-binary.tar.gz';
const BROWSER_CACHE_NAME = 'webgrad-datasets';
const EXPECTED_COUNTS: Record<Split, number> = { train: 50_000, test: 10_000 };

export interface DownloadOptions {
  /** Node: the cache folder (default $XDG_CACHE_HOME/webgrad or ~/.cache/webgrad); the browser uses Cache Storage */
  cacheDir?: string;
  onProgress?: ProgressCallback;
  /** a mirror of the official archive */
  url?: string;
}

/** Where a downloaded file is kept: read it back, or store a stream into it (discarded on failure). */
interface DownloadCache {
  read(): Promise<ReadableStream<Uint8Array> | null>;
  write(body: ReadableStream<Uint8Array>): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

async function nodeFolderCache(cacheDir: string): Promise<{ cache: DownloadCache; path: string }> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const path = join(cacheDir, CIFAR10_ARCHIVE_NAME);
  const partial = `${path}.partial`;
  const cache: DownloadCache = {
    read: async () => null, // a cached file is read by path (with its size, for progress) before this is used
    async write(body) {
      await fs.mkdir(cacheDir, { recursive: true });
      const file = await fs.open(partial, 'w');
      try {
        const reader = body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) await file.write(r.value);
      } finally {
        await file.close();
      }
    },
    commit: () => fs.rename(partial, path),
    discard: () => fs.rm(partial, { force: true }),
  };
  return { cache, path };
}

function browserCache(url: string): DownloadCache {
  let pending: Promise<void> = Promise.resolve();
  return {
    async read() {
      const hit = await (await caches.open(BROWSER_CACHE_NAME)).match(url);
      return hit?.body ?? null;
    },
    async write(body) {
      // Cache Storage consumes the stream itself
      pending = caches.open(BROWSER_CACHE_NAME).then((c) => c.put(url, new Response(body)));
      await pending;
    },
    commit: () => pending,
    async discard() {
      await (await caches.open(BROWSER_CACHE_NAME)).delete(url);
    },
  };
}

function checkComplete(data: ImageDataset): void {
  for (const split of ['train', 'test'] as const)
    if (data[split].count !== EXPECTED_COUNTS[split])
      throw new Error(`webgrad: the downloaded CIFAR-10 archive has ${data[split].count} ${split} images, expected ${EXPECTED_COUNTS[split]}`);
}

/**
 * Downloads https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (170 MB) once and
 * returns the parsed dataset; later calls read the cached copy. Needs internet on the
 * first call. Progress counts the archive's (compressed) bytes.
 */
export async function downloadCifar10(opts: DownloadOptions = {}): Promise<ImageDataset> {
  const url = opts.url ?? CIFAR10_URL;
  let cache: DownloadCache;
  if (isNode) {
    assertNode('downloadCifar10');
    const node = await nodeFolderCache(opts.cacheDir ?? (await defaultCacheDir()));
    const { stat } = await import('node:fs/promises');
    if ((await stat(node.path).catch(() => null))?.isFile()) return readCifar10(node.path, { onProgress: opts.onProgress });
    cache = node.cache;
  } else {
    cache = browserCache(url);
    const cached = await cache.read();
    if (cached) return readCifar10({ name: CIFAR10_ARCHIVE_NAME, data: cached }, { onProgress: opts.onProgress });
  }
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`webgrad: downloading ${url} failed: HTTP ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length'));
  const [toCache, toParser] = response.body.tee();
  const written = cache.write(toCache);
  try {
    const [data] = await Promise.all([
      readCifar10({ name: CIFAR10_ARCHIVE_NAME, data: toParser, size: length > 0 ? length : undefined }, { onProgress: opts.onProgress }),
      written,
    ]);
    checkComplete(data);
    await cache.commit();
    return data;
  } catch (e) {
    await written.catch(() => undefined);
    await cache.discard();
    throw e;
  }
}
