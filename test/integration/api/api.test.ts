/**
 * The API other extensions get from `activate` (typed in api/aymara-eval.d.ts), reached as another
 * extension reaches it (vscode.extensions.getExtension(...).exports), and links handed to the
 * extension's URI handler: what opens, what is refused with a message, and that a link never
 * scores. Against the local server in the real extension host.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AymaraEvalApi, AymaraResults } from '../../../api/aymara-eval';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { DEMO_KEY, EXTENSION_ID, testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const bot = () => workspaceFile('bot.responses.json');
const other = () => workspaceFile('other.responses.json');
const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);
const SCORE = 'POST /v2/eval-runs/-/score-responses';

describe('API for other extensions', () => {
  let server: LocalServer;
  let api: AymaraEvalApi;
  before(async () => {
    server = await useLocalServer();
    api = vscode.extensions.getExtension<AymaraEvalApi>(EXTENSION_ID)!.exports;
  });
  after(async () => {
    await server?.close();
  });

  it('is returned from activate with the documented shape', () => {
    assert.equal(api.version, 1);
    assert.equal(typeof api.scoreFile, 'function');
    assert.equal(typeof api.getResults, 'function');
    assert.equal(typeof api.onDidChangeResults, 'function');
  });

  it('getResults of a file never scored: undefined, and nothing is sent', async () => {
    const sent = server.stats.count(SCORE);
    assert.equal(await api.getResults(other()), undefined);
    assert.equal(server.stats.count(SCORE), sent);
  });

  it('scoreFile scores the file on the server and resolves to its results; onDidChangeResults fires for that file', async () => {
    const events: (string | undefined)[] = [];
    const sub = api.onDidChangeResults((e) => events.push(e.uri?.toString()));
    const sent = server.stats.count(SCORE);
    let results: AymaraResults | undefined;
    try {
      results = await api.scoreFile(bot());
    } finally {
      sub.dispose();
    }
    assert.equal(server.stats.count(SCORE), sent + 1, 'one scoring request');
    assert.ok(results);
    assert.equal(results.uri.toString(), bot().toString());
    assert.deepEqual(results.counts, { passed: 2, failed: 2, refused: 1, excluded: 1, errored: 0 });
    assert.equal(results.results.length, 6);
    assert.ok(server.runs.get(results.eval_run_uuid), 'the run the server created');
    const failed = results.results.filter((r) => r.verdict === 'failed');
    assert.equal(failed.length, 2);
    assert.ok(failed.every((r) => r.explanation && r.location && r.location.line > 1));
    assert.ok(events.includes(bot().toString()), `an event for the file: ${JSON.stringify(events)}`);
  });

  it('getResults returns the latest results as a plain copy: changing it changes nothing in the extension', async () => {
    const first = await api.getResults(bot());
    assert.ok(first);
    const latest = (await testSnapshot()).records.find((r) => r.uri === bot().toString())?.latest;
    assert.equal(first.eval_run_uuid, latest?.eval_run_uuid);
    assert.deepEqual(Object.fromEntries(first.results.map((r) => [r.prompt_uuid, r.verdict])), Object.fromEntries(latest!.items.map((i) => [i.prompt_uuid, i.verdict])));
    first.results[0]!.verdict = 'passed';
    first.results[0]!.explanation = 'changed by a caller';
    first.counts.failed = 99;
    first.results.length = 0;
    const again = await api.getResults(bot());
    assert.equal(again?.results.length, 6);
    assert.equal(again?.counts.failed, 2);
    assert.notEqual(again?.results[0]?.explanation, 'changed by a caller');
    assert.notStrictEqual(again, first);
    const stored = (await testSnapshot()).records.find((r) => r.uri === bot().toString())?.latest;
    assert.equal(stored?.counts.failed, 2, 'the store is untouched');
  });

  it('never carries the API key, nor anything but the documented fields', async () => {
    const r = await api.getResults(bot());
    const text = JSON.stringify(r);
    assert.ok(!text.includes(DEMO_KEY));
    assert.deepEqual(Object.keys(r!).sort(), ['completed_at', 'counts', 'created_at', 'eval_name', 'eval_run_uuid', 'eval_uuid', 'merged', 'notes', 'pass_rate', 'results', 'run_name', 'stale', 'status', 'uri']);
    assert.deepEqual(Object.keys(r!.results[0]!).sort(), ['confidence', 'explanation', 'from_run', 'location', 'prompt_uuid', 'thread_uuid', 'turn_number', 'verdict']);
  });

  it('a caller passing a string instead of a Uri gets a clear error and nothing is sent', async () => {
    const sent = server.stats.count(SCORE);
    await assert.rejects(api.scoreFile(bot().toString() as unknown as vscode.Uri), /pass the responses file as a vscode\.Uri/);
    await assert.rejects(api.getResults({ path: '/x' } as unknown as vscode.Uri), /pass the responses file as a vscode\.Uri/);
    assert.equal(server.stats.count(SCORE), sent);
  });
});

describe('links (URI handler)', () => {
  let server: LocalServer;
  let older = '';
  let newer = '';
  const link = (query: string, path = '/open') => `${vscode.env.uriScheme}://${EXTENSION_ID}${path}?${query}`;
  const open = (l: string) => exec<boolean>(TestCommand.handleUri, l);
  /** The warning a refused link shows (what the user reads). */
  async function refused(l: string): Promise<string> {
    await exec(TestCommand.clearMessages);
    const runs = server.runs.count();
    assert.equal(await open(l), false, `${l} was not refused`);
    assert.equal(server.runs.count(), runs, 'a link never scores');
    assert.equal((await testSnapshot()).explanations.panels.length, 0, 'no panel opened');
    const messages = (await testSnapshot()).messages;
    assert.equal(messages.at(-1)?.severity, 'warning');
    return messages.at(-1)!.message;
  }
  before(async () => {
    server = await useLocalServer();
    await exec('workbench.action.closeAllEditors');
    older = (await exec<{ eval_run_uuid: string }>(Command.scoreFile, bot()))!.eval_run_uuid;
    newer = (await exec<{ eval_run_uuid: string }>(Command.scoreFile, bot()))!.eval_run_uuid;
    await exec('workbench.action.closeAllEditors');
  });
  afterEach(() => exec('workbench.action.closeAllEditors'));
  after(async () => {
    await server?.close();
  });

  it('open?file=<relative path>: the latest run in the explanations panel, its row selected in the Aymara view; nothing scored', async () => {
    const runs = server.runs.count();
    assert.equal(await open(link(`file=${encodeURIComponent('bot.responses.json')}`)), true);
    const panel = await waitFor(async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === bot().toString()), 'the explanations panel');
    assert.equal(panel.runUuid, newer);
    assert.deepEqual(await exec(TestCommand.selection), [`run|${bot().toString()}|${newer}|latest`]);
    assert.equal(server.runs.count(), runs, 'nothing scored');
  });

  it('open?file=<file URI>&run=<older run>: that run\'s row is selected in the Aymara view', async () => {
    assert.equal(await open(link(`file=${encodeURIComponent(bot().toString())}&run=${encodeURIComponent(older)}`)), true);
    assert.deepEqual(await exec(TestCommand.selection), [`run|${bot().toString()}|${older}|old`]);
  });

  it('refuses a run the workspace does not hold, saying which', async () => {
    assert.match(await refused(link(`file=bot.responses.json&run=score_run.nope`)), /bot\.responses\.json has no run score_run\.nope in this workspace\. Nothing was opened\./);
  });

  it('refuses files outside the workspace (absolute, .., another folder\'s URI)', async () => {
    const outside = /The link's file is not in this workspace\. Aymara only opens results of files in the open workspace\. Nothing was opened\./;
    assert.match(await refused(link(`file=${encodeURIComponent('../bot.responses.json')}&run=${older}`)), outside);
    assert.match(await refused(link(`file=${encodeURIComponent('/etc/passwd')}`)), outside);
    assert.match(await refused(link(`file=${encodeURIComponent(vscode.Uri.file('/tmp/elsewhere/bot.responses.json').toString())}`)), outside);
    assert.match(await refused(link(`file=${encodeURIComponent(vscode.Uri.joinPath(bot(), '..', '..', 'x', 'bot.responses.json').toString())}`)), outside);
  });

  it('refuses a file without results (and never scores it), a link without a file and an unknown path', async () => {
    assert.match(await refused(link('file=other.responses.json')), /other\.responses\.json has no results in this workspace\. Score it first\./);
    assert.match(await refused(link('run=x')), /The link names no file/);
    assert.match(await refused(link('file=bot.responses.json', '/score')), /Aymara does not know links to "\/score"/);
  });
});
