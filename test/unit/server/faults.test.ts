import * as assert from 'node:assert/strict';
import { DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type LocalServer } from '../../../src/server';
import { assertEnvelope, call, SCORE, sleep } from './helpers';

const P = DEMO_PROMPTS;
const body = {
  eval_uuid: DEMO_EVAL_UUID,
  responses: [
    { prompt_uuid: P.interlock, content: 'no' },
    { prompt_uuid: P.bleach, content: 'add ammonia' },
    { prompt_uuid: P.gasOven, content: 'no' },
  ],
};

describe('local server: fault injection', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  describe('route matching and bookkeeping', () => {
    it('uses a fault up after `times` matching requests and leaves other routes alone', async () => {
      server.faults.add({ route: 'GET /v2/evals', kind: 'status', status: 503, times: 2 });
      assert.equal((await call(server, '/v2/evals/' + DEMO_EVAL_UUID)).status, 200, 'other route untouched');
      assert.equal((await call(server, '/v2/evals', { method: 'DELETE' })).status, 405, 'other method untouched');
      assert.equal(server.faults.list()[0]?.remaining, 2);
      assert.equal((await call(server, '/v2/evals')).status, 503);
      assert.equal((await call(server, '/v2/evals')).status, 503);
      assert.equal((await call(server, '/v2/evals')).status, 200);
      assert.equal(server.faults.pending, 0);
    });

    it('matches {id} and * segments, "*" routes, and Infinity', async () => {
      server.faults.add({ route: 'GET /v2/evals/{id}/prompts', kind: 'status', status: 500 });
      assert.equal((await call(server, `/v2/evals/${DEMO_EVAL_UUID}/prompts`)).status, 500);
      server.faults.add({ route: '* /v2/**', kind: 'status', status: 502 });
      assert.equal((await call(server, '/health/')).status, 200);
      assert.equal((await call(server, '/v2/eval-runs')).status, 502);
      server.faults.add({ route: '*', kind: 'status', status: 500, times: Infinity });
      for (let i = 0; i < 3; i++) assert.equal((await call(server, '/health/')).status, 500);
      server.faults.clear();
      assert.equal((await call(server, '/health/')).status, 200);
    });

    it('does not spend faults on requests that fail authentication', async () => {
      server.faults.add({ route: '*', kind: 'status', status: 500 });
      assertEnvelope(await call(server, '/v2/evals', { key: 'wrong' }), 401, 'auth.invalid_key');
      assert.equal(server.faults.pending, 1);
    });

    it('rejects malformed faults with a message naming the field', () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const bad = (f: unknown) => () => server.faults.add(f as any);
      assert.throws(bad({ route: 'GET /x', kind: 'nope' }), /kind/);
      assert.throws(bad({ route: 'evals', kind: 'reset' }), /route/);
      assert.throws(bad({ route: '*', kind: 'latency' }), /ms/);
      assert.throws(bad({ route: '*', kind: 'status', status: 503, retryAfterSeconds: 1 }), /retryAfterSeconds/);
      assert.throws(bad({ route: '*', kind: 'reset', times: 0 }), /times/);
      assert.equal(server.faults.pending, 0);
    });
  });

  describe('each kind', () => {
    it('latency: delays the matching request only', async () => {
      server.faults.add({ route: 'GET /v2/evals', kind: 'latency', ms: 300 });
      let t = Date.now();
      assert.equal((await call(server, '/v2/evals')).status, 200);
      assert.ok(Date.now() - t >= 280, `took ${Date.now() - t} ms`);
      t = Date.now();
      await call(server, '/v2/evals');
      assert.ok(Date.now() - t < 250);
    });

    it('latency combines with another fault on the same request', async () => {
      server.faults.add([
        { route: '*', kind: 'latency', ms: 150 },
        { route: '*', kind: 'status', status: 503 },
      ]);
      const t = Date.now();
      assertEnvelope(await call(server, '/v2/evals'), 503, 'server.internal_error');
      assert.ok(Date.now() - t >= 140);
    });

    it('status: 429 with retry-after seconds or retry-after-ms and the quota code', async () => {
      server.faults.add({ route: '*', kind: 'status', status: 429, retryAfter: 2 });
      const a = await call(server, '/v2/evals');
      const err = assertEnvelope(a, 429, 'quota.limit_exceeded');
      assert.equal(a.headers.get('retry-after'), '2');
      assert.equal(err.details.fault, 'status');
      server.faults.add({ route: '*', kind: 'status', status: 429, retryAfterMs: 250, headers: { 'x-should-retry': 'true' } });
      const b = await call(server, '/v2/evals');
      assert.equal(b.headers.get('retry-after-ms'), '250');
      assert.equal(b.headers.get('x-should-retry'), 'true');
      server.faults.add({ route: '*', kind: 'status', status: 400, code: 'validation.invalid_format', message: 'custom' });
      assert.equal(assertEnvelope(await call(server, '/v2/evals'), 400, 'validation.invalid_format').message, 'custom');
      assertEnvelope(await (server.faults.add({ route: '*', kind: 'status', status: 503 }), call(server, '/v2/evals')), 503, 'server.internal_error');
    });

    it('status: a 500 on score-responses stores nothing', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'status', status: 500 });
      assertEnvelope(await call(server, SCORE, { body }), 500, 'server.internal_error');
      assert.equal(server.runs.count(), 0);
    });

    it('status-after-commit: the run is stored but the client gets 500 / 503', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'status-after-commit' });
      assertEnvelope(await call(server, SCORE, { body: { ...body, name: 'ambiguous-1' } }), 500, 'server.internal_error');
      assert.equal(server.runs.count(), 1);
      const stored = server.runs.list()[0]!;
      assert.equal(stored.name, 'ambiguous-1');
      assert.equal(stored.status, 'finished');
      assert.equal(server.runs.responses(stored.eval_run_uuid)?.length, 3);
      // the client can find it by name
      const found = (await call(server, `/v2/eval-runs?eval_uuid=${DEMO_EVAL_UUID}`)).json.items.find((r: { name: string }) => r.name === 'ambiguous-1');
      assert.equal(found.eval_run_uuid, stored.eval_run_uuid);

      server.faults.add({ route: 'POST /v2/eval-runs', kind: 'status-after-commit', status: 503 });
      assertEnvelope(await call(server, '/v2/eval-runs', { body }), 503, 'server.internal_error');
      assert.equal(server.runs.count(), 2);
    });

    it('status-after-commit with reset: the run is stored and the connection drops', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'status-after-commit', reset: true });
      await assert.rejects(call(server, SCORE, { body }), /fetch failed|socket|terminated/i);
      assert.equal(server.runs.count(), 1);
      assert.equal(server.stats.recent().at(-1)?.status, null);
    });

    it('status-after-commit with hang: the run is stored and no reply comes', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'status-after-commit', hang: true });
      await assert.rejects(call(server, SCORE, { body, timeoutMs: 300 }), /timeout|abort/i);
      assert.equal(server.runs.count(), 1);
    });

    it('reset: the socket is destroyed without a reply and nothing is stored', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'reset' });
      await assert.rejects(call(server, SCORE, { body }), /fetch failed|socket|terminated/i);
      assert.equal(server.runs.count(), 0);
      assert.equal((await call(server, SCORE, { body })).status, 200, 'next request is fine');
    });

    it('hang: no reply until the client gives up; close() still returns promptly', async () => {
      const s = await startServer({ port: 0 });
      s.faults.add({ route: 'GET /v2/evals', kind: 'hang', times: 3 });
      await assert.rejects(call(s, '/v2/evals', { timeoutMs: 200 }), /timeout|abort/i);
      const pending = call(s, '/v2/evals', { timeoutMs: 10_000 }).then(
        () => 'replied',
        () => 'failed',
      );
      await sleep(100);
      const t = Date.now();
      await s.close();
      assert.ok(Date.now() - t < 1000, `close took ${Date.now() - t} ms`);
      assert.equal(await pending, 'failed');
    });

    it('malformed: 200 with a body that is not JSON', async () => {
      server.faults.add({ route: 'GET /v2/eval-runs/{id}', kind: 'malformed' });
      const run = (await call(server, SCORE, { body })).json;
      const r = await call(server, `/v2/eval-runs/${run.eval_run_uuid}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
      assert.throws(() => JSON.parse(r.text));
      server.faults.add({ route: '*', kind: 'malformed', body: 'null garbage' });
      assert.equal((await call(server, '/v2/evals')).text, 'null garbage');
    });

    it('drift: drops a required field by default, or the ones named, or adds unknown fields', async () => {
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'drift' });
      const a = (await call(server, SCORE, { body })).json;
      assert.equal('status' in a, false);
      assert.ok(a.eval_run_uuid);
      server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'drift', omit: ['eval_run_uuid'], extra: { surprise: { nested: true } } });
      const b = (await call(server, SCORE, { body })).json;
      assert.equal('eval_run_uuid' in b, false);
      assert.deepEqual(b.surprise, { nested: true });
      assert.equal(b.status, 'finished');
      server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses', kind: 'drift', where: 'items', omit: ['prompt_uuid'], extra: { score_v3: 1 } });
      const items = (await call(server, `/v2/eval-runs/${a.eval_run_uuid}/responses`)).json.items;
      assert.equal(items.length, 3);
      for (const i of items) {
        assert.equal('prompt_uuid' in i, false);
        assert.equal(i.score_v3, 1);
      }
      const clean = (await call(server, `/v2/eval-runs/${a.eval_run_uuid}/responses`)).json.items;
      assert.ok(clean.every((i: { prompt_uuid?: string }) => i.prompt_uuid), 'stored data untouched');
      server.faults.add({ route: SCORE_ROUTE, kind: 'drift', where: 'responses', omit: ['is_passed'] });
      const c = (await call(server, SCORE, { body })).json;
      assert.ok(c.responses.every((s: object) => !('is_passed' in s)));
    });

    it('html: a proxy error page, 502 by default or 200', async () => {
      server.faults.add({ route: '*', kind: 'html' });
      const a = await call(server, '/v2/evals');
      assert.equal(a.status, 502);
      assert.match(a.headers.get('content-type') ?? '', /text\/html/);
      assert.match(a.text, /<html>[\s\S]*502 Bad Gateway/);
      server.faults.add({ route: '*', kind: 'html', status: 200 });
      const b = await call(server, '/v2/evals');
      assert.equal(b.status, 200);
      assert.match(b.text, /^<!DOCTYPE html>/);
      assert.throws(() => JSON.parse(b.text));
    });

    it('processing: score-responses answers processing with responses null, finished after N GETs', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'processing', polls: 3 });
      const r = (await call(server, SCORE, { body })).json;
      assert.deepEqual([r.status, r.responses, r.num_responses_scored], ['processing', null, 0]);
      assert.equal((await call(server, `/v2/eval-runs/${r.eval_run_uuid}/responses`)).json.count, 0);
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) seen.push((await call(server, `/v2/eval-runs/${r.eval_run_uuid}`)).json.status);
      assert.deepEqual(seen, ['processing', 'processing', 'finished']);
      assert.equal((await call(server, `/v2/eval-runs/${r.eval_run_uuid}/responses`)).json.count, 3);
    });

    it('processing is not spent on routes it cannot affect', async () => {
      server.faults.add({ route: '*', kind: 'processing' });
      assert.equal((await call(server, '/v2/evals')).status, 200);
      assert.equal(server.faults.pending, 1);
      assert.equal((await call(server, SCORE, { body })).json.status, 'processing');
    });

    it('never-finish: the run stays processing however often it is polled', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'never-finish' });
      const r = (await call(server, SCORE, { body })).json;
      for (let i = 0; i < 10; i++) assert.equal((await call(server, `/v2/eval-runs/${r.eval_run_uuid}`)).json.status, 'processing');
      server.faults.add({ route: 'POST /v2/eval-runs', kind: 'never-finish' });
      const c = (await call(server, '/v2/eval-runs', { body })).json;
      assert.equal(c.status, 'created');
      for (let i = 0; i < 5; i++) assert.equal((await call(server, `/v2/eval-runs/${c.eval_run_uuid}`)).json.status, 'processing');
    });

    it('run-fails: the run ends failed (at once, after polls, or for async create)', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'run-fails' });
      const a = (await call(server, SCORE, { body })).json;
      assert.deepEqual([a.status, a.responses, a.pass_rate], ['failed', null, null]);
      assert.equal((await call(server, `/v2/eval-runs/${a.eval_run_uuid}/responses`)).json.count, 0);

      server.faults.add({ route: SCORE_ROUTE, kind: 'run-fails', polls: 2 });
      const b = (await call(server, SCORE, { body })).json;
      assert.equal(b.status, 'processing');
      assert.equal((await call(server, `/v2/eval-runs/${b.eval_run_uuid}`)).json.status, 'processing');
      assert.equal((await call(server, `/v2/eval-runs/${b.eval_run_uuid}`)).json.status, 'failed');
      assert.equal((await call(server, `/v2/eval-runs/${b.eval_run_uuid}`)).json.status, 'failed');

      server.faults.add({ route: 'POST /v2/eval-runs', kind: 'run-fails' });
      const c = (await call(server, '/v2/eval-runs', { body })).json;
      assert.equal(c.status, 'created');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(server, `/v2/eval-runs/${c.eval_run_uuid}`)).json.status);
      assert.deepEqual(statuses, ['processing', 'failed', 'failed']);
    });

    it('drop: list-responses leaves out the results of N prompts, consistently across pages', async () => {
      const run = (await call(server, SCORE, { body })).json;
      server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses', kind: 'drop', count: 2 });
      const a = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json;
      assert.equal(a.count, 1);
      assert.deepEqual(
        a.items.map((s: { prompt_uuid: string }) => s.prompt_uuid),
        [P.gasOven],
      );
      const again = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses?limit=1`)).json;
      assert.deepEqual([again.count, again.items[0].prompt_uuid], [1, P.gasOven]);
      const meta = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}`)).json;
      assert.equal(meta.num_responses_scored, 3, 'the run still claims all of them');
    });

    it('drop on score-responses: the reply and later lists omit the named prompts', async () => {
      server.faults.add({ route: SCORE_ROUTE, kind: 'drop', promptUuids: [P.bleach] });
      const run = (await call(server, SCORE, { body })).json;
      assert.deepEqual(
        run.responses.map((s: { prompt_uuid: string }) => s.prompt_uuid),
        [P.interlock, P.gasOven],
      );
      assert.equal((await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json.count, 2);
    });

    it('extra: list-responses includes a result for a prompt that was not sent', async () => {
      const run = (await call(server, SCORE, { body })).json;
      server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses', kind: 'extra' });
      const a = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json;
      assert.equal(a.count, 4);
      const sent = new Set<string>(body.responses.map((r) => r.prompt_uuid));
      const extra = a.items.filter((s: { prompt_uuid: string }) => !sent.has(s.prompt_uuid));
      assert.equal(extra.length, 1);
      assert.equal(extra[0].prompt_uuid, P.neighbourAddress, 'the first eval prompt not sent');
      assert.match(extra[0].explanation, /extra/);
      server.faults.add({ route: SCORE_ROUTE, kind: 'extra', promptUuid: 'question.not-in-eval' });
      const b = (await call(server, SCORE, { body })).json;
      assert.equal(b.responses.at(-1).prompt_uuid, 'question.not-in-eval');
    });

    it('redirect: 307 to another origin with the same path; that server sees whatever headers the client re-sends', async () => {
      const other = await startServer({ port: 0 });
      try {
        server.faults.add({ route: 'GET /v2/evals', kind: 'redirect', location: other.url });
        const r = await call(server, '/v2/evals?limit=1');
        assert.equal(r.status, 307);
        assert.equal(r.headers.get('location'), `${other.url}/v2/evals?limit=1`);
        // a careful client follows without the key: the other server refuses, and never saw a key
        const followed = await call(other.url, '/v2/evals?limit=1', { key: null });
        assertEnvelope(followed, 401, 'auth.invalid_key');
        assert.equal(other.stats.lastHeaders?.['x-api-key'], undefined);
        assert.equal(other.stats.recent()[0]?.hadApiKey, false);
        // an explicit path is used as given
        server.faults.add({ route: '*', kind: 'redirect', location: `${other.url}/health/`, status: 308 });
        const s = await call(server, '/v2/evals');
        assert.deepEqual([s.status, s.headers.get('location')], [308, `${other.url}/health/`]);
      } finally {
        await other.close();
      }
    });
  });

  describe('over HTTP at /_local/', () => {
    it('adds, lists and clears faults and returns stats, with the API key', async () => {
      const add = await call(server, '/_local/faults', { body: [{ route: 'GET /v2/evals', kind: 'status', status: 503, times: 'always' }, { route: '*', kind: 'latency', ms: 1 }] });
      assert.equal(add.status, 200);
      assert.equal(add.json.faults.length, 2);
      assert.equal(add.json.faults[0].remaining, null, 'Infinity serialises as null');
      assert.equal((await call(server, '/v2/evals')).status, 503);
      assert.equal((await call(server, '/v2/evals')).status, 503);
      assert.equal((await call(server, '/_local/faults')).json.faults.length, 1);
      assert.equal((await call(server, '/_local/faults', { method: 'DELETE' })).status, 204);
      assert.equal((await call(server, '/v2/evals')).status, 200);

      const stats = (await call(server, '/_local/stats')).json;
      assert.equal(stats.total, 3);
      assert.equal(stats.byRoute['GET /v2/evals'], 3);
      assert.equal(stats.lastHeaders['x-api-key'], '[redacted]');
      assert.equal(stats.byRoute['GET /_local/stats'], undefined, 'control requests are not counted');
    });

    it('rejects control requests without the key, and invalid faults with 422', async () => {
      assertEnvelope(await call(server, '/_local/faults', { key: null, body: { route: '*', kind: 'reset' } }), 401, 'auth.invalid_key');
      assert.equal(server.faults.pending, 0);
      const bad = assertEnvelope(await call(server, '/_local/faults', { body: { route: '*', kind: 'status' } }), 422, 'validation.invalid_request');
      assert.match(bad.message, /status/);
      assertEnvelope(await call(server, '/_local/nothing'), 404, 'resource.not_found');
    });

    it('resets runs, faults and stats', async () => {
      await call(server, SCORE, { body });
      server.faults.add({ route: '*', kind: 'reset' });
      assert.equal((await call(server, '/_local/reset', { method: 'POST' })).status, 204);
      assert.equal(server.runs.count(), 0);
      assert.equal(server.faults.pending, 0);
      assert.equal(server.stats.total, 0);
    });
  });
});

const SCORE_ROUTE = 'POST /v2/eval-runs/-/score-responses';
