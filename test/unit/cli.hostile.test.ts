/**
 * The built CLI against a hostile server: headers that ask for a re-send, lying page counts,
 * trickling and endless replies, replies about another eval or run, scores out of range. Each
 * ends in bounded time with a clear message (exit 3) or a recovery, exactly one run on the
 * server, and never the key on screen. The server is a stub on 127.0.0.1 in front of the local
 * server (test/unit/hostileServer.ts), so runs really exist.
 */
import * as assert from 'node:assert/strict';
import { startServer, type LocalServer } from '../../src/server';
import { edited, endless, json, runCli, startStub, trickle, type Stub, type StubHandler } from './hostileServer';

const KEY = 'sk-hostile-cli-7c1e0f5a9b';
const FILE = 'test/fixtures/responses/demo-body.json'; // 8 responses: 3 passed, 3 failed, 1 refused, 1 excluded
const SCORE = '/v2/eval-runs/-/score-responses';
const RESPONSES = /^\/v2\/eval-runs\/[^/]+\/responses$/;
/** Keeps a runaway CLI from taking the machine's memory with it. */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=256' };

describe('CLI against a hostile server (dist/cli.js)', function () {
  this.timeout(120_000);
  let server: LocalServer;
  let stub: Stub | undefined;

  before(async () => {
    server = await startServer({ port: 0, apiKey: KEY });
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  after(async () => {
    await server.close();
  });

  async function score(handler: StubHandler, args: string[] = [], timeoutMs = 60_000) {
    stub = await startStub(server.url, handler);
    return runCli(['score', FILE, '--base-url', stub.url, ...args], { key: KEY, env: SMALL_HEAP, timeoutMs });
  }

  describe('a scoring POST is sent once, whatever the reply headers say', () => {
    it('500 with x-should-retry: true after the server stored the run: one POST, one run, adopted by its name', async () => {
      const r = await score(async (req) => {
        if (req.method !== 'POST' || req.path !== SCORE) return;
        await req.forward(); // the server has processed it
        return json(500, { error: { code: 'server.internal_error', message: 'please retry', details: {} } }, { 'x-should-retry': 'true', 'retry-after-ms': '0' });
      });
      assert.equal(stub!.count('POST', SCORE), 1, 'the POST was not re-sent');
      assert.equal(server.runs.count(), 1, 'exactly one run');
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^note: The reply to the submission was lost .*found by its name and adopted/m);
      assert.match(r.stdout, /^3 passed, 3 failed, 1 refused, 1 excluded, 0 errored/m);
    });

    it('503 with x-should-retry: true before any run exists: one POST, no run, "nothing was scored" (exit 3)', async () => {
      const r = await score((req) => {
        if (req.method === 'POST' && req.path === SCORE) return json(503, { error: { code: 'server.internal_error', message: 'busy', details: {} } }, { 'x-should-retry': 'true' });
      });
      assert.equal(stub!.count('POST', SCORE), 1);
      assert.equal(server.runs.count(), 0);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^aymara-eval: .*nothing was scored/m);
    });
  });

  describe('paging does not trust the server\'s count', () => {
    /** The POST leaves the run processing, so its scored responses are paged. */
    const paged = (page: (items: unknown[], offset: number) => { items: unknown[]; count: number }): StubHandler => async (req) => {
      if (req.method === 'POST' && req.path === SCORE) server.faults.add({ route: `POST ${SCORE}`, kind: 'processing', polls: 1 });
      if (req.method === 'GET' && RESPONSES.test(req.path)) {
        const up = await req.forward();
        return edited(up, (j) => Object.assign(j, page(j.items as unknown[], Number(req.query.get('offset') ?? 0))));
      }
    };

    it('count 1e12 with short pages: exit 3 after one page request, naming the count and what was sent', async () => {
      const r = await score(paged((items) => ({ items: items.slice(0, 1), count: 1e12 })));
      assert.equal(r.code, 3, r.stderr);
      assert.ok(stub!.count('GET', RESPONSES) <= 2, `${stub!.count('GET', RESPONSES)} page requests`);
      assert.match(r.stderr, /^aymara-eval: .*1000000000000 .*8 .*sent/m);
      assert.equal(server.runs.count(), 1);
    });

    it('count 1e8 with empty pages: exit 3 after one page request', async () => {
      const r = await score(paged(() => ({ items: [], count: 1e8 })));
      assert.equal(r.code, 3, r.stderr);
      assert.ok(stub!.count('GET', RESPONSES) <= 2, `${stub!.count('GET', RESPONSES)} page requests`);
      assert.match(r.stderr, /^aymara-eval: .*100000000 /m);
    });

    it('a plausible count with an empty page: stops there and shows what arrived as not scored (exit 1)', async () => {
      const r = await score(paged(() => ({ items: [], count: 8 })), ['--format', 'json']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(stub!.count('GET', RESPONSES), 1, 'no page asked for twice');
      const report = JSON.parse(r.stdout) as { counts: Record<string, number> };
      assert.equal(report.counts.errored, 7);
      assert.match(r.stderr, /reported 8 scored responses but 0 arrived/);
    });
  });

  describe('limits on time and size per request', () => {
    it('--timeout 5 against a reply trickling a byte every 40 ms: exit 3 a few seconds past the limit, naming it', async () => {
      let reply: ReturnType<typeof trickle> | undefined;
      const r = await score((req, res) => {
        if (req.method === 'POST' && req.path === SCORE) reply = trickle(res);
      }, ['--timeout', '5']);
      assert.equal(r.code, 3, r.stderr);
      // Measured at the server, from the request's arrival to the client hanging up (the CLI's own start-up is not part of the limit).
      const held = reply?.heldMs();
      assert.ok(held !== undefined && held >= 4_000 && held < 7_500, `the client held the trickling reply for ${held} ms`);
      assert.match(r.stderr, /^aymara-eval: POST \/v2\/eval-runs\/-\/score-responses timed out after 5 s \(the time limit for one request, set by --timeout\)\..*nothing was scored/m);
      assert.equal(stub!.count('POST', SCORE), 1);
    });

    it('an endless reply stops at --max-reply-mb with a message naming the limit (exit 3)', async () => {
      const sent = { bytes: 0, closed: false };
      const r = await score((req, res) => {
        if (req.method === 'POST' && req.path === SCORE) endless(res, sent);
      }, ['--max-reply-mb', '1']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^aymara-eval: The API's reply to POST \/v2\/eval-runs\/-\/score-responses is larger than 1 MB, the reply size limit \(--max-reply-mb\)/m);
      assert.ok(sent.closed, 'the client hung up');
      assert.ok(sent.bytes < 16 * 1024 * 1024, `${sent.bytes} bytes were written before the client hung up`);
    });

    it('a declared length over the limit is refused at once, without waiting for the body (exit 3)', async () => {
      let held: number | undefined;
      const r = await score((req, res) => {
        if (req.method !== 'POST' || req.path !== SCORE) return;
        const started = Date.now();
        res.on('close', () => (held = Date.now() - started));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 * 1024) });
        res.write('{"responses": ['); // and nothing more: only the declared length can end this before the 30 s limit
      }, ['--max-reply-mb', '2', '--timeout', '30']);
      assert.equal(r.code, 3, r.stderr);
      assert.ok(held !== undefined && held < 5_000, `the client held the reply for ${held} ms`);
      assert.match(r.stderr, /is larger than 2 MB, the reply size limit \(--max-reply-mb\)/);
    });
  });

  describe('replies must answer the request', () => {
    const SCORE_ROUTE = `POST ${SCORE}`;
    const cliOnServer = (args: string[] = []) => runCli(['score', FILE, '--base-url', server.url, ...args], { key: KEY, env: SMALL_HEAP });

    it('a run for another eval: exit 3, not shown as results', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'drift', extra: { eval_uuid: 'test.00000000-0000-4000-8000-0000000000aa' } });
      const r = await cliOnServer();
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^aymara-eval: The API's reply to POST \/v2\/eval-runs\/-\/score-responses is about eval test\.0+-0+-4000-8000-0+aa, not the eval test\.972d78de-f10b-4afb-941b-9f944b0904d1 that was asked for/m);
    });

    it('another run while polling: exit 3', async () => {
      server.faults.add([
        { route: SCORE_ROUTE, kind: 'processing', polls: 1 },
        { route: 'GET /v2/eval-runs/{id}', kind: 'drift', extra: { eval_run_uuid: 'score_run.someone-elses' } },
      ]);
      const r = await cliOnServer();
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /is about run score_run\.someone-elses, not the run score_run\.\S+ that was asked for/);
    });

    it('a confidence above 1: exit 3 naming the field', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'drift', where: 'responses', extra: { confidence: 1.5 } });
      const r = await cliOnServer();
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /responses\.0\.confidence: confidence must be between 0 and 1/);
    });

    it('a pass rate below 0: exit 3 naming the field', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'drift', extra: { pass_rate: -0.5 } });
      const r = await cliOnServer(['--format', 'json']);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /pass_rate: pass_rate must be between 0 and 1/);
    });
  });
});
