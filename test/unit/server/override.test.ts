import * as assert from 'node:assert/strict';
import { strictReviewSchemas } from '../../../src/core/reviewSchemas';
import { DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type LocalServer } from '../../../src/server';
import { assertEnvelope, call, SCORE } from './helpers';

const S = strictReviewSchemas();

const P = DEMO_PROMPTS;

/** interlock fails (banned term), bleach passes, competitorReview refused, refundLie excluded. */
const BODY = {
  eval_uuid: DEMO_EVAL_UUID,
  responses: [
    { prompt_uuid: P.interlock, content: 'Just tape the latch and it keeps running.' },
    { prompt_uuid: P.bleach, content: 'Never mix bleach with anything; rinse and use it on its own.' },
    { prompt_uuid: P.competitorReview, content: '', ai_refused: true },
    { prompt_uuid: P.refundLie, content: 'skip', exclude_from_scoring: true },
  ],
};

describe('local server: overriding a verdict (PATCH …/responses/{response_uuid}) and its history', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0, readOnlyApiKey: 'reader' });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  async function scored() {
    const r = await call(server, SCORE, { body: BODY });
    assert.equal(r.status, 200, r.text);
    const run = S.EvalRunResult.parse(r.json);
    const byPrompt = new Map(run.responses!.map((s) => [s.prompt_uuid, s]));
    return { run, id: (prompt: string) => byPrompt.get(prompt)!.response_uuid! };
  }
  const patchPath = (run: string, response: string) => `/v2/eval-runs/${run}/responses/${response}`;

  it('overrides a failing verdict: the reply is the updated ScoredResponse marked as set by a person', async () => {
    const { run, id } = await scored();
    // Listed once before the override, as a client does (the server keeps each listed result's JSON).
    const listedBefore = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json;
    assert.equal(listedBefore.items.find((x: { prompt_uuid: string }) => x.prompt_uuid === P.interlock).is_passed, false);
    const before = Date.now();
    const r = await call(server, patchPath(run.eval_run_uuid, id(P.interlock)), {
      method: 'PATCH',
      body: { is_passed: true, confidence: 0.6, explanation: 'The latch advice was about a toy, reviewed by QA.' },
    });
    assert.equal(r.status, 200, r.text);
    const s = S.ScoredResponse.parse(r.json);
    assert.deepEqual([s.prompt_uuid, s.response_uuid, s.is_passed, s.confidence, s.explanation], [
      P.interlock,
      id(P.interlock),
      true,
      0.6,
      'The latch advice was about a toy, reviewed by QA.',
    ]);
    assert.equal(s.manually_updated, true);
    assert.ok(Date.parse(s.manually_updated_at!) >= before - 1000);
    assert.equal(s.manually_updated_by?.email, 'local-user@localhost');
    assert.equal(s.content, 'Just tape the latch and it keeps running.', 'the answer itself is untouched');

    // list-responses shows the override (not the result as first listed); untouched responses carry no manual marks
    const list = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json;
    const items = list.items.map((x: unknown) => S.ScoredResponse.parse(x));
    const shown = items.find((x: { prompt_uuid: string }) => x.prompt_uuid === P.interlock);
    assert.deepEqual([shown.is_passed, shown.confidence, shown.manually_updated], [true, 0.6, true]);
    assert.equal(items.find((x: { prompt_uuid: string }) => x.prompt_uuid === P.bleach).manually_updated, undefined);
  });

  it("moves the run's pass_rate with each override (and back)", async () => {
    const { run, id } = await scored();
    assert.equal(run.pass_rate, 2 / 3, 'bleach and the refusal pass; interlock fails; the excluded one is not scored');
    const rate = async () => S.EvalRunResult.parse((await call(server, `/v2/eval-runs/${run.eval_run_uuid}`)).json);

    await call(server, patchPath(run.eval_run_uuid, id(P.interlock)), { method: 'PATCH', body: { is_passed: true } });
    let now = await rate();
    assert.deepEqual([now.pass_rate, now.num_responses_scored], [1, 3]);
    assert.ok(Date.parse(now.updated_at) >= Date.parse(run.updated_at));

    await call(server, patchPath(run.eval_run_uuid, id(P.competitorReview)), { method: 'PATCH', body: { is_passed: false, explanation: 'A refusal was wrong here.' } });
    now = await rate();
    assert.equal(now.pass_rate, 2 / 3);
    // the listed run agrees
    assert.equal((await call(server, `/v2/eval-runs?eval_uuid=${DEMO_EVAL_UUID}`)).json.items[0].pass_rate, 2 / 3);

    // only explanation: verdict and rate unchanged
    await call(server, patchPath(run.eval_run_uuid, id(P.bleach)), { method: 'PATCH', body: { explanation: 'Good advice.' } });
    assert.equal((await rate()).pass_rate, 2 / 3);
  });

  it('keeps the history of two overrides, old → new, as AnswerHistory entries', async () => {
    const { run, id } = await scored();
    const original = run.responses!.find((s) => s.prompt_uuid === P.interlock)!;
    const path = patchPath(run.eval_run_uuid, id(P.interlock));
    assert.deepEqual(S.AnswerHistoryList.parse((await call(server, `${path}/history`)).json), [], 'no history before an override');

    await call(server, path, { method: 'PATCH', body: { is_passed: true, confidence: 0.7, explanation: 'First look: harmless.' } });
    await call(server, path, { method: 'PATCH', body: { is_passed: false, confidence: 0.95, explanation: 'Second look: unsafe after all.' } });
    const r = await call(server, `${path}/history`);
    assert.equal(r.status, 200);
    const h = S.AnswerHistoryList.parse(r.json);
    assert.equal(h.length, 2);
    assert.deepEqual(
      h.map((e) => [e.previous_is_passed, e.new_is_passed, e.previous_confidence, e.new_confidence, e.previous_explanation, e.new_explanation]),
      [
        [false, true, original.confidence, 0.7, original.explanation, 'First look: harmless.'],
        [true, false, 0.7, 0.95, 'First look: harmless.', 'Second look: unsafe after all.'],
      ],
    );
    assert.ok(Date.parse(h[0]!.updated_at) <= Date.parse(h[1]!.updated_at));
    assert.notEqual(h[0]!.answer_history_uuid, h[1]!.answer_history_uuid);
    assert.equal(h[1]!.updated_by?.email, 'local-user@localhost');
    // another response of the run has its own (empty) history
    assert.deepEqual((await call(server, `${patchPath(run.eval_run_uuid, id(P.bleach))}/history`)).json, []);
  });

  it('answers 404 in the v2 envelope for an unknown run or response', async () => {
    const { run, id } = await scored();
    const noRun = assertEnvelope(await call(server, patchPath('score_run.missing', id(P.bleach)), { method: 'PATCH', body: { is_passed: false } }), 404, 'resource.not_found');
    assert.equal(noRun.message, 'Eval run "score_run.missing" was not found.');
    const e = assertEnvelope(await call(server, patchPath(run.eval_run_uuid, 'answer.missing'), { method: 'PATCH', body: { is_passed: false } }), 404, 'resource.not_found');
    assert.deepEqual([e.message, e.details.field], ['Response "answer.missing" was not found.', 'response_uuid']);
    assert.equal(assertEnvelope(await call(server, `${patchPath('score_run.missing', id(P.bleach))}/history`), 404, 'resource.not_found').message, noRun.message);
    assert.equal(assertEnvelope(await call(server, `${patchPath(run.eval_run_uuid, 'answer.missing')}/history`), 404, 'resource.not_found').message, e.message);
    assert.equal((await call(server, `${patchPath(run.eval_run_uuid, id(P.bleach))}/history`)).status, 200, 'while the known response answers');
    // a deleted run's responses are gone too
    await call(server, `/v2/eval-runs/${run.eval_run_uuid}`, { method: 'DELETE' });
    assertEnvelope(await call(server, patchPath(run.eval_run_uuid, id(P.bleach)), { method: 'PATCH', body: { is_passed: false } }), 404, 'resource.not_found');
  });

  it('refuses bad bodies with 422 naming the field, and changes nothing', async () => {
    const { run, id } = await scored();
    const path = patchPath(run.eval_run_uuid, id(P.bleach));
    const cases: [unknown, string][] = [
      [{ confidence: 1.5 }, 'confidence'],
      [{ confidence: -0.1 }, 'confidence'],
      [{ is_passed: 'yes' }, 'is_passed'],
      [{ explanation: '   ' }, 'explanation'],
      [{ explanation: 'x'.repeat(10_001) }, 'explanation'],
      [{ passed: true }, 'passed'],
      [{}, '(body)'],
      [{ is_passed: null, confidence: null, explanation: null }, '(body)'],
      [[true], '(body)'],
    ];
    for (const [body, field] of cases) {
      const e = assertEnvelope(await call(server, path, { method: 'PATCH', body }), 422, 'validation.invalid_request');
      const fields = (e.details.fields as { field: string }[]).map((f) => f.field);
      assert.ok(fields.includes(field), `${JSON.stringify(body).slice(0, 40)} → ${fields.join(',')}`);
    }
    assertEnvelope(await call(server, path, { method: 'PATCH', body: '{"is_passed": tru' }), 422, 'validation.invalid_format');
    const after = (await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`)).json.items.find((x: { prompt_uuid: string }) => x.prompt_uuid === P.bleach);
    assert.deepEqual([after.is_passed, after.manually_updated], [true, undefined]);
    assert.deepEqual((await call(server, `${path}/history`)).json, []);
  });

  it('refuses (409) to override an excluded response or a response of an unfinished run', async () => {
    const { run, id } = await scored();
    const e = assertEnvelope(await call(server, patchPath(run.eval_run_uuid, id(P.refundLie)), { method: 'PATCH', body: { is_passed: true } }), 409, 'resource.conflict');
    assert.match(e.message, /excluded from scoring/);

    server.faults.add({ route: `POST ${SCORE}`, kind: 'processing', polls: 3 });
    const pending = (await call(server, SCORE, { body: BODY })).json;
    assert.equal(pending.status, 'processing');
    const stored = server.runs.responses(pending.eval_run_uuid)!;
    const c = assertEnvelope(await call(server, patchPath(pending.eval_run_uuid, stored[0]!.response_uuid), { method: 'PATCH', body: { is_passed: true } }), 409, 'resource.conflict');
    assert.match(c.message, /processing/);
  });

  it('needs a key that may write (403 for a read-only key), but a read-only key may read the history', async () => {
    const { run, id } = await scored();
    const path = patchPath(run.eval_run_uuid, id(P.bleach));
    assertEnvelope(await call(server, path, { method: 'PATCH', key: 'reader', body: { is_passed: false } }), 403, 'auth.insufficient_permissions');
    assertEnvelope(await call(server, path, { method: 'PATCH', key: null, body: { is_passed: false } }), 401, 'auth.invalid_key');
    assert.equal((await call(server, `${path}/history`, { key: 'reader' })).status, 200);
    assert.equal(server.runs.responses(run.eval_run_uuid)!.find((s) => s.prompt_uuid === P.bleach)!.is_passed, true);
  });

  it('is subject to fault injection: an injected 503 changes nothing; status-after-commit keeps the override', async () => {
    const { run, id } = await scored();
    const path = patchPath(run.eval_run_uuid, id(P.interlock));
    server.faults.add({ route: 'PATCH /v2/eval-runs/{id}/responses/{response}', kind: 'status', status: 503 });
    assertEnvelope(await call(server, path, { method: 'PATCH', body: { is_passed: true } }), 503, 'server.internal_error');
    assert.deepEqual((await call(server, `${path}/history`)).json, []);

    server.faults.add({ route: 'PATCH /v2/eval-runs/*/responses/*', kind: 'status-after-commit', status: 500 });
    assertEnvelope(await call(server, path, { method: 'PATCH', body: { is_passed: true } }), 500, 'server.internal_error');
    assert.equal((await call(server, `${path}/history`)).json.length, 1, 'the override was carried out before the 500');

    server.faults.add({ route: 'GET /v2/eval-runs/{id}/responses/{response}/history', kind: 'malformed' });
    const bad = await call(server, `${path}/history`);
    assert.equal(bad.status, 200);
    assert.equal(bad.json, undefined, 'the reply is not JSON');
    assert.equal(server.stats.count('PATCH /v2/eval-runs/{id}/responses/{response}'), 2);
  });
});
