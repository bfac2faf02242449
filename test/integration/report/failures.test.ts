/**
 * When a report cannot be had, against the local server's faults: a run the server does not have
 * (404) or that is not finished (409), named by the run's name and file; a 422; a report the
 * server fails; a lost reply to the POST (never sent again, the person decides); cancelling the
 * wait (the report may still finish on the server; Keep Waiting only polls it).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AymaraClient } from '../../../src/core/client';
import { parseResponsesFile, toScoreRequest } from '../../../src/core/responsesFile';
import type { RunResult } from '../../../src/core/results';
import { uniqueRunName } from '../../../src/core/scoring';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { SCORE } from '../pendingRun';
import { DEMO_KEY, testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { clearMessages, CREATE, exec, generate, generateForRuns, GET_REPORT, lastMessage, shownModel } from './helpers';

const bot = () => workspaceFile('bot.responses.json');
const latest = async (uri: vscode.Uri): Promise<RunResult> => {
  const run = (await testSnapshot()).records.find((r) => r.uri === uri.toString())?.latest;
  assert.ok(run, `${uri.path} has results`);
  return run;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How many reports the server holds (GET /v2/eval-reports). */
async function reportCount(server: LocalServer): Promise<number> {
  const res = await fetch(`${server.url}/v2/eval-reports?limit=1`, { headers: { 'x-api-key': DEMO_KEY } });
  return ((await res.json()) as { count: number }).count;
}

