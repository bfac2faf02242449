/**
 * Export Results… in the real extension host against the local server: each format's file is
 * read back (CSV and JSON parsed, SARIF parsed and its locations checked, JUnit counted, Markdown
 * rendered by VS Code's own Markdown renderer) and compared with the run; a dismissed quick pick
 * or a cancelled save dialog writes nothing; hostile server text cannot become a formula, a link
 * or HTML. The save dialog's answer is given through the private test command
 * `aymara._test.exportAnswers` (a test cannot click a native dialog).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult, Verdict } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { csvRows } from '../../unit/csvRows';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

const file = () => workspaceFile('bot.responses.json');
const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);
const latest = async (uri = file()): Promise<RunResult> => {
  const run = (await testSnapshot()).records.find((r) => r.uri === uri.toString())?.latest;
  assert.ok(run, 'the file has results');
  return run;
};
const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
const exists = async (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);
/** prompt → verdict of a run. */
const verdicts = (run: RunResult) => Object.fromEntries(run.items.map((i) => [i.prompt_uuid, i.verdict]));

/** Export with the format and target given in place of the quick pick and save dialog; returns the written file's text. */
async function exportAs(format: string, name: string, ...args: unknown[]): Promise<string> {
  const target = workspaceFile(name);
  await exec(TestCommand.exportAnswers, { format, target: target.toString() });
  const written = await exec<string | undefined>(Command.exportResults, ...(args.length ? args : [file()]));
  assert.equal(written, target.toString(), 'the command reports the file it wrote');
  return read(target);
}

