/**
 * Override Verdict… when the server refuses or fails (403 read-only key, 404, 409, a lost reply,
 * a timeout, a 500 after the change was made, an unusable reply): the verdict stays as it was,
 * the message says what happened and what to do next, and the PATCH is never sent again. Also:
 * a merged view's earlier verdict goes to the run it came from; a result without a response id
 * or excluded from scoring is refused before anything is asked.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { waitFor, workspaceFile } from '../util';
import { asked, clearMessages, diagnosticLines, exec, failures, file, lastMessage, latest, overrideWith, PASS, PATCH, READ_ONLY_KEY, scoredWorld, serverHistory } from './world';

const ROUTE = 'PATCH /v2/eval-runs/*/responses/*';

describe('Override Verdict… when it cannot be done', () => {
  let server: LocalServer;
  before(async () => {
    server = await scoredWorld();
  });
  afterEach(() => server.faults.clear());
  after(async () => server?.close());

  /** Override the first failure expecting a failure: one PATCH, nothing changed here, the message. */
  async function refused(expected: RegExp, actions: string[]): Promise<void> {
    const [failure] = await failures();
    assert.ok(failure);
    const before = await latest();
    const lines = diagnosticLines();
    const patches = server.stats.count(PATCH);
    await clearMessages();
    assert.equal(await overrideWith(PASS, file().toString(), failure.key), 'failed');
    assert.equal(server.stats.count(PATCH), patches + 1, 'sent once, never again');
    assert.equal(await latest(), before, 'the results did not change');
    assert.deepEqual(diagnosticLines(), lines, 'the failure is still shown');
    const msg = await lastMessage();
    assert.match(msg.message, expected);
    assert.match(msg.message, /The verdict stays Failed/);
    for (const a of actions) assert.ok(msg.actions.includes(a), `${a} in ${JSON.stringify(msg.actions)}`);
  }

  it('403 (a read-only key): says the key may not change verdicts, offers Set API Key', async () => {
    const origin = new URL(server.url).origin;
    await exec(TestCommand.setKey, origin, READ_ONLY_KEY);
    try {
      await refused(/this API key may not change verdicts .*HTTP 403.*Set an API key that may write/, ['Set API Key']);
    } finally {
      await exec(TestCommand.setKey, origin, undefined);
    }
  });

  it('409 (run not finished, response excluded): the server\'s reason, and Refresh Results', async () => {
    server.faults.add({ route: ROUTE, kind: 'status', status: 409, code: 'resource.conflict', message: 'Eval run "x" is processing; verdicts can only be overridden once it is finished.' });
    await refused(/refused the override: Eval run "x" is processing.*HTTP 409.*Refresh the results/, ['Refresh Results']);
  });

  it('a reply that never comes (connection reset after the change was made): not sent again, points to the history', async () => {
    server.faults.add({ route: ROUTE, kind: 'status-after-commit', reset: true });
    const [failure] = await failures();
    await refused(/may have reached Aymara.*It was not sent again.*Show Verdict History/, ['Show Verdict History']);
    // The server did record it; the history says so.
    const run = await latest();
    assert.equal((await serverHistory(server, run.eval_run_uuid, failure!.response_uuid!)).length, 1);
  });

  it('a 500 after the change was made, and an unusable 200: not sent again, nothing changed here', async () => {
    server.faults.add({ route: ROUTE, kind: 'status-after-commit', status: 500 });
    await refused(/may have reached Aymara.*HTTP 500/, ['Show Verdict History']);
    server.faults.add({ route: ROUTE, kind: 'malformed' });
    await refused(/may have reached Aymara/, ['Show Verdict History']);
  });

  it('a timeout (no answer within aymara.requestTimeoutSeconds): not sent again, nothing changed here', async () => {
    const c = vscode.workspace.getConfiguration('aymara');
    await c.update('requestTimeoutSeconds', 5, vscode.ConfigurationTarget.Global);
    try {
      server.faults.add({ route: ROUTE, kind: 'hang' });
      await refused(/timed out|may have reached/, ['Show Verdict History']);
    } finally {
      await c.update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('429 (rate limited: not carried out): nothing changed, wait and override again', async () => {
    server.faults.add({ route: ROUTE, kind: 'status', status: 429, retryAfter: 0, times: Infinity });
    const [failure] = await failures();
    const before = await latest();
    await clearMessages();
    assert.equal(await overrideWith(PASS, file().toString(), failure!.key), 'failed');
    assert.equal(await latest(), before);
    assert.match((await lastMessage()).message, /refused the override for now.*Wait a minute/);
  });

  it('404 (a run Aymara does not know): Score File again', async () => {
    const run = await latest();
    const other = workspaceFile('other.responses.json');
    const seeded: RunResult = { ...run, eval_run_uuid: 'score_run.not-on-this-server' };
    await exec(TestCommand.seedRun, other.toString(), seeded);
    const failure = seeded.items.find((i) => i.verdict === 'failed' && !i.review)!;
    const patches = server.stats.count(PATCH);
    await clearMessages();
    assert.equal(await overrideWith(PASS, other.toString(), failure.key), 'failed');
    assert.equal(server.stats.count(PATCH), patches + 1);
    const msg = await lastMessage();
    assert.match(msg.message, /does not know this run or response.*HTTP 404.*Score the file again/);
    assert.ok(msg.actions.includes('Score File'));
    assert.equal((await latest(other)).items.find((i) => i.key === failure.key)?.verdict, 'failed');
  });

  it('a result without a response id, or excluded from scoring: refused before the form, nothing sent', async () => {
    const run = await latest();
    const other = workspaceFile('other.responses.json');
    const failure = run.items.find((i) => i.verdict === 'failed')!;
    const excluded = run.items.find((i) => i.verdict === 'excluded')!;
    assert.ok(excluded, 'the file has an excluded entry');
    await exec(TestCommand.seedRun, other.toString(), { ...run, eval_run_uuid: 'score_run.no-ids', items: run.items.map((i) => (i.key === failure.key ? { ...i, response_uuid: null } : i)) });
    const patches = server.stats.count(PATCH);
    await clearMessages();
    assert.equal(await overrideWith(PASS, other.toString(), failure.key), 'refused');
    assert.match((await lastMessage()).message, /has no response id from Aymara.*nothing was sent/);
    assert.deepEqual((await asked()).steps, [], 'nothing was asked');
    assert.equal(await overrideWith(PASS, file().toString(), excluded.key), 'refused');
    assert.match((await lastMessage()).message, /excluded from scoring.*nothing was sent/);
    assert.equal(server.stats.count(PATCH), patches);
  });

  it('a merged view (Score Failed Only): an earlier run\'s verdict is overridden in the run it came from', async () => {
    assert.ok(await exec(Command.scoreFailedOnly, file()), 'rescoring the failures');
    const merged = await waitFor(async () => ((await latest()).merged ? latest() : undefined), 'the merged view');
    const kept = merged.items.find((i) => i.from_run && i.verdict === 'passed' && i.response_uuid)!;
    assert.ok(kept, 'a verdict kept from the earlier run');
    assert.notEqual(kept.from_run, merged.eval_run_uuid);
    assert.equal(await overrideWith({ verdict: 'fail', confidence: '0.7', explanation: 'Not acceptable after all.' }, file().toString(), kept.key), 'applied');
    const patch = server.stats.recent().filter((r) => r.route === PATCH).at(-1)!;
    assert.ok(patch.path.includes(encodeURIComponent(kept.from_run!)), `${patch.path} goes to ${kept.from_run}`);
    assert.deepEqual((await serverHistory(server, kept.from_run!, kept.response_uuid!)).map((h) => h.new_is_passed), [false]);
    const after = await latest();
    assert.equal(after.items.find((i) => i.key === kept.key)?.verdict, 'failed');
    assert.equal(after.eval_run_uuid, merged.eval_run_uuid, 'still the merged view');
    assert.equal(after.counts.failed, merged.counts.failed + 1);
  });
});
