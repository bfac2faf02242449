/**
 * The CLI against a hostile server and hostile files (built CLI, spawned): a server on loopback
 * that echoes the API key and terminal escape sequences in the run id and name, the eval name,
 * prompt and thread ids, explanations, error codes, messages and request ids; files whose ids,
 * key names and own names carry control characters. In every --format, on standard output,
 * standard error and in an --output file: the key (or a long part of it) is never printed, and
 * nothing reaches the terminal that it would act on (C0/C1 controls, bidi overrides). Machine
 * formats keep the data: it is escaped, not lost.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_EVAL_UUID } from '../../src/server';
import { cli, type CliRun } from './cliRun';
import { sarifSchemaErrors } from './sarifSchema';

const KEY = 'sk-live-7Qb2xT9v4LmN8pR3wZ5k';
const ESC = '\u001b[31m';
const OSC = '\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007';
const CSI = '\u009b2J';
const BIDI = '\u202e\u2066';
const HOSTILE = `${ESC}${OSC}${CSI}${BIDI}\u007f\u0007\r`;
/** What a terminal would act on: C0 controls other than a line feed, DEL, C1 controls, bidi marks and overrides. */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const RUN_ID = `score_run.${KEY}${HOSTILE}`;
const EXTRA_PROMPT = `${ESC}evil-prompt-${KEY}`;
/** The key straddles the 160-character cut of a headline: a cut key must not leave its start behind. */
const CUT_EXPLANATION = `${'x'.repeat(140)} ${KEY} cut here`;

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
interface ScoreBody {
  eval_uuid: string;
  responses: { prompt_uuid: string; thread_uuid?: string | null; turn_number?: number }[];
}
interface Stub {
  url: string;
  requests: number;
  /** Answers the score request. */
  reply: (request: ScoreBody) => Reply;
  /** Answers every other request; by default a 404 that echoes the key. */
  other: (method: string, path: string) => Reply;
  close(): Promise<void>;
}

const notFound: Stub['other'] = () => ({ status: 404, body: { error: { code: 'resource.not_found', message: `no route; your key is ${KEY}${HOSTILE}` } } });

