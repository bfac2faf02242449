/**
 * The races a real user hits: two quick clicks, Refresh during a run, a window closed while the
 * scoring request was in flight (the run is found again by its unique name, never sent twice), and
 * a file rewritten on disk while it is scored.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { clearMessages } from './helpers';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const LIST_RUNS = 'GET /v2/eval-runs';
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';

describe('races', function () {
  this.timeout(90_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
    await vscode.workspace.getConfiguration('aymara').update('requestTimeoutSeconds', 5, vscode.ConfigurationTarget.Global);
  });
  beforeEach(async () => {
    server.reset();
    await clearMessages();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('aymara').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  const pendingFile = async () => path.join((await testSnapshot()).dirs.workspaceStorage!, 'pending-runs.json');
  const readPending = async (): Promise<Record<string, { eval_run_uuid?: string; name: string | null }>> => {
    try {
      return JSON.parse(fs.readFileSync(await pendingFile(), 'utf8'));
    } catch {
      return {};
    }
  };

  it('two Score clicks in the same tick send one request; Refresh during the run does not take it over', async () => {
    const uri = workspaceFile('race.responses.json');
    server.faults.add({ route: SCORE, kind: 'processing', polls: 2 });
    const first = vscode.commands.executeCommand('aymara.scoreFile', uri) as Thenable<RunResult | undefined>;
    const second = vscode.commands.executeCommand('aymara.scoreFile', uri) as Thenable<RunResult | undefined>;
    assert.equal(await second, undefined, 'the second click does not score');
    assert.ok((await testSnapshot()).messages.some((m) => m.severity === 'info' && /race\.responses\.json is already being scored/.test(m.message)));
    await waitFor(() => server.stats.count(SCORE) === 1, 'the submission');
    await clearMessages();
    assert.deepEqual(await vscode.commands.executeCommand('aymara.refresh', uri), [], 'Refresh leaves the running file alone');
    assert.ok((await testSnapshot()).messages.some((m) => /already being scored/.test(m.message)));
    assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', uri), undefined, 'a third click during the run does not score');
    const result = await first;
    assert.equal(result?.counts.failed, 2);
    assert.equal(server.stats.count(SCORE), 1, 'exactly one scoring request');
    assert.equal(server.runs.count(), 1);
    // The file is free again once the run is done.
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', uri));
    assert.equal(server.stats.count(SCORE), 2);
  });

  it('the run name is on disk as pending before the request is sent, and the run is adopted when the reply is lost', async () => {
    const uri = workspaceFile('adopt.responses.json');
    server.faults.add({ route: SCORE, kind: 'status-after-commit', hang: true });
    const scoring = vscode.commands.executeCommand('aymara.scoreFile', uri) as Thenable<RunResult | undefined>;
    await waitFor(() => server.runs.count() === 1, 'the run on the server');
    const created = server.runs.list()[0]!;
    const saved = (await readPending())[uri.toString()];
    assert.equal(saved?.name, created.name, 'the in-flight submission is saved by its run name');
    assert.equal(saved?.eval_run_uuid, undefined, 'its id is not known yet');
    const result = await scoring;
    assert.equal(result?.eval_run_uuid, created.eval_run_uuid, 'the run was found by its name and adopted');
    assert.equal(server.stats.count(SCORE), 1);
    assert.equal(server.runs.count(), 1);
    assert.equal((await readPending())[uri.toString()], undefined, 'nothing is pending afterwards');
  });

  async function submitDirectly(name: string): Promise<string> {
    const text = fs.readFileSync(workspaceFile('adopt.responses.json').fsPath, 'utf8');
    const body = { eval_uuid: EVAL, name, responses: (JSON.parse(text) as { responses: unknown[] }).responses };
    const res = await fetch(`${server.url}/v2/eval-runs/-/score-responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'demo-key' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { eval_run_uuid: string }).eval_run_uuid;
  }

  async function seedPendingByName(uri: vscode.Uri, name: string): Promise<void> {
    const file = await pendingFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ [uri.toString()]: { eval_uuid: EVAL, name, started_at: new Date(Date.now() - 5_000).toISOString() } }));
    await vscode.commands.executeCommand('aymara._test.reloadState');
  }

  it('after a reload, a run known only by its name is found on a later page of runs and adopted, nothing re-sent', async () => {
    const uri = workspaceFile('adopt.responses.json');
    const name = `adopt.responses.json · in flight at reload · ${Date.now()}`;
    const runId = await submitDirectly(name);
    for (let i = 0; i < 120; i++) await submitDirectly(`other run ${i}`); // the run is now on the second page
    await seedPendingByName(uri, name);
    const rec = (await testSnapshot()).records.find((r) => r.uri === uri.toString());
    assert.equal(rec?.pending?.name, name);
    const before = server.stats.count(SCORE);
    const [result] = (await vscode.commands.executeCommand('aymara.refresh', uri)) as RunResult[];
    assert.equal(result?.eval_run_uuid, runId, 'adopted the run with that name');
    assert.equal(result?.counts.failed, 2);
    assert.equal(server.stats.count(SCORE), before, 'nothing was sent again');
    assert.ok(server.stats.count(LIST_RUNS) >= 2, 'looked through more than one page of runs');
    assert.equal(server.runs.list().filter((r) => r.name === name).length, 1, 'exactly one run with that name');
    const after = (await testSnapshot()).records.find((r) => r.uri === uri.toString());
    assert.equal(after?.pending, undefined);
    assert.equal(after?.latest?.eval_run_uuid, runId);
  });

  it('after a reload, a run the server never recorded: a few bounded looks, then "nothing was scored", pending cleared', async () => {
    const uri = workspaceFile('adopt.responses.json');
    await seedPendingByName(uri, `never arrived · ${Date.now()}`);
    const started = Date.now();
    assert.deepEqual(await vscode.commands.executeCommand('aymara.refresh', uri), []);
    const took = Date.now() - started;
    assert.ok(took < 20_000, `bounded: ${took} ms`);
    assert.equal(server.stats.count(LIST_RUNS), 3, 'looked three times (one page each: the server has no runs)');
    assert.equal(server.stats.count(SCORE), 0, 'nothing was sent');
    const snap = await testSnapshot();
    const msg = snap.messages.at(-1);
    assert.match(msg?.message ?? '', /adopt\.responses\.json was being sent for scoring when the window closed, but the server has no run named .*nothing was scored\. Score the file again\./);
    assert.ok(msg?.actions.includes('Score File'));
    assert.equal(snap.records.find((r) => r.uri === uri.toString())?.pending, undefined, 'pending cleared');
    assert.equal((await readPending())[uri.toString()], undefined);
  });

  it('a file rewritten on disk while it is scored (not open in an editor): results re-mapped to the new text, marked stale', async () => {
    const uri = workspaceFile('disk.responses.json');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'the file is not open');
    const original = fs.readFileSync(uri.fsPath, 'utf8');
    // Same size, every entry two lines and two characters further down.
    const rewritten = '\n\n' + original.replace(/\n {2}\]\n\}\n$/, '\n]\n}\n');
    assert.equal(rewritten.length, original.length);
    server.faults.add({ route: SCORE, kind: 'processing', polls: 2 });
    const scoring = vscode.commands.executeCommand('aymara.scoreFile', uri) as Thenable<RunResult | undefined>;
    await waitFor(() => server.stats.count(SCORE) === 1, 'the submission');
    fs.writeFileSync(uri.fsPath, rewritten);
    const result = await scoring;
    assert.equal(result?.counts.failed, 2);
    const rec = await waitFor(async () => (await testSnapshot()).records.find((r) => r.uri === uri.toString() && r.stale), 'results marked stale');
    const item = rec.latest!.items.find((i) => i.prompt_uuid === 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d')!;
    const at = rewritten.indexOf('question.874b6e61');
    assert.equal(item.location?.offset, rewritten.lastIndexOf('{', at), 'the result points at the entry in the new text');
    const doc = await vscode.workspace.openTextDocument(uri);
    const diag = await waitFor(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Aymara' && d.code === 'failed' && d.range.contains(doc.positionAt(at))),
      'a diagnostic on the moved entry',
    );
    assert.match(diag.message, /stale/);
  });
});
