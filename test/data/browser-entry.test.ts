// 'webgrad' (the browser entry) never imports node: modules, so in Node it cannot open file
// paths by itself: the error must say to import 'webgrad/node'. This file imports only the
// browser-safe data module, so the Node file opener is not installed here.
import { describe, expect, it } from 'vitest';
import { downloadCifar10, readCifar10 } from '../../src/data/index.js';

describe("wg.data from 'webgrad' in Node", () => {
  it('names webgrad/node when asked to read a file path or a file: URL', async () => {
    await expect(readCifar10('/tmp/test_batch.bin')).rejects.toThrow(/reading the file \/tmp\/test_batch\.bin needs Node's file system: import from 'webgrad\/node'/);
    await expect(readCifar10('file:///tmp/test_batch.bin')).rejects.toThrow(/import from 'webgrad\/node'/);
  });

  it('downloadCifar10 points at the folder-cached one of webgrad/node', async () => {
    await expect(downloadCifar10()).rejects.toThrow(/in Node, downloadCifar10 comes from 'webgrad\/node'/);
  });

  it('buffers still work without webgrad/node', async () => {
    const record = new Uint8Array(3073);
    record[0] = 7;
    const data = await readCifar10({ name: 'test_batch.bin', data: record }, { splits: ['test'] });
    expect([...data.test.labels]).toEqual([7]);
  });
});