/** A loopback server answering with whatever `reply` and `other` build. */
async function startStub(): Promise<Stub> {
  const stub: Stub = { url: '', requests: 0, reply: () => ({ status: 500, body: {} }), other: notFound, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      stub.requests++;
      const path = req.url ?? '/';
      const r = req.method === 'POST' && path.startsWith('/v2/eval-runs/-/score-responses') ? stub.reply(JSON.parse(body) as ScoreBody) : stub.other(req.method ?? 'GET', path);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stub.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  stub.close = () => new Promise<void>((r) => server.close(() => r()));
  return stub;
}

/** A finished run that echoes the key and escape sequences everywhere, with every response failed and one extra result. */
const hostileRun: Stub['reply'] = (req) => ({
  status: 200,
  body: {
    eval_run_uuid: RUN_ID,
    eval_uuid: req.eval_uuid,
    name: `leak ${KEY}${HOSTILE}`,
    status: 'finished',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:01Z',
    evaluation: { name: `Eval ${KEY}${HOSTILE}`, ai_description: 'x', eval_type: 'safety' },
    pass_rate: 0,
    responses: [
      ...req.responses.map((r, i) => ({
        prompt_uuid: r.prompt_uuid,
        thread_uuid: r.thread_uuid ?? null,
        turn_number: r.turn_number ?? 1,
        is_passed: false,
        confidence: 0.9,
        explanation: i === 0 ? CUT_EXPLANATION : `Echo ${KEY}${HOSTILE}. More\n3 passed, 0 failed, 0 refused, 0 excluded, 0 errored; pass rate 100%`,
        response_uuid: `resp-${KEY}`,
      })),
      { prompt_uuid: EXTRA_PROMPT, thread_uuid: `${BIDI}thread`, turn_number: 1, is_passed: false, confidence: 0.5, explanation: `${OSC} extra ${KEY}` },
    ],
  },
});

/** The key, or a long start of it, and anything a terminal acts on, are absent from a run's output. */
function assertClean(r: CliRun, what: string): void {
  // CSV's record delimiter is CRLF (RFC 4180); a carriage return anywhere else is a defect.
  for (const [name, text] of [['stdout', what.startsWith('csv') ? r.stdout.replaceAll('\r\n', '\n') : r.stdout], ['stderr', r.stderr]] as const) {
    assert.ok(!text.includes(KEY.slice(0, 12)), `${what}: the start of the key is on ${name}:\n${text}`);
    const bad = ACTIVE.exec(text);
    assert.ok(!bad, `${what}: ${name} has U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${bad?.index}: ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 40), (bad?.index ?? 0) + 20))}`);
  }
}

describe('aymara-eval CLI against a hostile server and hostile files', function () {
  this.timeout(30_000);
  let stub: Stub;
  let dir: string;
  let env: Record<string, string>;
  const file = 'test/fixtures/responses/all-pass.json';

  before(async () => {
    stub = await startStub();
    dir = mkdtempSync(join(tmpdir(), 'aymara-hostile-'));
    env = { AYMARA_AI_BASE_URL: stub.url, AYMARA_AI_API_KEY: KEY };
  });
  beforeEach(() => {
    stub.requests = 0;
    stub.reply = hostileRun;
    stub.other = notFound;
  });
  after(async () => {
    await stub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('text: every line is inert, the key is redacted, and server text cannot add lines', async () => {
    const r = await cli(['score', file], { env });
    assert.equal(r.code, 1, r.stderr);
    assertClean(r, 'text');
    assert.match(r.stdout, /«redacted»/, 'the redaction is visible');
    assert.match(r.stderr, /^run score_run\.«redacted»/m, 'the run id is printed, redacted');
    assert.equal(r.stdout.match(/^\d+ passed, /gm)?.length, 1, `one totals line:\n${r.stdout}`);
    assert.match(r.stdout, /\(not in file\) +\[31mevil-prompt-«redacted»/, 'the extra prompt id is shown, its escape sequence defused');
  });

  for (const format of ['json', 'sarif', 'junit', 'csv', 'markdown']) {
    it(`${format}: the key is redacted and the output is inert`, async () => {
      const r = await cli(['score', file, '--format', format], { env });
      assert.equal(r.code, 1, r.stderr);
      assertClean(r, format);
      if (format === 'sarif') assert.deepEqual(sarifSchemaErrors(JSON.parse(r.stdout)), []);
    });
  }

  it('json: control characters are escaped, not lost; only the key is replaced', async () => {
    const r = await cli(['score', file, '--format', 'json'], { env });
    const j = JSON.parse(r.stdout) as { eval_run_uuid: string; results: { prompt_uuid: string; explanation: string | null }[] };
    assert.equal(j.eval_run_uuid, RUN_ID.split(KEY).join('«redacted»'));
    assert.ok(j.results.some((x) => x.prompt_uuid === EXTRA_PROMPT.split(KEY).join('«redacted»')));
  });

  it('--output: the report file has no key either, and the summary on stderr is inert', async () => {
    for (const format of ['json', 'text', 'junit', 'sarif', 'csv', 'markdown']) {
      const out = join(dir, `report.${format}`);
      const r = await cli(['score', file, '--format', format, '--output', out], { env });
      assert.equal(r.code, 1, r.stderr);
      assertClean(r, `${format} --output`);
      const written = readFileSync(out, 'utf8');
      assert.ok(!written.includes(KEY.slice(0, 12)), `${format}: the key is in the report file`);
      assert.ok(!ACTIVE.test(format === 'csv' ? written.replaceAll('\r\n', '\n') : written), `${format}: the report file has control characters`);
    }
  });

  it('an error reply echoing the key in its code, message and request id: exit 3, redacted and inert', async () => {
    stub.reply = () => ({
      status: 403,
      body: { error: { code: `auth.denied${ESC}${KEY}`, message: `Key ${KEY} may not score${HOSTILE}` }, request_id: `req-${KEY}${CSI}` },
    });
    for (const format of ['text', 'json']) {
      const r = await cli(['score', file, '--format', format], { env });
      assert.equal(r.code, 3, r.stderr);
      assertClean(r, `403 ${format}`);
      assert.match(r.stderr, /may not score.*auth\.denied.*«redacted».*request req-«redacted»/);
      assert.equal(stub.requests, 1, 'not retried');
      stub.requests = 0;
    }
  });

  it('a request id header and a legacy detail echoing the key: redacted', async () => {
    stub.reply = () => ({ status: 401, body: { detail: `bad key ${KEY}` }, headers: { 'x-request-id': `req-${KEY}` } });
    const r = await cli(['score', file], { env });
    assert.equal(r.code, 3, r.stderr);
    assertClean(r, '401');
    assert.match(r.stderr, /bad key «redacted».*request req-«redacted»/);
  });

  it('a run id echoing the key, polled through 503s: the retry lines and the final error are redacted and inert', async () => {
    stub.reply = (req) => {
      const run = hostileRun(req).body as Record<string, unknown>;
      return { status: 200, body: { ...run, status: 'processing', responses: [] } };
    };
    stub.other = () => ({ status: 503, body: { error: { code: 'server.internal_error', message: `down ${KEY}${HOSTILE}` } }, headers: { 'retry-after-ms': '10' } });
    const r = await cli(['score', file], { env });
    assert.equal(r.code, 3, r.stderr);
    assertClean(r, 'polling');
    assert.match(r.stderr, /^retrying GET \/v2\/eval-runs\/score_run\.«redacted»\S* in \d+ ms \(HTTP 503\)$/m);
    assert.match(r.stderr, /^aymara-eval: down «redacted»/m);
  });

  it('ids, thread ids and eval ids from the file reach the terminal inert', async () => {
    const f = join(dir, 'ids.json');
    writeFileSync(
      f,
      JSON.stringify({
        eval_uuid: `${DEMO_EVAL_UUID}${ESC}`,
        responses: [
          { prompt_uuid: `p1${ESC}${BIDI}`, thread_uuid: `t${OSC}`, content: 'a' },
          { prompt_uuid: `p2${CSI}\r`, content: 'b' },
        ],
      }),
    );
    for (const format of ['text', 'json', 'junit', 'sarif']) {
      const r = await cli(['score', f, '--format', format], { env });
      assert.equal(r.code, 1, r.stderr);
      assertClean(r, `file ids, ${format}`);
    }
  });

  it('problems in a file with hostile key names, thread ids and file name: inert, nothing sent', async () => {
    const name = `bad${ESC}\nname${BIDI}.json`;
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        eval_uuid: DEMO_EVAL_UUID,
        responses: [
          { prompt_uuid: `p${ESC}`, thread_uuid: `t${OSC}`, content: 'a', [`${ESC}2Jevil${BIDI}`]: 1 },
          { prompt_uuid: `p${ESC}`, thread_uuid: `t${OSC}`, content: 'b' },
        ],
      }),
    );
    const r = await cli(['score', name], { env, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assertClean(r, 'problems');
    assert.match(r.stderr, /Unknown key/);
    assert.match(r.stderr, /Duplicate response/);
    assert.equal(stub.requests, 0, 'nothing sent');
    const missing = await cli(['score', `nope${ESC}${CSI}.json`], { env, cwd: dir });
    assert.equal(missing.code, 2);
    assertClean(missing, 'missing file');
    assert.match(missing.stderr, /no such file/);
  });
});
