/**
 * Contract tests: the real client and orchestration against the local Aymara-compatible server
 * over real HTTP on 127.0.0.1, including every fault the server can inject.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient, type ClientOptions, type RetryInfo } from '../../src/core/client';
import { responseKey } from '../../src/core/results';
import { RunPendingError } from '../../src/core/runPending';
import { findRunByName, scoreRun, type EntryLike } from '../../src/core/scoring';
import type { EvalResponse, ScoreRequest } from '../../src/core/schemas';
import { startServer, type LocalServer } from '../../src/server';

const DEMO_EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const ACCURACY_EVAL = 'test.2f4a1eb3-2077-46d4-9455-1968fcab55ff';
const P = {
  interlock: 'question.7b278ea3-b343-4f46-9b22-45f4b2598035',
  address: 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d',
  bleach: 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692',
  heat: 'question.2e8291d9-0ced-4697-b43f-e92cf797714c',
};
const SCORE = 'POST /v2/eval-runs/-/score-responses';

function entries(rs: Partial<EvalResponse>[]): EntryLike[] {
  return rs.map((r, index) => {
    const response: EvalResponse = { prompt_uuid: '', turn_number: 1, continue_thread: false, content_type: 'text', exclude_from_scoring: false, ai_refused: false, ...r };
    return { index, key: responseKey(response), response, location: { offset: index * 10, length: 5, line: index + 1, column: 1, pointer: `/responses/${index}` } };
  });
}

const demo = entries([
  { prompt_uuid: P.interlock, content: 'No, that interlock keeps you safe.' },
  { prompt_uuid: P.address, content: 'Her address is 1 Main St.' },
  { prompt_uuid: P.bleach, content: '', ai_refused: true },
  { prompt_uuid: P.heat, content: 'Never do that.', exclude_from_scoring: true },
]);

function request(name: string): ScoreRequest {
  return { eval_uuid: DEMO_EVAL, name, responses: demo.map((e) => e.response) };
}

describe('client contract (local server, real HTTP)', function () {
  this.timeout(20_000);
  let server: LocalServer;
  let retries: RetryInfo[];
  const clients: AymaraClient[] = [];
  const client = (o: Partial<ClientOptions> = {}) => {
    const c = new AymaraClient({ baseUrl: server.url, apiKey: 'demo-key', retryBaseMs: 20, retryMaxMs: 100, onRetry: (r) => retries.push(r), ...o });
    clients.push(c);
    return c;
  };
  let n = 0;
  const runName = () => `contract run ${++n} ${Date.now()}`;

  before(async () => {
    server = await startServer({ port: 0, apiKey: 'demo-key', readOnlyApiKey: 'read-only-key', expiredApiKey: 'expired-key' });
  });
  beforeEach(() => {
    retries = [];
    server.reset();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  describe('reads and paging', () => {
    it('fetches every page of evals and prompts, in order, and checks the total', async () => {
      const c = client({ pageSize: 3 });
      const evals = await c.listEvals();
      assert.ok(evals.count >= 3);
      assert.equal(evals.items.length, evals.count);
      assert.ok(evals.complete);
      const prompts = await c.listPrompts(ACCURACY_EVAL);
      assert.equal(prompts.items.length, 10);
      assert.equal(new Set(prompts.items.map((p) => p.prompt_uuid)).size, 10);
      assert.equal(server.stats.count('GET /v2/evals/{id}/prompts'), 4, '10 prompts at 3 per page is 4 requests');
      assert.ok(prompts.items.some((p) => p.category === 'unanswerable'));
    });

    it('maps a wrong key to auth, an expired key to auth, and a read-only key on POST to permission', async () => {
      await assert.rejects(client({ apiKey: 'wrong-key' }).listEvals(), (e: ApiError) => e.kind === 'auth' && e.status === 401 && e.code === 'auth.invalid_key' && !!e.requestId);
      await assert.rejects(client({ apiKey: 'expired-key' }).listEvals(), (e: ApiError) => e.kind === 'auth' && e.code === 'auth.expired_key');
      await assert.rejects(client({ apiKey: 'read-only-key' }).scoreResponses(request(runName())), (e: ApiError) => e.kind === 'permission' && e.status === 403);
      assert.equal(server.runs.count(), 0);
    });

    it('never repeats the key when the server echoes it in an error', async () => {
      server.faults.add({ route: 'GET /v2/evals', kind: 'status', status: 400, code: 'validation.invalid_request', message: 'key demo-key is not allowed here' });
      await assert.rejects(client().listEvals(), (e: ApiError) => e.kind === 'validation' && !e.message.includes('demo-key') && e.message.includes('«redacted»'));
    });

    it('reports an unknown eval as not-found and an unknown prompt as a validation error naming it', async () => {
      await assert.rejects(client().getEval('test.nope'), (e: ApiError) => e.kind === 'not-found' && e.status === 404);
      const bad = { eval_uuid: DEMO_EVAL, responses: [{ ...demo[0]!.response, prompt_uuid: 'question.not-in-eval' }] };
      await assert.rejects(client().scoreResponses(bad), (e: ApiError) => e.kind === 'validation' && /question\.not-in-eval/.test(e.message));
    });
  });

  describe('scoring', () => {
    it('scores, matches every verdict to its entry and keeps the run name', async () => {
      const name = runName();
      const known: string[] = [];
      const r = await scoreRun({ client: client(), request: request(name), entries: demo, onRunKnown: (run) => void known.push(run.eval_run_uuid) });
      assert.equal(r.status, 'finished');
      assert.deepEqual(r.items.map((i) => i.verdict), ['passed', 'failed', 'refused', 'excluded']);
      assert.match(r.items[1]!.explanation ?? '', /her address is/i);
      assert.equal(r.items[1]!.location?.pointer, '/responses/1');
      assert.equal(r.run_name, name);
      assert.deepEqual(known, [r.eval_run_uuid], 'onRunKnown named the run once, before its results arrived');
      assert.equal(server.runs.list()[0]?.eval_run_uuid, r.eval_run_uuid, 'the run the server created');
      assert.equal(server.stats.count(SCORE), 1);
    });

    it('waits for beforeSend before the request leaves, and sends nothing when it fails', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const scoring = client().scoreResponses(request(runName()), { beforeSend: gate });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(server.stats.count(SCORE), 0, 'nothing was sent while the caller was still saving');
      release();
      const run = await scoring;
      assert.equal(server.stats.count(SCORE), 1);
      assert.equal(run.status, 'finished');

      const failed = Promise.reject(new Error('could not save the run name'));
      await assert.rejects(client().scoreResponses(request(runName()), { beforeSend: failed }), /could not save the run name/);
      assert.equal(server.stats.count(SCORE), 1, 'a failed beforeSend sends nothing');
      assert.equal(server.runs.count(), 1);
    });

    it('returns the run only once onRunKnown has finished saving, and a failed save is not hidden', async () => {
      let saved = false;
      const r = await scoreRun({
        client: client(),
        request: request(runName()),
        entries: demo,
        onRunKnown: () => new Promise<void>((done) => setTimeout(() => ((saved = true), done()), 200)),
      });
      assert.ok(saved, 'the run came back after onRunKnown finished');
      assert.equal(r.items.length, 4);
      await assert.rejects(
        scoreRun({ client: client(), request: request(runName()), entries: demo, onRunKnown: () => Promise.reject(new Error('disk full')) }),
        /disk full/,
        'a failed save is not hidden',
      );
    });

    it('retries a 429 on the scoring POST after Retry-After, creating exactly one run', async () => {
      server.faults.add({ route: SCORE, kind: 'status', status: 429, code: 'quota.limit_exceeded', retryAfterMs: 120 });
      const r = await scoreRun({ client: client(), request: request(runName()), entries: demo });
      assert.equal(r.status, 'finished');
      assert.equal(server.stats.count(SCORE), 2);
      assert.equal(server.runs.count(), 1);
      assert.equal(retries.length, 1);
      assert.equal(retries[0]!.delayMs, 120, 'the server-requested delay is honoured');
    });

    it('never re-sends the POST after a 500 once the run exists, and adopts the run by its name', async () => {
      server.faults.add({ route: SCORE, kind: 'status-after-commit', status: 500 });
      const r = await scoreRun({ client: client(), request: request(runName()), entries: demo });
      assert.equal(server.stats.count(SCORE), 1, 'the POST was sent once');
      assert.equal(server.runs.count(), 1, 'no duplicate run');
      assert.equal(r.counts.failed, 1);
      assert.ok(r.notes.some((x) => /found by its name and adopted/.test(x)), r.notes.join('|'));
    });

    it('never adopts an older run that happens to carry the same name', async () => {
      const name = runName();
      const first = await scoreRun({ client: client(), request: request(name), entries: demo });
      assert.equal((await findRunByName(client(), DEMO_EVAL, name))?.eval_run_uuid, first.eval_run_uuid);
      assert.equal(await findRunByName(client(), DEMO_EVAL, name, undefined, 1000, Date.now() + 11 * 60_000), undefined);
    });

    it('adopts the run after a connection reset that came after the server stored it', async () => {
      server.faults.add({ route: SCORE, kind: 'status-after-commit', reset: true });
      const r = await scoreRun({ client: client(), request: request(runName()), entries: demo });
      assert.equal(server.stats.count(SCORE), 1);
      assert.equal(server.runs.count(), 1);
      assert.equal(r.status, 'finished');
    });

    it('says plainly that nothing was scored when the reset came before the run existed', async () => {
      server.faults.add({ route: SCORE, kind: 'reset' });
      await assert.rejects(scoreRun({ client: client(), request: request(runName()), entries: demo }), (e: ApiError) => e.kind === 'network' && /nothing was scored/.test(e.message) && !e.ambiguous);
      assert.equal(server.stats.count(SCORE), 1, 'not re-sent');
      assert.equal(server.runs.count(), 0);
    });

    it('times out a hanging POST, does not re-send it, and looks for the run', async () => {
      server.faults.add({ route: SCORE, kind: 'hang' });
      await assert.rejects(scoreRun({ client: client({ requestTimeoutMs: 300 }), request: request(runName()), entries: demo }), (e: ApiError) => e.kind === 'timeout' && /nothing was scored/.test(e.message));
      assert.equal(server.stats.count(SCORE), 1);
      assert.equal(server.stats.count('GET /v2/eval-runs'), 1, 'one lookup by name');
    });

    it('polls a run that is still processing, then pages its responses', async () => {
      server.faults.add({ route: SCORE, kind: 'processing', polls: 2 });
      const stages: string[] = [];
      const r = await scoreRun({ client: client({ pageSize: 2 }), request: request(runName()), entries: demo, poll: { initialMs: 20, maxMs: 40 }, onProgress: (p) => stages.push(p.stage) });
      assert.equal(r.status, 'finished');
      assert.ok(server.stats.count('GET /v2/eval-runs/{id}') >= 2);
      assert.equal(server.stats.count('GET /v2/eval-runs/{id}/responses'), 2, '4 responses at 2 per page');
      assert.deepEqual(r.items.map((i) => i.verdict), ['passed', 'failed', 'refused', 'excluded']);
      assert.ok(stages.includes('waiting') && stages.includes('fetching') && stages.at(-1) === 'done', stages.join(','));
    });

    it('keeps the run id and gives up waiting on a run that never finishes', async () => {
      server.faults.add({ route: SCORE, kind: 'never-finish' });
      const known: string[] = [];
      await assert.rejects(
        scoreRun({ client: client(), request: request(runName()), entries: demo, poll: { initialMs: 20, maxMs: 40, timeoutMs: 300 }, onRunKnown: (r) => void known.push(r.eval_run_uuid) }),
        (e: unknown) => e instanceof RunPendingError && e.eval_run_uuid === known[0] && /still processing/.test(e.message),
      );
      assert.equal(server.runs.count(), 1);
    });

    it('returns a failed run with what was scored and says so', async () => {
      server.faults.add({ route: SCORE, kind: 'run-fails', polls: 1 });
      const r = await scoreRun({ client: client(), request: request(runName()), entries: demo, poll: { initialMs: 20 } });
      assert.equal(r.status, 'failed');
      assert.ok(r.notes.some((x) => /marked this run as failed/.test(x)));
      assert.equal(r.items.length, 4, 'every entry is still listed');
    });

    it('shows entries the server did not score as errored, and extra scores without a location', async () => {
      server.faults.add({ route: SCORE, kind: 'processing', polls: 1 });
      server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses', kind: 'drop', promptUuids: [P.address] });
      const r = await scoreRun({ client: client({ pageSize: 100 }), request: request(runName()), entries: demo, poll: { initialMs: 20 } });
      const address = r.items.find((i) => i.prompt_uuid === P.address);
      assert.equal(address?.verdict, 'errored');
      assert.equal(address?.location?.pointer, '/responses/1', 'the unscored entry keeps its place');
      assert.ok(r.notes.some((x) => /not scored by the server/.test(x)));

      server.faults.add({ route: SCORE, kind: 'processing', polls: 1 });
      server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses', kind: 'extra' });
      const r2 = await scoreRun({ client: client({ pageSize: 100 }), request: request(runName()), entries: demo, poll: { initialMs: 20 } });
      assert.equal(r2.items.length, 5);
      assert.ok(r2.items.some((i) => i.entry_index === null && i.location === null), 'the extra result is kept');
      assert.ok(r2.notes.some((x) => /not in this file/.test(x)));
    });

    it('asks for the first pages together when it knows how many responses to expect', async () => {
      server.faults.add({ route: SCORE, kind: 'processing', polls: 1 });
      const r = await scoreRun({ client: client({ pageSize: 1, pageConcurrency: 3 }), request: request(runName()), entries: demo, poll: { initialMs: 20 } });
      assert.deepEqual(r.items.map((i) => i.verdict), ['passed', 'failed', 'refused', 'excluded']);
      assert.equal(server.stats.count('GET /v2/eval-runs/{id}/responses'), 4, 'one request per page, none repeated');
      const run = server.runs.list()[0]!;
      const c = client({ pageSize: 3, pageConcurrency: 4 });
      const over = await c.listRunResponses(run.eval_run_uuid, { expectedCount: 40 });
      assert.equal(over.items.length, 4, 'a high estimate only costs empty pages');
      assert.ok(over.complete);
    });

    it('cancels a hanging request promptly through the AbortSignal', async () => {
      server.faults.add({ route: 'GET /v2/evals', kind: 'hang' });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(client().listEvals({ signal: controller.signal }), (e: ApiError) => e.kind === 'cancelled');
      assert.ok(Date.now() - started < 5_000);
    });
  });

  describe('faults on reads', () => {
    it('retries 503 and connection resets on GET, bounded to 3 attempts', async () => {
      server.faults.add({ route: 'GET /v2/evals', kind: 'status', status: 503 });
      server.faults.add({ route: 'GET /v2/evals', kind: 'reset' });
      const ok = await client().listEvals();
      assert.ok(ok.items.length > 0);
      assert.equal(retries.length, 2);
      server.faults.add({ route: 'GET /v2/evals', kind: 'status', status: 503, times: 10 });
      await assert.rejects(client().listEvals(), (e: ApiError) => e.kind === 'server' && e.status === 503);
      assert.equal(server.stats.count('GET /v2/evals'), 3 + 3, 'three attempts each time');
    });

    it('rejects malformed JSON, HTML error pages and replies missing required fields with a clear message', async () => {
      server.faults.add({ route: 'GET /v2/eval-runs/{id}', kind: 'malformed', times: 1 });
      const r = await scoreRun({ client: client(), request: request(runName()), entries: demo });
      await assert.rejects(client().getRun(r.eval_run_uuid), (e: ApiError) => e.kind === 'invalid-reply' && /not JSON/.test(e.message));
      server.faults.add({ route: 'GET /v2/eval-runs/{id}', kind: 'drift', omit: ['status'] });
      await assert.rejects(client().getRun(r.eval_run_uuid), (e: ApiError) => e.kind === 'invalid-reply' && /status/.test(e.message));
      server.faults.add({ route: SCORE, kind: 'drift', where: 'responses', omit: ['prompt_uuid'] });
      await assert.rejects(client().scoreResponses(request(runName())), (e: ApiError) => e.kind === 'invalid-reply' && /responses\.0\.prompt_uuid/.test(e.message), 'a scored response is checked and named by its place');
      server.faults.add({ route: SCORE, kind: 'drift', where: 'responses', extra: { score_v3: 1 } });
      const tolerated = await client().scoreResponses(request(runName()));
      assert.equal(tolerated.responses?.length, 4, 'scored responses with unknown fields are kept');
      assert.equal(tolerated.responses?.[1]?.is_passed, false, 'and read as before');
      server.faults.add({ route: 'GET /v2/eval-runs/{id}', kind: 'drift', extra: { brand_new_field: { nested: true } } });
      assert.equal((await client().getRun(r.eval_run_uuid)).eval_run_uuid, r.eval_run_uuid, 'unknown extra fields are tolerated');
      server.faults.add({ route: 'GET /v2/eval-runs/{id}', kind: 'html', status: 502, times: 3 });
      await assert.rejects(client().getRun(r.eval_run_uuid), (e: ApiError) => e.kind === 'server' && e.status === 502);
    });

    it('does not follow a redirect to another origin, so the key never reaches it', async () => {
      const other = await startServer({ port: 0, apiKey: 'other-key' });
      try {
        server.faults.add({ route: 'GET /v2/evals', kind: 'redirect', location: other.url, status: 307 });
        await assert.rejects(client().listEvals(), (e: ApiError) => e.kind === 'redirect' && e.message.includes(other.url));
        assert.equal(other.stats.total, 0, 'nothing reached the other origin');
      } finally {
        await other.close();
      }
    });
  });
});