describe('Export Results…', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
    assert.ok(await exec(Command.scoreFile, file()), 'scoring the file');
  });
  after(async () => {
    await server?.close();
  });

  it('CSV: a header and one row per response, with the run\'s verdicts', async () => {
    const run = await latest();
    const rows = csvRows(await exportAs('csv', 'report.csv'));
    const header = rows[0]!;
    assert.deepEqual(header.slice(0, 7), ['file', 'eval_uuid', 'eval_run_uuid', 'prompt_uuid', 'thread_uuid', 'turn_number', 'verdict']);
    const body = rows.slice(1);
    assert.equal(body.length, run.items.length);
    const col = (name: string) => header.indexOf(name);
    assert.deepEqual(Object.fromEntries(body.map((r) => [r[col('prompt_uuid')], r[col('verdict')]])), verdicts(run));
    for (const r of body) {
      assert.equal(r[col('eval_run_uuid')], run.eval_run_uuid);
      assert.equal(r[col('file')], 'bot.responses.json');
    }
    const failed = run.items.find((i) => i.verdict === 'failed')!;
    const row = body.find((r) => r[col('prompt_uuid')] === failed.prompt_uuid)!;
    assert.equal(Number(row[col('line')]), failed.location?.line);
    assert.equal(row[col('explanation')], failed.explanation?.replace(/\s+/g, ' ').trim());
  });

  it('JSON: the command line\'s JSON report of the run', async () => {
    const run = await latest();
    const doc = JSON.parse(await exportAs('json', 'report.json')) as { eval_run_uuid: string; counts: Record<Verdict, number>; results: { prompt_uuid: string; verdict: Verdict; line: number | null }[] };
    assert.equal(doc.eval_run_uuid, run.eval_run_uuid);
    assert.deepEqual(doc.counts, { passed: run.counts.passed, failed: run.counts.failed, refused: run.counts.refused, excluded: run.counts.excluded, errored: run.counts.errored });
    assert.deepEqual(Object.fromEntries(doc.results.map((r) => [r.prompt_uuid, r.verdict])), verdicts(run));
  });

  it('SARIF: one result per response, located in the file by a URI relative to the report', async () => {
    const run = await latest();
    const doc = JSON.parse(await exportAs('sarif', 'report.sarif')) as {
      version: string;
      runs: { results: { ruleId: string; properties: { prompt_uuid: string }; locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[]; properties: { eval_run_uuid: string } }[];
    };
    assert.equal(doc.version, '2.1.0');
    const sarifRun = doc.runs[0]!;
    assert.equal(sarifRun.properties.eval_run_uuid, run.eval_run_uuid);
    assert.deepEqual(Object.fromEntries(sarifRun.results.map((r) => [r.properties.prompt_uuid, r.ruleId])), Object.fromEntries(run.items.map((i) => [i.prompt_uuid, `aymara/${i.verdict}`])));
    const doc2 = await vscode.workspace.openTextDocument(file());
    for (const r of sarifRun.results) {
      const loc = r.locations?.[0]?.physicalLocation;
      assert.equal(loc?.artifactLocation.uri, 'bot.responses.json', 'relative to the report\'s folder');
      const item = run.items.find((i) => i.prompt_uuid === r.properties.prompt_uuid)!;
      assert.equal(loc.region.startLine, item.location?.line);
      assert.ok(doc2.lineAt(loc.region.startLine - 1).text.includes('{'), 'the region starts at the entry\'s object');
    }
  });

  it('JUnit XML: a test case per response, failures as <failure>', async () => {
    const run = await latest();
    const xml = await exportAs('junit', 'report.xml');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    assert.equal(xml.match(/<testcase /g)?.length, run.items.length);
    assert.equal(xml.match(/<failure /g)?.length, run.counts.failed);
    assert.equal(xml.match(/<skipped /g)?.length ?? 0, run.counts.excluded);
    for (const i of run.items) assert.ok(xml.includes(`name="${i.prompt_uuid}"`), i.prompt_uuid);
  });

  it('Markdown: VS Code renders the run\'s totals and a table row per response', async () => {
    const run = await latest();
    const html = await exec<string>('markdown.api.render', await exportAs('markdown', 'report.md'));
    assert.match(html, /<h1[^>]*>Aymara results: bot\.responses\.json<\/h1>/);
    assert.equal(html.match(/<tr[\s>]/g)?.length, run.items.length + 1, 'a header row and a row per response');
    assert.ok(html.includes(run.eval_run_uuid));
    assert.ok(html.includes(`${run.counts.passed} passed, ${run.counts.failed} failed`));
  });

  it('a run row of the results tree exports that run, not the latest', async () => {
    const older = await latest();
    assert.ok(await exec(Command.scoreFile, file()));
    const newer = await latest();
    assert.notEqual(newer.eval_run_uuid, older.eval_run_uuid);
    const node = { kind: 'run', uri: file().toString(), runUuid: older.eval_run_uuid, latest: false };
    const doc = JSON.parse(await exportAs('json', 'older.json', node)) as { eval_run_uuid: string };
    assert.equal(doc.eval_run_uuid, older.eval_run_uuid);
  });

  it('suggests a file named after the file and the run, next to it', async () => {
    const run = await latest();
    await exportAs('csv', 'named.csv');
    const asked = await exec<{ formats: string[]; defaultUri?: string }>(TestCommand.exportAsked);
    assert.deepEqual(asked.formats, ['CSV', 'JSON', 'SARIF', 'JUnit XML', 'Markdown']);
    const short = run.eval_run_uuid.replace(/^[a-z_]+\./i, '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 8);
    assert.equal(asked.defaultUri, workspaceFile(`bot.responses.${short}.csv`).toString());
  });

  it('a cancelled save dialog or a dismissed format pick writes nothing', async () => {
    const target = workspaceFile('cancelled.csv');
    const folder = vscode.Uri.joinPath(target, '..');
    const before = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
    await exec(TestCommand.exportAnswers, { format: 'csv', target: null });
    assert.equal(await exec(Command.exportResults, file()), undefined);
    await exec(TestCommand.exportAnswers, { format: undefined, target: target.toString() });
    assert.equal(await exec(Command.exportResults, file()), undefined);
    assert.equal(await exists(target), false);
    assert.deepEqual((await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort(), before, 'no file appeared');
  });

  it('hostile server text: no CSV cell starts a formula; the rendered Markdown has no link, image or HTML from it', async () => {
    const run = await latest();
    const evil = '=HYPERLINK("https://evil.example/x","win") [click](https://evil.example) <img src=x onerror=alert(1)> www.evil.example a@evil.example';
    const seeded: RunResult = { ...run, eval_run_uuid: 'score_run.hostile', run_name: '@cmd', items: run.items.map((i) => ({ ...i, explanation: evil, prompt_uuid: i === run.items[0] ? '+SUM(1)' : i.prompt_uuid })) };
    await exec(TestCommand.seedRun, file().toString(), seeded);
    const rows = csvRows(await exportAs('csv', 'hostile.csv'));
    for (const r of rows.slice(1)) for (const cell of r) assert.ok(!/^[=+\-@\t\r]/.test(cell), `cell ${JSON.stringify(cell)} starts a formula`);
    assert.ok(rows.slice(1).every((r) => r.at(-1) === `'${evil}`), 'the explanation is kept, defused');
    const html = await exec<string>('markdown.api.render', await exportAs('markdown', 'hostile.md'));
    const bad = /<a[\s>]|<img|<script/i.exec(html);
    assert.equal(bad, null, bad ? html.slice(Math.max(0, bad.index - 200), bad.index + 200) : '');
    assert.ok(html.includes('[click](https://evil.example) &lt;img src=x onerror=alert(1)&gt; www.evil.example a@evil.example'), 'the text is shown as written');
  });

  it('a file with no results: says to score it first and writes nothing', async () => {
    const other = workspaceFile('README.md');
    const target = workspaceFile('none.csv');
    await exec(TestCommand.exportAnswers, { format: 'csv', target: target.toString() });
    await exec(TestCommand.clearMessages);
    assert.equal(await exec(Command.exportResults, other), undefined);
    assert.equal(await exists(target), false);
    assert.match((await testSnapshot()).messages.map((m) => m.message).join('\n'), /README\.md has no results to export yet\. Score the file, then export its results\./);
  });
});
