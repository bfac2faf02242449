/** The run store's disk on the extension host's own file system (editor/store/nodeDisk). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeDisk } from '../../src/editor/store/nodeDisk';

describe('run store disk (NodeDisk)', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'aymara-nodedisk-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes through a temporary file, making the folders, and replaces what was there', async () => {
    const disk = new NodeDisk(join(root, 'storage'));
    await disk.writeAtomic('runs/a.json', new TextEncoder().encode('one'));
    await disk.writeAtomic('runs/a.json', new TextEncoder().encode('two'));
    assert.equal(new TextDecoder().decode(await disk.read('runs/a.json')), 'two');
    assert.deepEqual(readdirSync(join(root, 'storage', 'runs')), ['a.json'], 'no temporary file is left');
  });

  it('writes a large file the same way as a small one', async () => {
    const disk = new NodeDisk(root);
    const big = new Uint8Array(200 * 1024).fill(7);
    await disk.writeAtomic('runs/big.json', big);
    await disk.writeAtomic('runs/big.json', big.subarray(1));
    assert.equal((await disk.read('runs/big.json')).length, 200 * 1024 - 1);
    assert.deepEqual(readdirSync(join(root, 'runs')), ['big.json']);
    rmSync(join(root, 'runs'), { recursive: true });
    await disk.writeAtomic('runs/big.json', big);
    assert.equal((await disk.read('runs/big.json')).length, 200 * 1024);
  });

  it('makes the folder again when it was deleted after a write', async () => {
    const disk = new NodeDisk(root);
    await disk.writeAtomic('runs/a.json', new Uint8Array([1]));
    rmSync(join(root, 'runs'), { recursive: true });
    await disk.writeAtomic('runs/b.json', new Uint8Array([2]));
    assert.deepEqual([...(await disk.read('runs/b.json'))], [2]);
  });

  it('lists only files, is empty for a missing folder, and removes a missing file without an error', async () => {
    const disk = new NodeDisk(root);
    mkdirSync(join(root, 'runs', 'sub'), { recursive: true });
    writeFileSync(join(root, 'runs', 'x.json'), '{}');
    assert.deepEqual(await disk.list('runs'), ['x.json']);
    assert.deepEqual(await disk.list('nowhere'), []);
    await disk.remove('runs/x.json');
    await disk.remove('runs/x.json');
    assert.deepEqual(await disk.list('runs'), []);
    await assert.rejects(disk.read('runs/x.json'), /ENOENT/);
  });
});
