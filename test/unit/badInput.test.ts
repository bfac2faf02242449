/**
 * The malformed-file corpus (test/fixtures/bad, manifest cases.json): every case is refused with the
 * right problem at the right place, by the file model and by the CLI, which sends nothing.
 *
 * The CLI part spawns the built CLI (`npm run build` first) against the local server, a few at a time.
 */
import * as assert from 'node:assert/strict';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAX_FILE_BYTES, ResponsesFileError, parseResponsesFile, toScoreRequest, type Problem } from '../../src/core/responsesFile';
import { DEMO_EVAL_UUID, startServer, type LocalServer } from '../../src/server';
import { spawnCli, type CliRun } from './cliRun';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const BAD = join(ROOT, 'test/fixtures/bad');
const KEY = 'demo-key';

interface Expected {
  code: string;
  line: number | null;
  column: number | null;
  /** Case-insensitive regular expression. */
  message: string;
}
interface Case extends Expected {
  file: string;
  about: string;
  also?: Expected[];
  pending?: string;
}

const cases = JSON.parse(readFileSync(join(BAD, 'cases.json'), 'utf8')) as Case[];

function runCli(args: string[], o: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AYMARA_AI_API_KEY;
  delete env.AYMARA_AI_BASE_URL;
  Object.assign(env, o.env);
  return spawnCli(args, env, { cwd: o.cwd, timeoutMs: o.timeoutMs ?? 15_000 });
}

