// Node only (reached from 'webgrad/node'): file paths and file: URLs as dataset sources.
// Importing this module installs the opener in source.ts.
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setPathOpener, sourceName, type OpenedSource } from './source.js';

const READ_CHUNK = 1 << 20;

/** A file as a web stream; reads on demand so a large file never sits in memory whole. */
export async function openNodeFile(pathOrUrl: string): Promise<OpenedSource> {
  const path = pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`webgrad: cannot open ${path}: ${e.code ?? e.message}`);
  });
  const { size } = await handle.stat();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = new Uint8Array(READ_CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) {
        await handle.close();
        controller.close();
      } else {
        controller.enqueue(chunk.subarray(0, bytesRead));
      }
    },
    async cancel() {
      await handle.close();
    },
  });
  return { name: sourceName(path), size, stream };
}

setPathOpener(openNodeFile);
