/**
 * Scoring something that is not a regular file, through the real extension: a FIFO, a link to
 * /dev/zero and a folder on disk (file: URIs, read through core/fileBytes), and the same kinds from
 * a file system provider (other schemes, checked through vscode.workspace.fs.stat). Each ends at
 * once in a clear message, and nothing is sent.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

/** Score `uri`; the command must answer within `ms` (a FIFO read would wait for a writer forever). */
async function scoreQuickly(uri: vscode.Uri, ms = 10_000): Promise<string> {
  await vscode.commands.executeCommand('aymara._test.clearMessages');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
  const done = await Promise.race([vscode.commands.executeCommand('aymara.scoreFile', uri).then(() => 'done' as const), late]);
  clearTimeout(timer);
  assert.equal(done, 'done', `scoring ${uri.toString()} did not end within ${ms} ms`);
  const snap = await testSnapshot();
  return snap.messages.at(-1)?.message ?? '';
}

/** A file system whose entries claim to be a pipe, a folder, a 2 GB file, or a small file that reads larger. */
class OddFs implements vscode.FileSystemProvider {
  readonly reads: string[] = [];
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly maxBytes: number) {}
  stat(uri: vscode.Uri): vscode.FileStat {
    const name = path.posix.basename(uri.path);
    const type = name === 'pipe.json' ? vscode.FileType.Unknown : name === 'dir.json' ? vscode.FileType.Directory : vscode.FileType.File;
    const size = name === 'big.json' ? 2 ** 31 : 10;
    return { type, size, ctime: 0, mtime: 0 };
  }
  readFile(uri: vscode.Uri): Uint8Array {
    this.reads.push(path.posix.basename(uri.path));
    return new Uint8Array(this.maxBytes + 1).fill(0x20);
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
}

describe('scoring something that is not a regular file', function () {
  this.timeout(120_000);
  let server: LocalServer;
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const posix = process.platform !== 'win32';

  before(async () => {
    server = await useLocalServer();
    if (posix) {
      execFileSync('mkfifo', [path.join(folder(), 'pipe.json')]);
      fs.symlinkSync('/dev/zero', path.join(folder(), 'zero.json'));
    }
    fs.mkdirSync(path.join(folder(), 'folder.json'));
  });
  beforeEach(() => server.reset());
  after(async () => {
    // A reader still blocked on the FIFO (had the extension opened it blocking) gets end-of-file.
    try {
      fs.closeSync(fs.openSync(path.join(folder(), 'pipe.json'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      /* no reader waiting: nothing to release */
    }
    await server?.close();
  });

  it('a FIFO (named pipe): a clear message at once, nothing sent', async function () {
    if (!posix) this.skip();
    const msg = await scoreQuickly(workspaceFile('pipe.json'));
    assert.match(msg, /pipe\.json is not a regular file but a named pipe \(FIFO\), so it was not read and nothing was sent\. Save the responses to a file and score that\./);
    assert.equal(server.stats.total, 0, 'no request reached the server');
  });

  it('a link to /dev/zero: a clear message at once, nothing read, nothing sent', async function () {
    if (!posix) this.skip();
    const msg = await scoreQuickly(workspaceFile('zero.json'));
    assert.match(msg, /zero\.json is not a regular file but a character device, so it was not read and nothing was sent\./);
    assert.equal(server.stats.total, 0, 'no request reached the server');
  });

  it('a folder: "is a folder", nothing sent', async () => {
    const msg = await scoreQuickly(workspaceFile('folder.json'));
    assert.match(msg, /folder\.json is a folder, not a responses file, so nothing was sent\. Choose a \.json or \.jsonl file\./);
    assert.equal(server.stats.total, 0, 'no request reached the server');
  });

  it('other file systems: a pipe, a folder, a file over the limit by its size or by what it holds', async () => {
    const c = vscode.workspace.getConfiguration('aymara');
    await c.update('maxFileSizeMB', 1, vscode.ConfigurationTarget.Global);
    const odd = new OddFs(1024 * 1024);
    const reg = vscode.workspace.registerFileSystemProvider('aymara-odd', odd, { isReadonly: true });
    try {
      const at = (name: string) => vscode.Uri.from({ scheme: 'aymara-odd', path: `/${name}` });
      assert.match(await scoreQuickly(at('pipe.json')), /pipe\.json is not a regular file, so it was not read and nothing was sent\./);
      assert.match(await scoreQuickly(at('dir.json')), /dir\.json is a folder, not a responses file, so nothing was sent\./);
      assert.match(await scoreQuickly(at('big.json')), /big\.json is larger than the 1 MB limit, so it was not read and nothing was sent/);
      assert.deepEqual(odd.reads, [], 'refused from stat alone: nothing was read');
      assert.match(await scoreQuickly(at('liar.json')), /liar\.json is larger than the 1 MB limit, so it was not read and nothing was sent/);
      assert.deepEqual(odd.reads, ['liar.json']);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    } finally {
      reg.dispose();
      await c.update('maxFileSizeMB', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
