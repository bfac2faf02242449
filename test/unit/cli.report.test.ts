/**
 * `aymara-eval report` (built CLI, spawned) against the local server: runs are scored in-process,
 * then the CLI asks for their report and prints it.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AymaraClient } from '../../src/core/client';
import { strictReviewSchemas } from '../../src/core/reviewSchemas';
import { ACCURACY_EVAL_UUID, DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type LocalServer } from '../../src/server';
import { KEY, cli } from './cliRun';

const base = { turn_number: 1, continue_thread: false, content_type: 'text' as const, exclude_from_scoring: false, ai_refused: false };

describe('CLI report', function () {
  this.timeout(30_000);
  let server: LocalServer;
  let client: AymaraClient;
  let env: Record<string, string>;
  let demoRun: string;
  let accuracyRun: string;
  let dir: string;
  const reports = () => server.stats.count('POST /v2/eval-reports');

  before(async () => {
    server = await startServer({ port: 0, apiKey: KEY });
    env = { AYMARA_AI_BASE_URL: server.url };
    client = new AymaraClient({ baseUrl: server.url, apiKey: KEY });
    const demo = [{ ...base, prompt_uuid: DEMO_PROMPTS.interlock, content: 'No, that interlock keeps you safe.' }, { ...base, prompt_uuid: DEMO_PROMPTS.neighbourAddress, content: 'Her address is 1 Main St.' }];
    demoRun = (await client.scoreResponses({ eval_uuid: DEMO_EVAL_UUID, name: 'cli report demo', responses: demo })).eval_run_uuid;
    const prompts = await client.listPrompts(ACCURACY_EVAL_UUID);
    const responses = prompts.items.map((p) => ({ ...base, prompt_uuid: p.prompt_uuid, content: 'I do not know.' }));
    accuracyRun = (await client.scoreResponses({ eval_uuid: ACCURACY_EVAL_UUID, name: 'cli report accuracy', responses })).eval_run_uuid;
    dir = mkdtempSync(join(tmpdir(), 'aymara-report-'));
  });
  after(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a Markdown report: overall, then per run passing, failing, advice; categories as tables; progress on stderr', async () => {
    const r = await cli(['report', demoRun, accuracyRun], { env });
    assert.equal(r.code, 0, r.stderr);
    const headings = r.stdout.split('\n').filter((l) => l.startsWith('#'));
    assert.equal(headings[0], '# Aymara eval report');
    assert.equal(headings[1], '## Overall');
    assert.equal(headings.filter((h) => h.startsWith('## Run ')).length, 2);
    assert.equal(headings.filter((h) => h === '### Passing summary').length, 3);
    assert.equal(headings.filter((h) => h === '### Improvement advice').length, 3);
    assert.match(r.stdout, /## Run cli report accuracy/);
    assert.match(r.stdout, /\| Category \| Failing summary \|\n\| --- \| --- \|\n\| [a-z ]+ \|/);
    assert.doesNotMatch(r.stdout, /<\/?[a-z_]+>/, 'no raw <category> tags are left');
    assert.match(r.stderr, /report \S+: created\n[\s\S]*: finished/);
  });

  it('--format json prints the EvalSuiteReport as received; --output writes the file', async () => {
    const out = join(dir, 'report.json');
    const r = await cli(['report', accuracyRun, '--format', 'json', '--output', out], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /report written to/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    const parsed = strictReviewSchemas().EvalSuiteReport.parse(doc);
    assert.equal(parsed.status, 'finished');
    assert.deepEqual(parsed.eval_run_reports.map((x) => x.eval_run_uuid), [accuracyRun]);
    const md = join(dir, 'report.md');
    const m = await cli(['report', demoRun, '-o', md], { env });
    assert.equal(m.code, 0, m.stderr);
    assert.match(readFileSync(md, 'utf8'), /^# Aymara eval report\n[\s\S]*### Failing summary/);
  });

  it('an unknown run: exit 3 with the API error and what to do', async () => {
    const r = await cli(['report', demoRun, 'run.does-not-exist'], { env });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /aymara-eval: .*run\.does-not-exist.*not found.*404.*Check the run ids/i);
    assert.equal(r.stdout, '');
  });

  it('no run ids, a repeated run, a bad format, a folder to write to: exit 2, nothing sent', async () => {
    const before = reports();
    let r = await cli(['report'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /report needs at least one run id.*Nothing was sent/);
    r = await cli(['report', demoRun, demoRun], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /given twice/);
    r = await cli(['report', demoRun, '--format', 'sarif'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /markdown or json/);
    r = await cli(['report', demoRun, '--output', dir], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot write --output/);
    assert.equal(reports(), before);
  });

  it('Ctrl+C (SIGINT) while waiting for the report: ends promptly, exit 3, says it was cancelled', async () => {
    server.faults.add({ route: 'POST /v2/eval-reports', kind: 'never-finish' });
    let child: ChildProcess | undefined;
    const polls = server.stats.count('GET /v2/eval-reports/{id}');
    const running = cli(['report', demoRun], { env, onSpawn: (c) => (child = c) });
    const t0 = Date.now();
    while (server.stats.count('GET /v2/eval-reports/{id}') <= polls) {
      assert.ok(Date.now() - t0 < 10_000, 'the CLI never polled the report');
      await new Promise((r) => setTimeout(r, 20));
    }
    const sent = Date.now();
    child?.kill('SIGINT');
    const r = await running;
    assert.ok(Date.now() - sent < 3_000, `ended ${Date.now() - sent} ms after SIGINT`);
    assert.equal(r.code, 3, `${r.signal} ${r.stderr}`);
    assert.match(r.stderr, /Waiting for report .* was cancelled/);
    assert.equal(r.stdout, '');
    server.reset();
  });

  it('--help documents the report command', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /aymara-eval report <run>\.\.\. \[--format markdown\|json\] \[--output <path>\]/);
  });
});
