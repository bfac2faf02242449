import * as assert from 'node:assert/strict';
import { EvalRunResult } from '../../../src/core/schemas';
import { DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type LocalServer } from '../../../src/server';
import { assertEnvelope, call, fixtureJson } from './helpers';

describe('local server: asynchronous runs (POST /v2/eval-runs + polling)', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('creates a run in status created, then processing, then finished after 2 GETs', async () => {
    const body = fixtureJson<object>('responses/demo-body.json');
    const created = await call(server, '/v2/eval-runs', { body });
    assert.equal(created.status, 200);
    const run = EvalRunResult.parse(created.json);
    assert.deepEqual([run.status, run.num_responses_scored, run.pass_rate, run.responses], ['created', 0, 0.0, null]);
    assert.equal(run.name, 'Demo body fixture');

    // nothing to list yet
    assert.deepEqual((await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json, { items: [], count: 0 });
    // listing runs does not advance the run
    assert.equal((await call(server, `/v2/eval-runs?eval_uuid=${DEMO_EVAL_UUID}`)).json.items[0].status, 'created');

    const g1 = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}`)).json;
    assert.deepEqual([g1.status, g1.num_responses_scored, g1.pass_rate, g1.responses], ['processing', 0, 0.0, null]);
    const g2 = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}`)).json;
    assert.equal(g2.status, 'finished');
    assert.equal(g2.num_responses_scored, 7);
    assert.equal(g2.pass_rate, 4 / 7);
    assert.equal(g2.responses, null);
    assert.ok(Date.parse(g2.updated_at) >= Date.parse(g2.created_at));
    const list = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json;
    assert.equal(list.count, 8);
    assert.equal(server.stats.count('GET /v2/eval-runs/{id}'), 2);
  });

  it('takes the number of polls from the asyncPolls option', async () => {
    const s = await startServer({ port: 0, asyncPolls: 4 });
    try {
      const run = (await call(s, '/v2/eval-runs', { body: { eval_uuid: DEMO_EVAL_UUID, responses: [{ prompt_uuid: DEMO_PROMPTS.interlock, content: 'no' }] } })).json;
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(s, `/v2/eval-runs/${run.eval_run_uuid}`)).json.status);
      assert.deepEqual(statuses, ['processing', 'processing', 'processing', 'finished', 'finished']);
    } finally {
      await s.close();
    }
  });

  it('refuses to append to a run that is still pending (409 resource.conflict)', async () => {
    const run = (await call(server, '/v2/eval-runs', { body: { eval_uuid: DEMO_EVAL_UUID, responses: [] } })).json;
    const r = await call(server, '/v2/eval-runs/-/score-responses', { body: { eval_uuid: DEMO_EVAL_UUID, eval_run_uuid: run.eval_run_uuid, responses: [] } });
    assertEnvelope(r, 409, 'resource.conflict');
  });

  it('validates the create body like score-responses', async () => {
    assertEnvelope(await call(server, '/v2/eval-runs', { body: { eval_uuid: DEMO_EVAL_UUID } }), 422, 'validation.invalid_request');
    assertEnvelope(await call(server, '/v2/eval-runs', { body: { eval_uuid: 'test.none', responses: [] } }), 404, 'resource.not_found');
  });
});
