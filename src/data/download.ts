// Downloading the official CIFAR-10 archive once, into a cache. This module is the
// browser's (Cache Storage); 'webgrad/node' replaces downloadCifar10 with a folder cache
// that checks the archive's MD5 (download-node.ts). In the browser the download is parsed
// while it arrives (the stream is teed to the cache and to the parser), and the cache entry
// is kept only when the parse found every image, so a broken download is never reused.
import { readCifar10 } from './cifar10.js';
import type { ImageDataset, Split } from './dataset.js';
import { isNode, type ProgressCallback } from './source.js';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_ARCHIVE_NAME = 'cifar-10-binary.tar.gz';
/** MD5 of the official archive, as published on https://www.cs.toronto.edu/~kriz/cifar.html */
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const BROWSER_CACHE_NAME = 'webgrad-datasets';
const EXPECTED_COUNTS: Record<Split, number> = { train: 50_000, test: 10_000 };

export interface DownloadOptions {
  /** Node: the cache folder (default $WEBGRAD_CACHE, else $XDG_CACHE_HOME/webgrad or ~/.cache/webgrad); the browser uses Cache Storage */
  cacheDir?: string;
  onProgress?: ProgressCallback;
  /** a mirror of the official archive */
  url?: string;
  /** Node: the archive's expected MD5 (default: the official archive's; '' skips the check, e.g. for a mirror of another file) */
  md5?: string;
}

/** Throws unless the data set has the official archive's 50,000 training and 10,000 test images. */
export function checkCifar10Complete(data: ImageDataset, what = 'the downloaded CIFAR-10 archive'): void {
  for (const split of ['train', 'test'] as const)
    if (data[split].count !== EXPECTED_COUNTS[split])
      throw new Error(`webgrad: ${what} has ${data[split].count} ${split} images, expected ${EXPECTED_COUNTS[split]}`);
}

/**
 * Browser: downloads https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (170 MB, or
 * `url`: the server must allow the page's origin) once into Cache Storage and returns the
 * parsed data set; later calls read the cached copy. Progress counts the archive's bytes.
 * In Node, import it from 'webgrad/node' (a folder cache with an MD5 check).
 */
export async function downloadCifar10(opts: DownloadOptions = {}): Promise<ImageDataset> {
  if (isNode) throw new Error("webgrad: in Node, downloadCifar10 comes from 'webgrad/node' (it keeps the archive in a cache folder)");
  const url = opts.url ?? CIFAR10_URL;
  const cache = await caches.open(BROWSER_CACHE_NAME);
  const hit = await cache.match(url);
  if (hit?.body) return readCifar10({ name: CIFAR10_ARCHIVE_NAME, data: hit.body }, { onProgress: opts.onProgress });
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`webgrad: downloading ${url} failed: HTTP ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length'));
  const [toCache, toParser] = response.body.tee();
  // Cache Storage consumes its stream itself
  const stored = cache.put(url, new Response(toCache));
  try {
    const [data] = await Promise.all([
      readCifar10({ name: CIFAR10_ARCHIVE_NAME, data: toParser, size: length > 0 ? length : undefined }, { onProgress: opts.onProgress }),
      stored,
    ]);
    checkCifar10Complete(data);
    return data;
  } catch (e) {
    await stored.catch(() => undefined);
    await cache.delete(url);
    throw e;
  }
}
