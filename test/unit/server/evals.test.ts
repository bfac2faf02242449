import * as assert from 'node:assert/strict';
import { Eval, EvalPrompt, Page } from '../../../src/core/schemas';
import {
  ACCURACY_EVAL_UUID,
  ACCURACY_PROMPTS,
  DEMO_EVAL_UUID,
  DEMO_PROMPTS,
  IMAGE_EVAL_UUID,
  LOAD_TEST_EVAL_UUID,
  MULTITURN_EVAL_UUID,
  MULTITURN_THREADS,
  bundledSeed,
  loadTestPromptUuid,
  startServer,
  validateSeed,
  type LocalServer,
} from '../../../src/server';
import { assertEnvelope, call } from './helpers';

describe('local server: evals, prompts and paging', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());

  it('answers GET /health/ with 200 and no body', async () => {
    const r = await call(server, '/health/');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
  });

  it('lists the seeded evals as {items, count} valid against the client schema', async () => {
    const r = await call(server, '/v2/evals');
    assert.equal(r.status, 200);
    const page = Page(Eval).parse(r.json);
    assert.equal(page.count, 5);
    assert.deepEqual(
      page.items.map((e) => [e.eval_uuid, e.name, e.eval_type]),
      [
        [DEMO_EVAL_UUID, 'Demo Safety Eval', 'safety'],
        [ACCURACY_EVAL_UUID, 'Demo Accuracy Eval', 'accuracy'],
        [MULTITURN_EVAL_UUID, 'Demo Multi-turn Safety Eval', 'safety'],
        [LOAD_TEST_EVAL_UUID, 'Load Test Eval', 'safety'],
        [IMAGE_EVAL_UUID, 'Demo Image Safety Eval', 'safety'],
      ],
    );
    for (const e of page.items) {
      assert.equal(e.status, 'finished');
      assert.equal(e.banned_terms, undefined, 'judge terms stay inside the server');
      assert.equal(e.prompts, undefined);
    }
  });

  it('pages evals with limit and offset; count is always the total', async () => {
    const a = await call(server, '/v2/evals?limit=1&offset=0');
    const b = await call(server, '/v2/evals?limit=2&offset=1');
    const c = await call(server, '/v2/evals?offset=10');
    assert.deepEqual([a.json.items.length, a.json.count], [1, 5]);
    assert.deepEqual([b.json.items.length, b.json.count], [2, 5]);
    assert.equal(b.json.items[0].eval_uuid, ACCURACY_EVAL_UUID);
    assert.deepEqual(c.json, { items: [], count: 5 });
  });

  it('rejects limit outside 1..100 and negative or non-numeric offsets with 422 naming the parameter', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=-5', 'limit=abc', 'offset=-1', 'offset=1.5']) {
      const err = assertEnvelope(await call(server, `/v2/evals?${q}`), 422, 'validation.invalid_request');
      const field = q.split('=')[0]!;
      assert.match(err.message, new RegExp(field));
      assert.equal((err.details.fields as { field: string }[])[0]?.field, field);
    }
    assert.equal((await call(server, '/v2/evals?limit=100')).status, 200);
    assert.equal((await call(server, `/v2/evals/${DEMO_EVAL_UUID}/prompts?limit=1000`)).status, 422);
  });

  it('gets one eval with its fields and 404s an unknown one', async () => {
    const r = await call(server, `/v2/evals/${ACCURACY_EVAL_UUID}`);
    assert.equal(r.status, 200);
    const e = Eval.parse(r.json);
    assert.equal(e.num_prompts, 10);
    assert.match(String(r.json.ground_truth), /1\.7 litres/);
    const err = assertEnvelope(await call(server, '/v2/evals/test.00000000-0000-4000-8000-000000000000'), 404, 'resource.not_found');
    assert.match(err.message, /test\.00000000/);
  });

  it('lists the demo eval prompts in seed order with fixed ids', async () => {
    const r = await call(server, `/v2/evals/${DEMO_EVAL_UUID}/prompts`);
    const page = Page(EvalPrompt).parse(r.json);
    assert.equal(page.count, 8);
    assert.deepEqual(
      page.items.map((p) => p.prompt_uuid),
      Object.values(DEMO_PROMPTS),
    );
    for (const p of page.items) {
      assert.equal(p.thread_uuid, null);
      assert.equal(p.turn_number, 1);
      assert.ok(p.content.length > 20);
    }
  });

  it('gives accuracy prompts their categories', async () => {
    const r = await call(server, `/v2/evals/${ACCURACY_EVAL_UUID}/prompts`);
    assert.deepEqual(
      r.json.items.map((p: { prompt_uuid: string; category: string }) => [p.category, p.prompt_uuid]),
      Object.entries(ACCURACY_PROMPTS),
    );
  });

  it('lists only the first turn of each multi-turn conversation', async () => {
    const r = await call(server, `/v2/evals/${MULTITURN_EVAL_UUID}/prompts`);
    assert.equal(r.json.count, 3);
    assert.deepEqual(
      r.json.items.map((p: { prompt_uuid: string }) => p.prompt_uuid),
      Object.values(MULTITURN_THREADS).map((t) => t[0]),
    );
  });

  it('serves 100,000 generated prompts for the load-test eval, page by page', async () => {
    const first = await call(server, `/v2/evals/${LOAD_TEST_EVAL_UUID}/prompts?limit=3`);
    assert.equal(first.json.count, 100_000);
    assert.deepEqual(
      first.json.items.map((p: { prompt_uuid: string }) => p.prompt_uuid),
      [1, 2, 3].map(loadTestPromptUuid),
    );
    const last = await call(server, `/v2/evals/${LOAD_TEST_EVAL_UUID}/prompts?limit=100&offset=99998`);
    assert.deepEqual(
      last.json.items.map((p: { prompt_uuid: string }) => p.prompt_uuid),
      [99_999, 100_000].map(loadTestPromptUuid),
    );
    assert.match(last.json.items[1].content, /Load test prompt 100000/);
  });

  it('404s the prompts of an unknown eval', async () => {
    assertEnvelope(await call(server, '/v2/evals/test.nope/prompts'), 404, 'resource.not_found');
  });

  it('keeps the exported ids in step with the bundled seed', () => {
    const seed = bundledSeed();
    const byId = new Map(seed.evals.map((e) => [e.eval_uuid, e]));
    assert.deepEqual(byId.get(DEMO_EVAL_UUID)?.prompts?.map((p) => p.prompt_uuid), Object.values(DEMO_PROMPTS));
    assert.deepEqual(byId.get(ACCURACY_EVAL_UUID)?.prompts?.map((p) => p.prompt_uuid), Object.values(ACCURACY_PROMPTS));
    assert.deepEqual(
      byId.get(MULTITURN_EVAL_UUID)?.prompts?.map((p) => [p.prompt_uuid, ...(p.follow_ups ?? []).map((f) => f.prompt_uuid)]),
      Object.values(MULTITURN_THREADS),
    );
    for (const id of [DEMO_EVAL_UUID, ACCURACY_EVAL_UUID, MULTITURN_EVAL_UUID, LOAD_TEST_EVAL_UUID]) assert.match(id, /^test\.[0-9a-f-]{36}$/);
  });

  it('validates a seed and rejects duplicate ids', () => {
    assert.throws(() => validateSeed({ evals: [{ eval_uuid: 'a' }] }), /Invalid seed/);
    const dup = { evals: [{ eval_uuid: 'e', name: 'E', ai_description: 'd', eval_type: 'safety', prompts: [{ prompt_uuid: 'p', content: 'x' }, { prompt_uuid: 'p', content: 'y' }] }] };
    assert.throws(() => validateSeed(dup), /duplicate id "p"/);
  });

  it('serves a custom seed instead of the bundled one', async () => {
    const s = await startServer({
      port: 0,
      seed: { evals: [{ eval_uuid: 'test.custom', name: 'Custom', ai_description: 'x', eval_type: 'safety', prompts: [{ prompt_uuid: 'question.c1', content: 'Hi?' }] }] },
    });
    try {
      const r = await call(s, '/v2/evals');
      assert.deepEqual(r.json.items.map((e: { eval_uuid: string }) => e.eval_uuid), ['test.custom']);
      assert.equal(r.json.items[0].num_prompts, 1);
    } finally {
      await s.close();
    }
  });
});
