/**
 * Every fault the local server can inject, through the real extension: each ends in a clear
 * message with a next step, retries are bounded, no run is created twice, what arrived is kept,
 * and the responses file is never modified.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { MessageSnapshot } from '../../../src/editor/testCommands';
import type { Fault, LocalServer } from '../../../src/server';
import { aymaraDiagnostics, testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { shortId } from '../../../src/core/present/text';

const SCORE = 'POST /v2/eval-runs/-/score-responses';

describe('faults through the extension', function () {
  this.timeout(60_000);
  let server: LocalServer;
  let original: Uint8Array;
  const file = () => workspaceFile('bot.responses.json');

  async function scoreWith(faults: Fault[]): Promise<{ result: RunResult | undefined; message: MessageSnapshot | undefined }> {
    server.reset();
    if (faults.length) server.faults.add(faults);
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const result = (await vscode.commands.executeCommand('aymara.scoreFile', file())) as RunResult | undefined;
    const message = (await testSnapshot()).messages.at(-1);
    return { result, message };
  }

  before(async () => {
    server = await useLocalServer();
    await vscode.workspace.getConfiguration('aymara').update('requestTimeoutSeconds', 5, vscode.ConfigurationTarget.Global);
    original = await vscode.workspace.fs.readFile(file());
  });
  afterEach(async () => {
    assert.deepEqual(await vscode.workspace.fs.readFile(file()), original, 'the responses file is never modified');
  });
  after(async () => {
    await vscode.workspace.getConfiguration('aymara').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('429 with Retry-After: waits, retries once, scores', async () => {
    const { result } = await scoreWith([{ route: SCORE, kind: 'status', status: 429, code: 'quota.limit_exceeded', retryAfter: 1 }]);
    assert.equal(result?.counts.failed, 2);
    assert.equal(server.stats.count(SCORE), 2);
    assert.equal(server.runs.count(), 1);
  });

  it('503 on the scoring POST: not re-sent (it may have been processed), looked up, clear message with Try Again', async () => {
    const { result, message } = await scoreWith([{ route: SCORE, kind: 'status', status: 503 }]);
    assert.equal(result, undefined);
    assert.equal(server.stats.count(SCORE), 1);
    assert.equal(server.runs.count(), 0);
    assert.match(message?.message ?? '', /HTTP 503.*nothing was scored.*try again/i);
    assert.ok(message?.actions.includes('Try Again'));
  });

  it('500 after the run was created: the run is adopted, nothing sent twice', async () => {
    const { result } = await scoreWith([{ route: SCORE, kind: 'status-after-commit', status: 500 }]);
    assert.equal(result?.counts.failed, 2);
    assert.equal(server.stats.count(SCORE), 1);
    assert.equal(server.runs.count(), 1);
    assert.ok(result?.notes.some((n) => /adopted/.test(n)));
  });

  it('connection reset before the run existed: says nothing was scored', async () => {
    const { result, message } = await scoreWith([{ route: SCORE, kind: 'reset' }]);
    assert.equal(result, undefined);
    assert.equal(server.runs.count(), 0);
    assert.match(message?.message ?? '', /nothing was scored/);
  });

  it('request timeout: bounded by the setting, says what to do', async () => {
    const started = Date.now();
    const { result, message } = await scoreWith([{ route: SCORE, kind: 'hang' }]);
    assert.equal(result, undefined);
    assert.ok(Date.now() - started < 20_000);
    assert.match(message?.message ?? '', /timed out.*raise the timeout/i);
    assert.equal(server.stats.count(SCORE), 1);
  });

  it('malformed JSON and a reply missing required fields: named clearly', async () => {
    let r = await scoreWith([{ route: SCORE, kind: 'processing', polls: 1 }, { route: 'GET /v2/eval-runs/{id}', kind: 'malformed', times: 3 }]);
    assert.equal(r.result, undefined);
    assert.match(r.message?.message ?? '', /not JSON/);
    r = await scoreWith([{ route: SCORE, kind: 'drift', omit: ['eval_run_uuid'] }]);
    assert.match(r.message?.message ?? '', /eval_run_uuid/);
  });

  it('a run that ends failed: results kept, a warning says so', async () => {
    const { result, message } = await scoreWith([{ route: SCORE, kind: 'run-fails', polls: 1 }]);
    assert.equal(result?.status, 'failed');
    assert.equal(message?.severity, 'warning', JSON.stringify(message));
    assert.match(message?.message ?? '', new RegExp(`^The server marked run ${escapeRe(shortId(result.eval_run_uuid, 40))} as failed\\. bot\\.responses\\.json: \\d+ passed, ${result.counts.failed} failed`));
    const rec = (await testSnapshot()).records.find((x) => x.uri === file().toString());
    assert.equal(rec?.latest?.eval_run_uuid, result?.eval_run_uuid, 'stored');
  });

  it('a run that never finishes: the run id is kept as pending, Refresh is offered', async () => {
    await vscode.workspace.getConfiguration('aymara').update('runTimeoutMinutes', 0.1, vscode.ConfigurationTarget.Global);
    try {
      const { result, message } = await scoreWith([{ route: SCORE, kind: 'never-finish' }]);
      assert.equal(result, undefined);
      assert.match(message?.message ?? '', /still processing.*refresh/i);
      assert.ok(message?.actions.includes('Refresh Results'));
      const rec = (await testSnapshot()).records.find((x) => x.uri === file().toString());
      assert.equal(rec?.pending?.eval_run_uuid, server.runs.list()[0]?.eval_run_uuid);
    } finally {
      await vscode.workspace.getConfiguration('aymara').update('runTimeoutMinutes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('the file edited while it is being scored: results land on the new text, marked stale', async () => {
    server.reset();
    server.faults.add({ route: SCORE, kind: 'processing', polls: 2 });
    const doc = await vscode.workspace.openTextDocument(file());
    await vscode.window.showTextDocument(doc);
    const scoring = vscode.commands.executeCommand('aymara.scoreFile', file()) as Thenable<RunResult | undefined>;
    await waitFor(() => server.stats.count(SCORE) === 1, 'the submission');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(file(), new vscode.Position(1, 0), '\n\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const result = await scoring;
    assert.equal(result?.counts.failed, 2);
    const rec = await waitFor(async () => (await testSnapshot()).records.find((x) => x.uri === file().toString() && x.stale), 'stale results');
    assert.ok(rec);
    const text = doc.getText();
    const at = text.indexOf('question.874b6e61');
    const diag = await waitFor(() => aymaraDiagnostics(file()).find((d) => d.range.contains(doc.positionAt(at))), 'a diagnostic on the moved entry');
    assert.match(diag.message, /stale/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
