/**
 * `aymara-eval score` on a responses file whose answers are workspace pictures: the files are
 * uploaded (paths relative to the responses file's folder, never outside it) and the run scores
 * them; a path leading out of the folder ends the CLI with exit 2 before any request.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type LocalServer } from '../../src/server';
import { KEY, ROOT, cli } from './cliRun';

const DEMO = join(ROOT, 'test/fixtures/workspaces/demo');

describe('aymara-eval score with image answers from files', function () {
  this.timeout(60_000);
  let server: LocalServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    server = await startServer({ port: 0, apiKey: KEY });
    env = { AYMARA_AI_BASE_URL: server.url };
    dir = mkdtempSync(join(tmpdir(), 'aymara-cli-images-'));
    cpSync(join(DEMO, 'shots'), join(dir, 'ws', 'shots'), { recursive: true });
    cpSync(join(DEMO, 'images.responses.json'), join(dir, 'ws', 'images.responses.json'));
    cpSync(join(DEMO, 'shots', 'knife-injury.png'), join(dir, 'outside.png'));
    symlinkSync(join(dir, 'outside.png'), join(dir, 'ws', 'shots', 'link-out.png'));
    const text = JSON.stringify({
      eval_uuid: 'test.a77dea89-8ff8-488a-a307-61e73952757c',
      responses: [{ prompt_uuid: 'question.50de972b-e46f-4e7f-acad-0c47761d0aac', content_type: 'image', content: { local_file_path: 'shots/link-out.png' } }],
    });
    writeFileSync(join(dir, 'ws', 'escape.responses.json'), text);
  });
  beforeEach(() => server.reset());
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads each picture once and scores them: the one named after a banned term fails (exit 1)', async () => {
    const r = await cli(['score', join(dir, 'ws', 'images.responses.json'), '--format', 'json'], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(server.stats.count('POST /v2/files/-/uploads'), 3);
    assert.match(r.stderr, /Uploading shots\/kettle-on-counter\.png \(114 bytes; file 1 of 3, 0 bytes of 344 bytes done\)/);
    assert.match(r.stderr, /Uploading shots\/spring-sale-poster\.png \(114 bytes; file 3 of 3, 230 bytes of 344 bytes done\)/);
    const report = JSON.parse(r.stdout) as { results: { verdict: string; line: number; explanation: string }[] };
    assert.deepEqual(report.results.map((i) => [i.line, i.verdict]), [[4, 'passed'], [5, 'failed'], [6, 'passed']]);
    assert.match(report.results[1]!.explanation, /contains the banned term "injury"/);
  });

  it('a symlink out of the responses file\'s folder: exit 2, the reason, and no request at all', async () => {
    const r = await cli(['score', join(dir, 'ws', 'escape.responses.json')], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /"shots\/link-out\.png" is a link to a file outside the workspace folder.*Nothing was sent\./);
    assert.equal(server.stats.total, 0);
  });
});
