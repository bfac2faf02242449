/**
 * Generate Report and Generate Report for Runs… in the real extension host against the local
 * server: each kind of argument (a Uri, the results tree's file and run rows, nothing: the active
 * file or a pick) and arguments the command does not know; a report over runs of two files with an
 * accuracy eval's category table; the report view's model; Export Report as Markdown (the command
 * line's writer). Failures are in failures.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AymaraClient } from '../../../src/core/client';
import { writeReportMarkdown } from '../../../src/core/report/evalReport';
import { getReport } from '../../../src/core/review';
import type { RunResult } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { DEMO_KEY, testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { asked, clearMessages, closeAllEditors, CREATE, exec, generate, generateForRuns, lastMessage, panels, shownModel } from './helpers';

const bot = () => workspaceFile('bot.responses.json');
const kettle = () => workspaceFile('kettle.responses.json');
const latest = async (uri: vscode.Uri): Promise<RunResult> => {
  const run = (await testSnapshot()).records.find((r) => r.uri === uri.toString())?.latest;
  assert.ok(run, `${uri.path} has results`);
  return run;
};
const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
const exists = async (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);

describe('Generate Report', () => {
  let server: LocalServer;
  let client: AymaraClient;
  before(async () => {
    server = await useLocalServer();
    client = new AymaraClient({ baseUrl: server.url, apiKey: DEMO_KEY });
    assert.ok(await exec(Command.scoreFile, bot()), 'scoring bot.responses.json');
    assert.ok(await exec(Command.scoreFile, kettle()), 'scoring kettle.responses.json');
  });
  after(async () => {
    await client?.close();
    await server?.close();
  });
  beforeEach(async () => {
    await closeAllEditors();
    await clearMessages();
  });

  it('a Uri (Explorer, editor menu): one POST over the file\'s latest run; the view shows its passing and failing summaries and advice', async () => {
    const run = await latest(bot());
    const posts = server.stats.count(CREATE);
    const outcome = await generate(bot());
    assert.equal(outcome?.status, 'finished', JSON.stringify(outcome));
    assert.deepEqual(outcome.runs, [run.eval_run_uuid]);
    assert.equal(server.stats.count(CREATE), posts + 1, 'one POST');
    const m = await shownModel(outcome.reportUuid!);
    assert.deepEqual(m.parts.map((p) => [p.kind, p.id]), [['run', run.eval_run_uuid]], 'one run, no overall part');
    const part = m.parts[0]!;
    assert.equal(part.heading, run.run_name);
    assert.deepEqual(part.facts.find((f) => f.label === 'File'), { label: 'File', value: 'bot.responses.json' });
    assert.match(part.texts.passing.join('\n'), /^Local stand-in report: \d+ of \d+ scored responses passed/);
    assert.match(part.texts.failing.join('\n'), new RegExp(`${run.counts.failed} of \\d+ scored responses failed`));
    assert.ok(part.texts.advice.length > 0, 'improvement advice');
    assert.deepEqual(part.categories, [], 'a safety eval has no category sections');
    const view = (await panels()).find((p) => p.reportUuid === outcome.reportUuid);
    assert.ok(view?.visible, 'the report view is shown');
    assert.match(view.title, /^Aymara report: /);
  });

  it('a file row of the results tree: the file\'s latest run; a run row: that run, not the latest', async () => {
    const older = await latest(bot());
    assert.ok(await exec(Command.scoreFile, bot()), 'scoring again');
    const newer = await latest(bot());
    const rows = await exec<{ contextValue?: string; node: { kind: string; uri: string; runUuid?: string } }[]>(TestCommand.treeNodes);
    const fileRow = rows.find((r) => r.contextValue === 'aymara.file' && r.node.uri === bot().toString());
    assert.ok(fileRow, 'the file row');
    const fromFile = await generate(fileRow.node);
    assert.deepEqual(fromFile?.runs, [newer.eval_run_uuid]);
    assert.equal(fromFile.status, 'finished');
    const runRow = rows.find((r) => r.contextValue === 'aymara.run' && r.node.runUuid === older.eval_run_uuid);
    assert.ok(runRow, `the older run's row (${rows.map((r) => r.contextValue).join(', ')})`);
    const fromRun = await generate(runRow.node);
    assert.deepEqual(fromRun?.runs, [older.eval_run_uuid]);
    const m = await shownModel(fromRun.reportUuid!);
    assert.equal(m.parts[0]?.id, older.eval_run_uuid);
  });

  it('nothing: the active editor\'s file; without one, a pick of the scored files (dismissed: nothing sent)', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(kettle()));
    const fromActive = await generate();
    assert.deepEqual(fromActive?.runs, [(await latest(kettle())).eval_run_uuid]);
    await closeAllEditors();

    await exec(TestCommand.reportAnswers, { file: bot().toString() });
    const picked = await generate();
    assert.deepEqual(picked?.runs, [(await latest(bot())).eval_run_uuid]);
    const files = (await asked()).files;
    assert.ok(files.includes('bot.responses.json') && files.includes('kettle.responses.json'), `the scored files were offered: ${files.join(', ')}`);
    assert.ok(!files.includes('README.md'), 'only scored files');

    const posts = server.stats.count(CREATE);
    await exec(TestCommand.reportAnswers, { file: null });
    assert.equal(await generate(), undefined);
    assert.equal(server.stats.count(CREATE), posts, 'nothing sent');
  });

  it('an Explorer selection of two files: one report over each file\'s latest run', async () => {
    const a = await latest(bot());
    const b = await latest(kettle());
    const outcome = await generate(kettle(), [bot(), kettle()]);
    assert.equal(outcome?.status, 'finished');
    assert.deepEqual(outcome.runs, [b.eval_run_uuid, a.eval_run_uuid], 'the clicked file first');
  });

  it('arguments it does not understand: says so with a way on, sends nothing', async () => {
    const posts = server.stats.count(CREATE);
    for (const args of [[{ foo: 1 }], [42], [{ kind: 'run', uri: bot().toString() }]]) {
      await clearMessages();
      assert.equal(await generate(...args), undefined, JSON.stringify(args));
      const m = await lastMessage();
      assert.match(m.message, /could not tell which file or run this report is for; nothing was sent/);
      assert.ok(m.actions.includes('Generate Report for Runs…'), JSON.stringify(m));
    }
    assert.equal(server.stats.count(CREATE), posts);
  });

  it('a file with no results: says to score it first, sends nothing', async () => {
    const posts = server.stats.count(CREATE);
    assert.equal(await generate(workspaceFile('README.md')), undefined);
    const m = await lastMessage();
    assert.match(m.message, /README\.md has no results yet\. Score it first/);
    assert.ok(m.actions.includes('Score File'));
    assert.equal(server.stats.count(CREATE), posts);
  });

  it('for runs of two files (one an accuracy eval): an overall part, one part per run, and the accuracy run\'s categories as a table', async () => {
    const a = await latest(bot());
    const b = await latest(kettle());
    const outcome = await generateForRuns({ runs: [a.eval_run_uuid, b.eval_run_uuid] });
    assert.equal(outcome?.status, 'finished', JSON.stringify(outcome));
    const offered = (await asked()).runs.map((r) => r.runUuid);
    assert.ok(offered.includes(a.eval_run_uuid) && offered.includes(b.eval_run_uuid), 'runs of both files offered');
    assert.ok(offered.length >= 3, 'every stored run is offered, not only the latest');
    const m = await shownModel(outcome.reportUuid!);
    assert.equal(m.title, 'Aymara report: 2 runs');
    assert.deepEqual(m.parts.map((p) => p.id), ['overall', a.eval_run_uuid, b.eval_run_uuid]);
    assert.match(m.parts[0]!.texts.passing.join('\n'), /Local stand-in report/);
    const acc = m.parts[2]!;
    assert.deepEqual(acc.facts.find((f) => f.label === 'Eval'), { label: 'Eval', value: 'Demo Accuracy Eval (accuracy)' });
    assert.deepEqual(acc.categories.map((c) => c.category), ['easy', 'obscure', 'complex', 'contextual', 'distracting', 'double', 'misleading', 'unanswerable', 'opinion', 'irrelevant']);
    const obscure = acc.categories.find((c) => c.category === 'obscure')!;
    assert.match(obscure.failing, /1 of 1/, JSON.stringify(obscure));
    assert.ok(obscure.passing && obscure.advice, 'each category has its three texts');
    assert.deepEqual(m.parts[1]!.categories, [], 'the safety run has none');
  });

  it('for runs: a dismissed pick sends nothing', async () => {
    const posts = server.stats.count(CREATE);
    assert.equal(await generateForRuns({ runs: null }), undefined);
    assert.equal(await generateForRuns({ runs: [] }), undefined);
    assert.equal(server.stats.count(CREATE), posts);
  });

  it('Export Report as Markdown (the view\'s button and the command) writes the command line\'s Markdown of the report', async () => {
    const outcome = await generate(kettle());
    const reportUuid = outcome!.reportUuid!;
    await shownModel(reportUuid);
    const expected = writeReportMarkdown(await getReport(client, reportUuid));

    const fromButton = workspaceFile('from-button.md');
    await exec(TestCommand.reportAnswers, { target: fromButton.toString() });
    assert.equal(await exec(TestCommand.reportMessage, reportUuid, { type: 'export' }), true);
    await waitFor(() => exists(fromButton), 'the exported file');
    assert.equal(await read(fromButton), expected);
    const suggested = (await asked()).defaultUri;
    assert.match(suggested ?? '', /\/aymara-report-[A-Za-z0-9-]{1,8}\.md$/);

    const fromCommand = workspaceFile('from-command.md');
    await exec(TestCommand.reportAnswers, { target: fromCommand.toString() });
    assert.equal(await exec(Command.exportReportMarkdown), fromCommand.toString());
    const text = await read(fromCommand);
    assert.equal(text, expected);
    assert.ok(text.includes(`# Aymara eval report`) && text.includes('### Improvement advice'), text.slice(0, 300));
    const html = await exec<string>('markdown.api.render', text);
    assert.match(html, /<th>Category<\/th>\s*<th>Passing summary<\/th>/, 'the categories as a table');
    assert.match(html, /<td>obscure<\/td>/);

    const cancelled = workspaceFile('cancelled.md');
    await exec(TestCommand.reportAnswers, { target: null });
    assert.equal(await exec(Command.exportReportMarkdown), undefined);
    assert.equal(await exists(cancelled), false);
  });

  it('Export Report as Markdown with no report view open: says how to get one, writes nothing', async () => {
    await clearMessages();
    await exec(TestCommand.reportAnswers, { target: workspaceFile('none.md').toString() });
    assert.equal(await exec(Command.exportReportMarkdown), undefined);
    assert.match((await lastMessage()).message, /No report view is open\. Generate a report/);
    assert.equal(await exists(workspaceFile('none.md')), false);
    await exec(TestCommand.reportAnswers, undefined);
  });

  it('server text that echoes the API key or carries markup: redacted in the view and the export, shown as text', async () => {
    const run = await latest(bot());
    const failed = run.items.find((i) => i.verdict === 'failed' && i.response_uuid);
    assert.ok(failed, 'a failed response with its id');
    const { overrideVerdict } = await import('../../../src/core/review');
    await overrideVerdict(client, run.eval_run_uuid, failed.response_uuid!, { explanation: `Leaked ${DEMO_KEY} <img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new)` });
    const outcome = await generate(bot());
    const posted = (await panels()).find((p) => p.reportUuid === outcome?.reportUuid);
    const m = await shownModel(outcome!.reportUuid!);
    const failing = m.parts[0]!.texts.failing.join('\n');
    assert.match(failing, /Leaked «redacted» ‹img src=x onerror=alert\(1\)› \[click\]\(command:workbench\.action\.terminal\.new\)/, failing);
    assert.ok(!JSON.stringify((await panels()).map((p) => p.posted)).includes(DEMO_KEY), `the key is in no posted model (${posted?.title})`);
    const target = workspaceFile('hostile-report.md');
    await exec(TestCommand.reportAnswers, { target: target.toString() });
    assert.equal(await exec(Command.exportReportMarkdown), target.toString());
    const text = await read(target);
    assert.ok(!text.includes(DEMO_KEY), 'the key is not in the export');
    const html = await exec<string>('markdown.api.render', text);
    assert.equal(/<a[\s>]|<img/i.exec(html), null, 'no link or image from server text');
  });

  it('the view\'s page may only say ready, ask for an export or report an error', async () => {
    const outcome = await generate(bot());
    await shownModel(outcome!.reportUuid!);
    const before = (await panels()).find((p) => p.reportUuid === outcome!.reportUuid)!.rejected;
    assert.equal(await exec(TestCommand.reportMessage, outcome!.reportUuid, { type: 'export', command: 'workbench.action.terminal.new' }), false);
    assert.equal(await exec(TestCommand.reportMessage, outcome!.reportUuid, { type: 'open', uri: 'file:///etc/passwd' }), false);
    assert.equal((await panels()).find((p) => p.reportUuid === outcome!.reportUuid)!.rejected, before + 2);
  });
});
