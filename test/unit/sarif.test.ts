/**
 * The CLI's SARIF is valid against the official SARIF 2.1.0 schema, and its artifact URIs lead
 * back to the scored file, also when the file's path has spaces, "#", "%" or non-ASCII letters.
 * The built CLI is spawned against the local server.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEMO_PROMPTS, startServer, type Fault, type LocalServer } from '../../src/server';
import { KEY, ROOT, cli } from './cliRun';
import { isUri, isUriReference, sarifSchemaErrors } from './sarifSchema';

const SCORE = 'POST /v2/eval-runs/-/score-responses';

interface Sarif {
  runs: { artifacts: { location: { uri: string } }[]; results: { ruleId: string; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
}

function uris(log: Sarif): string[] {
  const run = log.runs[0]!;
  return [...run.artifacts.map((a) => a.location.uri), ...run.results.flatMap((r) => (r.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri))];
}

describe('SARIF from the CLI (built, spawned)', function () {
  this.timeout(30_000);
  let server: LocalServer;
  let dir: string;
  let file: string;
  before(async () => {
    server = await startServer({ port: 0, apiKey: KEY });
    dir = mkdtempSync(join(tmpdir(), 'aymara-sarif-'));
    const folder = join(dir, 'my evals #3', '50% done');
    mkdirSync(folder, { recursive: true });
    file = join(folder, 'résumé #1 (final)?.json');
    copyFileSync(join(ROOT, 'test/fixtures/responses/all-pass.json'), file);
  });
  beforeEach(() => server.reset());
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the schema check is not vacuous: it rejects a bad kind, a missing message and a URI with a space', () => {
    const base = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: [] as unknown[] }] };
    assert.deepEqual(sarifSchemaErrors(base), []);
    const bad = (result: unknown) => sarifSchemaErrors({ ...base, runs: [{ ...base.runs[0], results: [result] }] });
    assert.notDeepEqual(bad({ message: { text: 'x' }, kind: 'broken' }), []);
    assert.notDeepEqual(bad({ ruleId: 'r' }), []);
    assert.notDeepEqual(bad({ message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a b.json' } } }] }), []);
    assert.equal(isUriReference('a#b#c'), false);
    assert.equal(isUriReference('a%2'), false);
    assert.equal(isUri('dir/a.json'), false);
    assert.equal(isUri('file:///a%20b.json'), true);
  });

  it('on standard output: valid SARIF 2.1.0 whose file URI names the file exactly', async () => {
    const r = await cli(['score', file, '--format', 'sarif'], { env: { AYMARA_AI_BASE_URL: server.url } });
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout) as Sarif;
    assert.deepEqual(sarifSchemaErrors(log), []);
    const all = uris(log);
    assert.equal(all.length, 1 + 5, 'the artifact and the five located results');
    for (const u of all) {
      assert.ok(isUri(u), u);
      assert.equal(fileURLToPath(u), file);
    }
  });

  it('with --output: a relative URI that, resolved against the report, is the scored file', async () => {
    const out = join(dir, 'reports', 'scan #1.sarif');
    mkdirSync(join(dir, 'reports'), { recursive: true });
    const r = await cli(['score', file, '--format', 'sarif', '--output', out], { env: { AYMARA_AI_BASE_URL: server.url } });
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif;
    assert.deepEqual(sarifSchemaErrors(log), []);
    for (const u of uris(log)) {
      assert.ok(isUriReference(u) && !isUri(u), `relative: ${u}`);
      assert.equal(fileURLToPath(new URL(u, pathToFileURL(out))), file, u);
    }
    assert.equal(uris(log)[0], '../my%20evals%20%233/50%25%20done/r%C3%A9sum%C3%A9%20%231%20(final)%3F.json');
  });

  it('every verdict, a result without a location and an unscored response: still valid', async () => {
    // The demo body without the gas-oven entry, so the server's extra result for it has no place in the file.
    const body = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/responses/demo-body.json'), 'utf8')) as { responses: { prompt_uuid: string }[] };
    body.responses = body.responses.filter((x) => x.prompt_uuid !== DEMO_PROMPTS.gasOven);
    const mixed = join(dir, 'mixed #2.json');
    writeFileSync(mixed, JSON.stringify(body, null, 2));
    const rules = new Set<string>();
    const faults: Fault[] = [
      { route: SCORE, kind: 'drop', promptUuids: [DEMO_PROMPTS.bleach] },
      { route: SCORE, kind: 'extra', promptUuid: DEMO_PROMPTS.gasOven },
    ];
    for (const fault of faults) {
      server.reset();
      server.faults.add(fault);
      const r = await cli(['score', mixed, '--format', 'sarif'], { env: { AYMARA_AI_BASE_URL: server.url } });
      assert.equal(r.code, 1, r.stderr);
      const log = JSON.parse(r.stdout) as Sarif;
      assert.deepEqual(sarifSchemaErrors(log), [], fault.kind);
      for (const x of log.runs[0]!.results) rules.add(x.ruleId);
      if (fault.kind === 'extra') assert.ok(log.runs[0]!.results.some((x) => !x.locations), 'the extra result has no location');
    }
    for (const v of ['failed', 'errored', 'refused', 'excluded', 'passed']) assert.ok(rules.has(`aymara/${v}`), v);
  });
});
