/**
 * Only a regular file is read, and never more than a byte cap: a device, a FIFO, a folder, a
 * socket or a file over the cap ends the CLI at once with exit 2, a message saying why and what to
 * do, and no request. The rule lives in one core function (core/fileBytes), tested here directly
 * too, including a file whose recorded size is smaller than what it holds.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReadError, readRegularFile } from '../../src/core/fileBytes';
import { MAX_FILE_BYTES } from '../../src/core/responsesFile';
import { DEMO_EVAL_UUID, startServer, type LocalServer } from '../../src/server';
import { KEY, ROOT, cli } from './cliRun';

const posix = process.platform !== 'win32';
const ALL_PASS = join(ROOT, 'test/fixtures/responses/all-pass.json');

describe('files that are not regular files, or too large', function () {
  this.timeout(30_000);
  let server: LocalServer;
  let dir: string;
  let env: Record<string, string>;
  let socket: NetServer | undefined;

  before(async () => {
    server = await startServer({ port: 0, apiKey: KEY });
    env = { AYMARA_AI_BASE_URL: server.url };
    dir = mkdtempSync(join(tmpdir(), 'aymara-files-'));
    mkdirSync(join(dir, 'folder.json'));
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ eval_uuid: DEMO_EVAL_UUID, responses: [{ prompt_uuid: 'p', content: 'x'.repeat(3000) }] }));
    copyFileSync(ALL_PASS, join(dir, 'small.json'));
    if (posix) {
      execFileSync('mkfifo', [join(dir, 'fifo.json')]);
      symlinkSync('/dev/zero', join(dir, 'zero.json'));
      socket = createNetServer();
      await new Promise<void>((r) => socket!.listen(join(dir, 'socket.json'), r));
    }
  });
  beforeEach(() => server.reset());
  after(async () => {
    await new Promise<void>((r) => (socket ? socket.close(() => r()) : r()));
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Exit 2 within a few seconds, the reason on stderr, nothing on stdout, no request. */
  async function refused(args: string[], why: RegExp): Promise<void> {
    const r = await cli(['score', ...args, '--eval', DEMO_EVAL_UUID], { env, cwd: dir, timeoutMs: 15_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, why);
    assert.match(r.stderr, /nothing was sent/i);

    assert.equal(server.stats.total, 0, 'no request reached the server');
  }

  it('/dev/zero: exit 2 at once, "not a regular file"', async function () {
    if (!existsSync('/dev/zero')) this.skip();
    await refused(['/dev/zero'], /^\/dev\/zero: not a regular file but a character device; only a regular file can be scored\. Save the responses to a file and score that\. Nothing was sent\.$/m);
  });

  it('a symbolic link to /dev/zero: the same', async function () {
    if (!posix) this.skip();
    await refused(['zero.json'], /^zero\.json: not a regular file but a character device;/m);
  });

  it('a FIFO (named pipe) that nobody writes to: exit 2 at once instead of waiting for a writer', async function () {
    if (!posix) this.skip();
    await refused(['fifo.json'], /^fifo\.json: not a regular file but a named pipe \(FIFO\);/m);
  });

  it('a socket: exit 2', async function () {
    if (!posix) this.skip();
    await refused(['socket.json'], /^socket\.json: not a regular file but a socket;/m);
  });

  it('a folder: exit 2, "is a folder"', async () => {
    await refused(['folder.json'], /^folder\.json: is a folder, not a responses file\. Nothing was sent\.$/m);
  });

  it('a file over a --max-file-mb cap: exit 2, the size and the cap in the message, how to raise it', async () => {
    await refused(['big.json', '--max-file-mb', '0.001'], /^big\.json: the file is 3\.0 KB, over the 1\.0 KB limit; it was not read and nothing was sent\. Split it into smaller files, or raise the limit with --max-file-mb \(at most 100\)\.$/m);
  });

  it('a file over the default cap (the most the file model reads): exit 2 from its size alone, "split it"', async () => {
    // Sparse: the size is on record but no data blocks exist, so creating it is instant.
    const fd = openSync(join(dir, 'huge.json'), 'w');
    ftruncateSync(fd, MAX_FILE_BYTES + 1);
    closeSync(fd);
    await refused(['huge.json'], /^huge\.json: the file is 104857601 bytes, over the 100 MB limit; it was not read and nothing was sent\. Split it into smaller files\.$/m);
  });

  it('a file under the cap is scored as usual', async () => {
    const r = await cli(['score', 'small.json', '--max-file-mb', '0.001'], { env, cwd: dir });
    assert.equal(statSync(join(dir, 'small.json')).size < 1048, true);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.stats.count('POST /v2/eval-runs/-/score-responses'), 1);
  });

  it('a bad --max-file-mb: exit 2 naming the allowed range', async () => {
    for (const v of ['0', '-1', 'lots', '101']) {
      const r = await cli(['score', 'small.json', `--max-file-mb=${v}`], { env, cwd: dir });
      assert.equal(r.code, 2, v);
      assert.match(r.stderr, /--max-file-mb must be a number of MB above 0 and at most 100/);
    }
    assert.equal(server.stats.total, 0);
  });

  it('--help documents --max-file-mb and its default', async () => {
    const r = await cli(['--help']);
    assert.match(r.stdout, /--max-file-mb <n> +largest responses file read, in MB \(default and most 100\)/);
  });

  describe('readRegularFile (core)', () => {
    it('reads a regular file in full', async () => {
      const bytes = await readRegularFile(ALL_PASS, MAX_FILE_BYTES);
      assert.equal(bytes.length, statSync(ALL_PASS).size);
    });

    it('refuses each kind with a problem a front end can act on', async () => {
      const cases: [string, string][] = [
        [join(dir, 'nope.json'), 'missing'],
        [join(dir, 'folder.json'), 'directory'],
        [join(dir, 'big.json'), 'too-large'],
      ];
      if (posix) cases.push([join(dir, 'fifo.json'), 'not-regular'], ['/dev/zero', 'not-regular'], [join(dir, 'socket.json'), 'not-regular']);
      for (const [path, problem] of cases) {
        await assert.rejects(readRegularFile(path, 1024), (e: unknown) => e instanceof FileReadError && e.problem === problem, path);
      }
    });

    it('stops at the cap when a file holds more than its recorded size (here a /proc file that says 0 bytes)', async function () {
      if (!existsSync('/proc/self/status') || statSync('/proc/self/status').size !== 0) this.skip();
      await assert.rejects(readRegularFile('/proc/self/status', 16), (e: unknown) => e instanceof FileReadError && e.problem === 'too-large' && /grew past/.test(e.message));
      assert.ok((await readRegularFile('/proc/self/status', 1 << 20)).length > 16, 'read in full under a large cap');
    });
  });
});
