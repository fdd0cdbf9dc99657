// Crash-safe file writes (Node only; reached from src/io/node-fs.ts and bench/ CLIs, never from
// browser code). The bytes go to a temporary file in the target's folder (same filesystem, so
// rename is atomic), are fsync'd, then renamed over the target, and the folder is fsync'd so
// the rename itself survives a power cut. A process killed at any moment leaves the target as
// the complete old file or the complete new one, never a truncated mix; at worst a stray
// `.<name>.<pid>.<random>.tmp` file stays behind.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

function asBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/** fsync of a folder: needed on Linux for the rename to be durable; some systems refuse it (then skipped) */
function syncDirSync(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch { /* folders cannot be opened or fsync'd on every platform (Windows): the rename is still atomic */ } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Writes `data` to `path` atomically (temp file, fsync, rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = asBytes(data);
  const tmp = tempPath(path);
  let renamed = false;
  try {
    const fh = await open(tmp, 'w');
    try {
      let at = 0;
      while (at < bytes.length) at += (await fh.write(bytes, at, bytes.length - at)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    syncDirSync(dirname(path));
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

/** The synchronous twin of writeFileAtomic (CLI scripts that write a result file at exit). */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const bytes = asBytes(data);
  const tmp = tempPath(path);
  let renamed = false;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
    syncDirSync(dirname(path));
  } finally {
    if (!renamed) {
      try { unlinkSync(tmp); } catch { /* already gone */ }
    }
  }
}