describe('Generate Report: failures', () => {
  let server: LocalServer;
  let real: RunResult;
  before(async () => {
    server = await useLocalServer();
    assert.ok(await exec(Command.scoreFile, bot()), 'scoring bot.responses.json');
    real = await latest(bot());
  });
  after(async () => server?.close());
  beforeEach(async () => {
    server.faults.clear();
    await clearMessages();
  });

  it('a run the server does not have (404, details.field eval_run_uuids.1): named by its name and file; nothing created', async () => {
    const gone = workspaceFile('gone.responses.json');
    await exec(TestCommand.seedRun, gone.toString(), { ...real, eval_run_uuid: 'score_run.deleted-on-the-server', run_name: 'Tuesday nightly' } satisfies RunResult);
    const reports = await reportCount(server);
    const outcome = await generateForRuns({ runs: [real.eval_run_uuid, 'score_run.deleted-on-the-server'] });
    assert.equal(outcome?.status, 'failed');
    const m = await lastMessage();
    assert.match(m.message, /Aymara does not have run "Tuesday nightly" \(gone\.responses\.json\).*so no report was created\. Pick other runs/);
    assert.ok(m.actions.includes('Generate Report for Runs…') && m.actions.includes('Score File'), JSON.stringify(m));
    assert.equal(await reportCount(server), reports);
  });

  it('a run that is not finished (409): named, with its status and Refresh Results', async () => {
    // A run created on the server as the extension creates it, left processing.
    const file = workspaceFile('bot.responses.json');
    server.faults.add({ route: SCORE, kind: 'never-finish' });
    const request = toScoreRequest(parseResponsesFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), { fileName: file.path }));
    request.name = uniqueRunName(path.posix.basename(file.path));
    const client = new AymaraClient({ baseUrl: server.url, apiKey: DEMO_KEY });
    const run = await client.scoreResponses(request).finally(() => client.close());
    assert.equal(server.runs.get(run.eval_run_uuid)?.status, 'processing');
    const pending = workspaceFile('pending.responses.json');
    await exec(TestCommand.seedRun, pending.toString(), { ...real, eval_run_uuid: run.eval_run_uuid, run_name: 'still running' } satisfies RunResult);

    const outcome = await generate(pending);
    assert.equal(outcome?.status, 'failed');
    const m = await lastMessage();
    assert.match(m.message, /Run "still running" \(pending\.responses\.json\) is not finished on Aymara yet \(status processing\), so no report was created/);
    assert.ok(m.actions.includes('Refresh Results'), JSON.stringify(m));
  });

  it('a 422: the server\'s message with what to do; sent once', async () => {
    server.faults.add({ route: CREATE, kind: 'status', status: 422, code: 'validation.invalid_request', message: 'eval_run_uuids: too many runs' });
    const posts = server.stats.count(CREATE);
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'failed');
    assert.equal(server.stats.count(CREATE), posts + 1);
    assert.match((await lastMessage()).message, /eval_run_uuids: too many runs \(HTTP 422.*\) Pick at most 100 different finished runs and generate the report again\./);
  });

  it('a report the server fails: says so, offers Generate Again (a new report); no view', async () => {
    server.faults.add({ route: CREATE, kind: 'run-fails', polls: 1 });
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'stopped');
    assert.ok(outcome.reportUuid);
    const m = await lastMessage();
    assert.match(m.message, /Aymara could not write report .* \(it failed\)\. .*generate the report again; that creates a new report/);
    assert.deepEqual(m.actions.slice(0, 1), ['Generate Again']);
  });

  it('a lost reply to the POST: not sent again; says the report may exist and offers Generate Again', async () => {
    server.faults.add({ route: CREATE, kind: 'status-after-commit', reset: true });
    const posts = server.stats.count(CREATE);
    const reports = await reportCount(server);
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'stopped');
    assert.equal(outcome.reportUuid, undefined);
    assert.equal(await reportCount(server), reports + 1, 'the server did create it, once');
    await sleep(500);
    assert.equal(server.stats.count(CREATE), posts + 1, 'the POST was not re-sent');
    const m = await lastMessage();
    assert.match(m.message, /got no usable reply.*Aymara may have created the report anyway; the request was not sent again\. Generate Again creates a new report/);
    assert.ok(m.actions.includes('Generate Again'), JSON.stringify(m));
  });

  it('a 502 to the POST counts as maybe created too', async () => {
    server.faults.add({ route: CREATE, kind: 'status-after-commit', status: 502 });
    const posts = server.stats.count(CREATE);
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'stopped');
    assert.equal(server.stats.count(CREATE), posts + 1);
    assert.match((await lastMessage()).message, /may have created the report anyway/);
  });

  it('Cancel while waiting: stops polling, says the report may still finish on the server; Keep Waiting would only poll it', async () => {
    server.faults.add({ route: CREATE, kind: 'never-finish' });
    const posts = server.stats.count(CREATE);
    const gets = server.stats.count(GET_REPORT);
    const pending = generate(bot());
    await waitFor(() => server.stats.count(GET_REPORT) > gets, 'the report to be created and polled', 20_000);
    assert.equal(await exec(TestCommand.cancelReport), 1, 'one generation was in flight');
    const outcome = await pending;
    assert.equal(outcome?.status, 'stopped');
    assert.ok(outcome.reportUuid, 'the report id is known');
    const m = await lastMessage();
    assert.equal(m.severity, 'info');
    assert.match(m.message, /Stopped waiting for report .*\. Aymara may still finish it; Keep Waiting checks it again without creating a new report\./);
    assert.ok(m.actions.includes('Keep Waiting'));
    const polls = server.stats.count(GET_REPORT);
    await sleep(1500);
    assert.equal(server.stats.count(GET_REPORT), polls, 'no more polling after Cancel');
    assert.equal(server.stats.count(CREATE), posts + 1);
  });

  it('Keep Waiting after Cancel polls the same report (no new POST) and opens it once finished', async () => {
    server.faults.add({ route: CREATE, kind: 'processing', polls: 3 });
    const posts = server.stats.count(CREATE);
    const gets = server.stats.count(GET_REPORT);
    await exec(TestCommand.reportAnswers, { button: 'Keep Waiting' });
    const pending = generate(bot());
    await waitFor(() => server.stats.count(GET_REPORT) > gets, 'the report to be polled', 20_000);
    await exec(TestCommand.cancelReport);
    const outcome = await pending;
    assert.equal(outcome?.status, 'stopped');
    const m = await shownModel(outcome.reportUuid!);
    assert.equal(m.reportUuid, outcome.reportUuid, 'the same report, finished');
    assert.equal(server.stats.count(CREATE), posts + 1, 'no second POST');
  });

  it('Generate Again after a lost reply is the person\'s choice: only then a second POST, and the new report opens', async () => {
    server.faults.add({ route: CREATE, kind: 'status-after-commit', reset: true });
    const posts = server.stats.count(CREATE);
    const reports = await reportCount(server);
    await exec(TestCommand.reportAnswers, { button: 'Generate Again' });
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'stopped');
    const opened = await waitFor(async () => (await exec<{ panels: { reportUuid: string; ready: boolean }[] }>(TestCommand.reportPanels)).panels.length && server.stats.count(CREATE) === posts + 2, 'the second POST', 20_000);
    assert.ok(opened);
    assert.equal(await reportCount(server), reports + 2, 'two reports: the one whose reply was lost, and the new one');
  });

  it('the report view is not opened for a failure, and a later success still works', async () => {
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'finished');
    await shownModel(outcome.reportUuid!);
  });
});