/** Run `work` over `items` with at most `limit` in flight; results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function decode(file: string): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(BAD, file)));
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
}

function describeProblems(ps: readonly Problem[]): string {
  return ps.map((p) => `  ${p.severity} [${p.code}] ${p.line}:${p.column} ${p.message.slice(0, 200)}`).join('\n') || '  (none)';
}

function assertProblem(problems: readonly Problem[], e: Expected, what: string): void {
  const at = problems.find((p) => p.severity === 'error' && p.code === e.code && p.line === e.line && p.column === e.column);
  assert.ok(at, `${what}: expected an error [${e.code}] at ${e.line}:${e.column}; got\n${describeProblems(problems)}`);
  assert.match(at.message, new RegExp(e.message, 'i'), `${what}: message`);
}

describe('malformed responses files (test/fixtures/bad)', function () {
  this.timeout(60_000);

  it('has a manifest of at least 25 cases, each with an existing file, once', () => {
    assert.ok(cases.length >= 25, `${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.file)).size, cases.length, 'one entry per file');
    for (const c of cases) {
      assert.ok(existsSync(join(BAD, c.file)), c.file);
      assert.ok(c.about && c.code && c.message, `${c.file}: about, code and message are required`);
      assert.ok(c.code === 'not-utf8' ? c.line === null && c.column === null : Number.isInteger(c.line) && Number.isInteger(c.column), `${c.file}: line/column`);
    }
  });

  describe('parseResponsesFile on the text as the extension decodes it', () => {
    for (const c of cases) {
      it(`${c.file}: ${c.about}`, function () {
        if (c.pending) this.skip();
        const text = decode(c.file);
        if (c.code === 'not-utf8') {
          assert.equal(text, null, 'the bytes must not decode as UTF-8');
          return;
        }
        assert.notEqual(text, null, 'the bytes must decode as UTF-8');
        const r = parseResponsesFile(text as string, { fileName: c.file });
        assert.ok(r.hasErrors, `hasErrors; problems:\n${describeProblems(r.problems)}`);
        const first = r.problems.find((p) => p.severity === 'error');
        assert.ok(first, 'an error problem');
        assert.deepEqual(
          { code: first.code, line: first.line, column: first.column },
          { code: c.code, line: c.line, column: c.column },
          `first error; problems:\n${describeProblems(r.problems)}`,
        );
        assert.match(first.message, new RegExp(c.message, 'i'));
        assert.ok(first.message.length <= 500, `the message stays short (${first.message.length} characters)`);
        for (const [i, e] of (c.also ?? []).entries()) assertProblem(r.problems, e, `also[${i}]`);
        assert.throws(() => toScoreRequest(r, DEMO_EVAL_UUID), ResponsesFileError, 'the file model refuses to build a request');
      });
    }

    it('reports a text over the size limit as too-large, without looking further', () => {
      const r = parseResponsesFile('x'.repeat(MAX_FILE_BYTES + 1));
      assert.deepEqual(r.problems.map((p) => [p.severity, p.code, p.line, p.column]), [['error', 'too-large', 1, 1]]);
    });

    it('counts the limit in UTF-8 bytes: fewer characters than the limit but more bytes is too-large', () => {
      const r = parseResponsesFile('é'.repeat(MAX_FILE_BYTES / 2 + 1));
      assert.deepEqual(r.problems.map((p) => p.code), ['too-large']);
    });
  });

  describe('the CLI refuses each file and sends nothing', () => {
    let server: LocalServer;
    const runs = new Map<string, CliRun>();
    let elapsed = 0;

    before(async function () {
      assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
      server = await startServer({ port: 0, apiKey: KEY });
      const started = Date.now();
      const todo = cases.filter((c) => !c.pending);
      const results = await pool(todo, Math.max(6, availableParallelism()), (c) =>
        runCli(['score', c.file, '--eval', DEMO_EVAL_UUID], { cwd: BAD, env: { AYMARA_AI_API_KEY: KEY, AYMARA_AI_BASE_URL: server.url } }),
      );
      todo.forEach((c, i) => runs.set(c.file, results[i] as CliRun));
      elapsed = Date.now() - started;
    });
    after(async () => {
      await server?.close();
    });

    for (const c of cases) {
      it(`${c.file}`, function () {
        if (c.pending) this.skip();
        const r = runs.get(c.file);
        assert.ok(r, 'ran');
        assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr}`);
        assert.equal(r.stdout, '', 'nothing on standard output');
        assert.equal(server.stats.total, 0, 'no request reached the server');
        assert.ok(!r.stderr.includes(KEY), 'the key is never printed');
        if (c.code === 'not-utf8') {
          assert.match(r.stderr, new RegExp(`^${escapeRe(c.file)}: the file is not UTF-8 text.*Nothing was sent\\.$`, 'm'));
          return;
        }
        const prefix = `${c.file}:${c.line}:${c.column}: error: `;
        const line = r.stderr.split('\n').find((l) => l.startsWith(prefix));
        assert.ok(line, `a line starting ${JSON.stringify(prefix)}; stderr:\n${r.stderr.slice(0, 2000)}`);
        assert.ok(line.endsWith(` [${c.code}]`), `ends with the code [${c.code}]: ${line.slice(-80)}`);
        assert.match(line.slice(prefix.length, -` [${c.code}]`.length), new RegExp(c.message, 'i'));
        for (const e of c.also ?? []) {
          const also = `${c.file}:${e.line}:${e.column}: error: `;
          const l = r.stderr.split('\n').find((x) => x.startsWith(also) && x.endsWith(` [${e.code}]`));
          assert.ok(l, `also [${e.code}] at ${e.line}:${e.column}`);
          assert.match(l.slice(also.length), new RegExp(e.message, 'i'));
        }
        assert.match(r.stderr, new RegExp(`^${escapeRe(c.file)}: \\d+ errors?; nothing was sent\\.$`, 'm'));
      });
    }

    it('ran the CLI once per case of the corpus', () => {
      // How long the runs took is printed, not judged: a loaded machine makes timings lie (speed is npm run bench's).
      assert.equal(runs.size, cases.filter((c) => !c.pending).length);
      console.log(`      (${runs.size} CLI runs in ${elapsed} ms)`);
    });

    it('refuses a file over the size limit from its size alone, without reading it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aymara-huge-'));
      try {
        const file = join(dir, 'huge.json');
        // Sparse: the size is on record but no data blocks exist, so creating it is instant.
        const fd = openSync(file, 'w');
        ftruncateSync(fd, MAX_FILE_BYTES + 1);
        closeSync(fd);
        const r = await runCli(['score', 'huge.json', '--eval', DEMO_EVAL_UUID], { cwd: dir, env: { AYMARA_AI_API_KEY: KEY, AYMARA_AI_BASE_URL: server.url } });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^huge\.json: the file is .*over the 100 MB limit; it was not read and nothing was sent/m);
        assert.doesNotMatch(r.stderr, /NUL|binary/, 'had it been read, the zeros would have been reported as binary');
        assert.ok(r.ms < 5_000, `${r.ms} ms`);
        assert.equal(server.stats.total, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
