/**
 * Contract tests of the review calls (verdict override and history, eval reports) against the local
 * server over real HTTP, and against a stub in front of it that lies.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient, type ClientOptions } from '../../src/core/client';
import { createReport, deleteReport, getReport, overrideVerdict, verdictHistory, waitForReport } from '../../src/core/review';
import { strictReviewSchemas } from '../../src/core/reviewSchemas';
import type { EvalRunResult, ScoreRequest } from '../../src/core/schemas';
import { startServer, type LocalServer } from '../../src/server';
import { edited, json, startStub, type Stub } from './hostileServer';

const DEMO_EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const base = { turn_number: 1, continue_thread: false, content_type: 'text' as const, exclude_from_scoring: false, ai_refused: false };
const REQUEST: ScoreRequest = {
  eval_uuid: DEMO_EVAL,
  name: 'review contract',
  responses: [
    { ...base, prompt_uuid: 'question.7b278ea3-b343-4f46-9b22-45f4b2598035', content: 'No, that interlock keeps you safe.' },
    { ...base, prompt_uuid: 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d', content: 'Her address is 1 Main St.' },
    { ...base, prompt_uuid: 'question.2e8291d9-0ced-4697-b43f-e92cf797714c', content: 'Never do that.', exclude_from_scoring: true },
  ],
};
const PATCH = 'PATCH /v2/eval-runs/{id}/responses/{response}';

const isApi = (kind: ApiError['kind'], re: RegExp, status?: number) => (e: unknown) => {
  assert.ok(e instanceof ApiError, String(e));
  assert.equal(e.kind, kind, e.message);
  if (status !== undefined) assert.equal(e.status, status);
  assert.match(e.message, re);
  return true;
};

describe('review calls (local server, real HTTP)', function () {
  this.timeout(20_000);
  let server: LocalServer;
  const clients: AymaraClient[] = [];
  const client = (o: Partial<ClientOptions> = {}) => {
    const c = new AymaraClient({ baseUrl: server.url, apiKey: 'demo-key', retryBaseMs: 10, retryMaxMs: 20, ...o });
    clients.push(c);
    return c;
  };
  let run: EvalRunResult;
  const rid = (i: number) => run.responses![i]!.response_uuid!;

  before(async () => {
    server = await startServer({ port: 0, apiKey: 'demo-key', readOnlyApiKey: 'read-only-key' });
  });
  beforeEach(async () => {
    server.reset();
    run = await client().scoreResponses(REQUEST);
    assert.equal(run.status, 'finished');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  describe('overrideVerdict and verdictHistory', () => {
    it('overrides a verdict, returns the updated response, and the history records it', async () => {
      const failed = run.responses!.findIndex((r) => r.is_passed === false);
      const updated = await overrideVerdict(client(), run.eval_run_uuid, rid(failed), { is_passed: true, confidence: 0.9, explanation: 'A person checked it.' });
      assert.ok(strictReviewSchemas().ScoredResponse.safeParse(updated).success);
      assert.equal(updated.response_uuid, rid(failed));
      assert.equal(updated.is_passed, true);
      assert.equal(updated.explanation, 'A person checked it.');
      assert.equal(updated.manually_updated, true);
      const history = await verdictHistory(client(), run.eval_run_uuid, rid(failed));
      assert.equal(history.length, 1);
      assert.equal(history[0]!.previous_is_passed, false);
      assert.equal(history[0]!.new_is_passed, true);
      assert.deepEqual(await verdictHistory(client(), run.eval_run_uuid, rid(0 === failed ? 2 : 0)), []);
    });

    it('refuses bad input with a clear message and sends nothing', async () => {
      const before = server.stats.count(PATCH);
      const c = client();
      const r = run.eval_run_uuid;
      await assert.rejects(overrideVerdict(c, r, rid(0), {}), isApi('validation', /at least one of is_passed, confidence or explanation/));
      await assert.rejects(overrideVerdict(c, r, rid(0), { confidence: 1.5 }), isApi('validation', /confidence must be a number from 0 to 1, not 1\.5/));
      await assert.rejects(overrideVerdict(c, r, rid(0), { confidence: NaN }), isApi('validation', /from 0 to 1/));
      await assert.rejects(overrideVerdict(c, r, rid(0), { explanation: '  \n' }), isApi('validation', /explanation is blank/));
      await assert.rejects(overrideVerdict(c, r, rid(0), { explanation: 'x'.repeat(10_001) }), isApi('validation', /10,001 characters.*at most 10,000/));
      await assert.rejects(overrideVerdict(c, ' ', rid(0), { is_passed: true }), isApi('validation', /run id is empty/));
      await assert.rejects(overrideVerdict(c, r, '', { is_passed: true }), isApi('validation', /response id is empty/));
      await assert.rejects(verdictHistory(c, r, ''), isApi('validation', /response id is empty/));
      assert.equal(server.stats.count(PATCH), before, 'no PATCH was sent');
    });

    it('maps a read-only key to permission (403), unknown ids to not-found (404)', async () => {
      await assert.rejects(overrideVerdict(client({ apiKey: 'read-only-key' }), run.eval_run_uuid, rid(0), { is_passed: false }), isApi('permission', /./, 403));
      await assert.rejects(overrideVerdict(client(), 'run.unknown', rid(0), { is_passed: false }), isApi('not-found', /./, 404));
      await assert.rejects(overrideVerdict(client(), run.eval_run_uuid, 'response.unknown', { is_passed: false }), isApi('not-found', /./, 404));
      await assert.rejects(verdictHistory(client(), run.eval_run_uuid, 'response.unknown'), isApi('not-found', /./, 404));
    });

    it('maps an excluded response and an unfinished run to conflict (409), sent once each', async () => {
      await assert.rejects(overrideVerdict(client(), run.eval_run_uuid, rid(2), { is_passed: true }), isApi('conflict', /./, 409));
      const pending = await client().createRun({ ...REQUEST, name: 'pending' });
      assert.notEqual(pending.status, 'finished');
      await assert.rejects(overrideVerdict(client(), pending.eval_run_uuid, 'response.any', { is_passed: true }), isApi('conflict', /./, 409));
      assert.equal(server.stats.count(PATCH), 2);
    });

    it('maps an unknown field to validation (422)', async () => {
      const sneaky = { is_passed: true, verdict: 'pass' } as unknown as { is_passed: boolean };
      // checkOverride keeps only known fields, so the raw request carries the unknown one.
      await assert.rejects(
        client().request('PATCH', `/v2/eval-runs/${run.eval_run_uuid}/responses/${rid(0)}`, { body: sneaky, schema: null, retry: 'post' }),
        isApi('validation', /verdict/, 422),
      );
      const kept = await overrideVerdict(client(), run.eval_run_uuid, rid(0), sneaky);
      assert.equal(kept.is_passed, true, 'overrideVerdict sends only the known fields');
    });

    it('never re-sends a PATCH the server may have processed', async () => {
      server.faults.add({ route: PATCH, kind: 'status-after-commit', status: 500 });
      await assert.rejects(overrideVerdict(client(), run.eval_run_uuid, rid(0), { confidence: 0.5 }), (e: ApiError) => e.kind === 'server' && e.ambiguous);
      assert.equal(server.stats.count(PATCH), 1);
    });
  });

  describe('reports', () => {
    it('creates a report, waits for it with progress until finished, reads and deletes it', async () => {
      const created = await createReport(client(), [run.eval_run_uuid]);
      assert.ok(strictReviewSchemas().EvalSuiteReport.safeParse(created).success);
      assert.equal(created.status, 'created');
      const seen: string[] = [];
      const done = await waitForReport(client(), created.eval_suite_report_uuid, { firstDelayMs: 10, onProgress: (r) => seen.push(r.status) });
      assert.equal(done.status, 'finished');
      assert.deepEqual(seen, ['processing', 'finished']);
      assert.equal(done.eval_run_reports.length, 1);
      assert.equal(done.eval_run_reports[0]!.eval_run_uuid, run.eval_run_uuid);
      assert.match(done.eval_run_reports[0]!.passing_responses_summary, /Local stand-in report/);
      assert.equal((await getReport(client(), created.eval_suite_report_uuid)).status, 'finished');
      await deleteReport(client(), created.eval_suite_report_uuid);
      await assert.rejects(getReport(client(), created.eval_suite_report_uuid), isApi('not-found', /./, 404));
    });

    it('refuses no runs, a blank or a repeated run id before sending', async () => {
      await assert.rejects(createReport(client(), []), isApi('validation', /at least one run id/));
      await assert.rejects(createReport(client(), ['']), isApi('validation', /run id is empty/));
      await assert.rejects(createReport(client(), ['a', 'a']), isApi('validation', /given twice/));
      assert.equal(server.stats.count('POST /v2/eval-reports'), 0);
    });

    it('maps an unknown run (404), an unfinished run (409) and a read-only key (403)', async () => {
      await assert.rejects(createReport(client(), [run.eval_run_uuid, 'run.unknown']), isApi('not-found', /./, 404));
      const pending = await client().createRun({ ...REQUEST, name: 'pending' });
      await assert.rejects(createReport(client(), [pending.eval_run_uuid]), isApi('conflict', /./, 409));
      await assert.rejects(createReport(client({ apiKey: 'read-only-key' }), [run.eval_run_uuid]), isApi('permission', /./, 403));
      await assert.rejects(getReport(client(), 'report.unknown'), isApi('not-found', /./, 404));
      await assert.rejects(deleteReport(client(), 'report.unknown'), isApi('not-found', /./, 404));
    });

    it('a report the server fails: a server error saying to create a new one', async () => {
      server.faults.add({ route: 'POST /v2/eval-reports', kind: 'run-fails', polls: 1 });
      const created = await createReport(client(), [run.eval_run_uuid]);
      await assert.rejects(waitForReport(client(), created.eval_suite_report_uuid, { firstDelayMs: 10 }), isApi('server', /could not write report .* create a new report/));
    });

    it('stops waiting at its time limit, and when cancelled', async () => {
      server.faults.add({ route: 'POST /v2/eval-reports', kind: 'never-finish' });
      const created = await createReport(client(), [run.eval_run_uuid]);
      await assert.rejects(waitForReport(client(), created.eval_suite_report_uuid, { firstDelayMs: 20, timeoutMs: 200 }), isApi('timeout', /still .* after/));
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(waitForReport(client(), created.eval_suite_report_uuid, { firstDelayMs: 1000, signal: ac.signal }), isApi('cancelled', /cancelled/));
    });
  });
});

describe('review calls against a lying server', function () {
  this.timeout(20_000);
  let server: LocalServer;
  let stub: Stub;
  let lie: 'none' | 'other-response' | 'other-report' | 'malformed' = 'none';
  const clients: AymaraClient[] = [];
  const client = () => {
    const c = new AymaraClient({ baseUrl: stub.url, apiKey: 'demo-key', retryBaseMs: 10, retryMaxMs: 20 });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startServer({ port: 0, apiKey: 'demo-key' });
    stub = await startStub(server.url, async (req) => {
      const up = await req.forward();
      if (lie === 'other-response' && req.method === 'PATCH') return edited(up, (j) => (j.response_uuid = 'response.someone-else'));
      if (lie === 'other-report' && req.method === 'GET' && req.path.startsWith('/v2/eval-reports/')) return edited(up, (j) => (j.eval_suite_report_uuid = 'report.other'));
      if (lie === 'malformed' && req.path.startsWith('/v2/eval-reports')) return json(200, { status: 'finished', eval_run_reports: 'none' });
      return up;
    });
  });
  afterEach(() => (lie = 'none'));
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await stub.close();
    await server.close();
  });

  it('refuses an override reply about another response, a report reply about another report, and a malformed report', async () => {
    const run = await client().scoreResponses(REQUEST);
    lie = 'other-response';
    await assert.rejects(overrideVerdict(client(), run.eval_run_uuid, run.responses![0]!.response_uuid!, { is_passed: true }), isApi('invalid-reply', /about response response\.someone-else, not the response/));
    lie = 'none';
    const created = await createReport(client(), [run.eval_run_uuid]);
    lie = 'other-report';
    await assert.rejects(getReport(client(), created.eval_suite_report_uuid), isApi('invalid-reply', /about report report\.other/));
    lie = 'malformed';
    await assert.rejects(createReport(client(), [run.eval_run_uuid]), isApi('invalid-reply', /wrong field/));
    await assert.rejects(waitForReport(client(), created.eval_suite_report_uuid), isApi('invalid-reply', /wrong field/));
  });
});
