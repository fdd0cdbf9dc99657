// A small streaming tar reader (POSIX ustar, with GNU long names and pax `path`): the
// archive is read block by block as it arrives, and each entry's data is handed on in
// chunks, so a 170 MB archive is never held whole in memory.

export const TAR_BLOCK = 512;

export interface TarEntry {
  /** the path inside the archive, prefix included */
  name: string;
  size: number;
  kind: 'file' | 'directory' | 'other';
  /** the byte offset of the entry's header inside the (decompressed) archive */
  headerOffset: number;
}

/** Decides per entry: return a function that receives the entry's data in chunks, or null to skip it. */
export type TarEntryHandler = (entry: TarEntry) => ((chunk: Uint8Array) => void) | null;

const decoder = new TextDecoder();

function readString(block: Uint8Array, at: number, length: number): string {
  const field = block.subarray(at, at + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, at: number, length: number): number {
  const text = readString(block, at, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]; // the checksum field counts as spaces
  return sum === readOctal(block, 148, 8);
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records), if any. */
function paxPath(data: Uint8Array): string | undefined {
  const text = decoder.decode(data);
  for (const line of text.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** Whether a block looks like a tar header (ustar magic at offset 257), to tell an archive from a plain file. */
export function looksLikeTar(head: Uint8Array): boolean {
  return head.length >= 263 && readString(head, 257, 5) === 'ustar';
}

/**
 * A push parser: feed it the archive's bytes in chunks of any size with `push`, then call
 * `finish` to check that the archive was complete.
 */
export class TarReader {
  private offset = 0; // bytes of the archive consumed so far
  private header = new Uint8Array(TAR_BLOCK);
  private headerFill = 0;
  private current: TarEntry | null = null;
  private sink: ((chunk: Uint8Array) => void) | null = null;
  private dataLeft = 0;
  private paddingLeft = 0;
  private ended = false; // a zero block (end-of-archive marker) was seen
  private nextName: string | undefined; // from a GNU long-name or pax header
  private metaChunks: Uint8Array[] = [];
  private currentType = '';

  constructor(private readonly archiveName: string, private readonly onEntry: TarEntryHandler) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        this.sink?.(chunk.subarray(at, at + n));
        at += n;
        this.offset += n;
        this.dataLeft -= n;
        if (this.dataLeft === 0) this.endEntry();
      } else if (this.paddingLeft > 0) {
        const n = Math.min(this.paddingLeft, chunk.length - at);
        at += n;
        this.offset += n;
        this.paddingLeft -= n;
      } else {
        const n = Math.min(TAR_BLOCK - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        this.offset += n;
        if (this.headerFill === TAR_BLOCK) {
          this.headerFill = 0;
          this.startEntry(this.header, this.offset - TAR_BLOCK);
        }
      }
    }
  }

  finish(): void {
    if (this.dataLeft > 0 && this.current)
      throw new Error(`webgrad: ${this.archiveName}: the archive is truncated inside entry ${this.current.name} (header at byte offset ${this.current.headerOffset}): ${this.dataLeft} bytes of its data are missing at byte offset ${this.offset}`);
    if (this.headerFill > 0)
      throw new Error(`webgrad: ${this.archiveName}: the archive is truncated inside a header block at byte offset ${this.offset - this.headerFill}`);
    // a missing end-of-archive marker after complete entries is tolerated, as GNU tar does (with a warning)
  }

  private startEntry(block: Uint8Array, headerOffset: number): void {
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    if (!checksumMatches(block))
      throw new Error(`webgrad: ${this.archiveName}: bad tar header checksum at byte offset ${headerOffset}: not a tar archive, or corrupt`);
    const type = String.fromCharCode(block[156] || 0x30); // '\0' is an old-style regular file
    const size = readOctal(block, 124, 12);
    const prefix = readString(block, 345, 155);
    const ownName = readString(block, 0, 100);
    // the prefix field exists in POSIX ustar ("ustar\0"); GNU tar ("ustar  ") keeps other data there
    const isPosixUstar = readString(block, 257, 6) === 'ustar' && block[262] === 0;
    const name = this.nextName ?? (prefix && isPosixUstar ? `${prefix}/${ownName}` : ownName);
    const entry: TarEntry = { name, size, kind: type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other', headerOffset };
    const isMeta = type === 'L' || type === 'x';
    if (!isMeta) this.nextName = undefined;
    this.current = entry;
    this.currentType = type;
    this.metaChunks = [];
    this.sink = isMeta ? (c) => this.metaChunks.push(c.slice()) : entry.kind === 'file' ? this.onEntry(entry) : null;
    this.dataLeft = size;
    this.paddingLeft = (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
    if (size === 0) this.endEntry();
  }

  private endEntry(): void {
    const type = this.currentType;
    if (type === 'L' || type === 'x') {
      const total = this.metaChunks.reduce((n, c) => n + c.length, 0);
      const data = new Uint8Array(total);
      let at = 0;
      for (const c of this.metaChunks) {
        data.set(c, at);
        at += c.length;
      }
      this.nextName = type === 'L' ? readString(data, 0, data.length) : paxPath(data) ?? this.nextName;
    }
    this.current = null;
    this.sink = null;
  }
}
