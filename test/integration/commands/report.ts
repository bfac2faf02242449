/**
 * Generate Report, Generate Report for Runs… and Export Report as Markdown with what their
 * surfaces pass: nothing (palette), the Explorer's (clicked, [clicked]) and (clicked, selection),
 * the editor menu's Uri, and the results tree's file and run rows (proven in views.ts through
 * `expectRowReport`). Each gives a finished report over the runs a user would expect.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/editor/commandArgs';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { ReportOutcome } from '../../../src/editor/report';
import { workspaceFile } from '../util';
import { closeEditors, ensureScored, exec, files, latestRun, openEditor, prove, proveNothing, Surface } from './world';

async function generate(...args: unknown[]): Promise<ReportOutcome | undefined> {
  return exec<ReportOutcome | undefined>(Command.generateReport, ...args);
}

/** A row's Generate Report: a finished report over the row's run (a file row: the file's latest). */
export async function expectRowReport(node: TreeNode): Promise<void> {
  const want = node.kind === 'run' ? node.runUuid : await latestRun(vscode.Uri.parse(node.uri));
  const outcome = await generate(node);
  assert.equal(outcome?.status, 'finished', JSON.stringify(outcome));
  assert.deepEqual(outcome.runs, [want]);
}

/** A file row's Generate Report for Runs…: the file's latest run is picked to begin with; the picked runs are reported on. */
export async function expectRowReportForRuns(node: TreeNode): Promise<void> {
  const latest = await latestRun(vscode.Uri.parse(node.uri));
  assert.ok(latest);
  await exec(TestCommand.reportAnswers, { runs: [latest] });
  const outcome = await exec<ReportOutcome | undefined>(Command.generateReportForRuns, node);
  assert.equal(outcome?.status, 'finished', JSON.stringify(outcome));
  assert.deepEqual(outcome.runs, [latest]);
}

export function reportCommands(): void {
  describe('Generate Report, Generate Report for Runs…, Export Report as Markdown', () => {
    before(() => ensureScored(files.one(), files.two()));
    beforeEach(closeEditors);

    it('palette: (nothing) reports on the active editor\'s file', async () => {
      await openEditor(files.one());
      assert.deepEqual((await generate())?.runs, [await latestRun(files.one())]);
      proveNothing(Command.generateReport);
    });

    it('Explorer (clicked, [clicked]) and the editor menu (uri): the file\'s latest run', async () => {
      const want = [await latestRun(files.one())];
      assert.deepEqual((await generate(files.one(), [files.one()]))?.runs, want);
      prove(Command.generateReport, Surface.explorer);
      assert.deepEqual((await generate(files.one()))?.runs, want);
      prove(Command.generateReport, Surface.editorContext);
    });

    it('Explorer (clicked, selection): one report over each selected file\'s latest run', async () => {
      const outcome = await generate(files.two(), [files.one(), files.two()]);
      assert.equal(outcome?.status, 'finished');
      assert.deepEqual(outcome.runs, [await latestRun(files.two()), await latestRun(files.one())]);
      prove(Command.generateReport, Surface.explorerMulti);
    });

    it('Generate Report for Runs… from the palette: the picked runs of any files', async () => {
      const runs = [await latestRun(files.one()), await latestRun(files.two())];
      await exec(TestCommand.reportAnswers, { runs });
      const outcome = await exec<ReportOutcome | undefined>(Command.generateReportForRuns);
      assert.deepEqual(outcome?.runs, runs);
      proveNothing(Command.generateReportForRuns);
    });

    it('Export Report as Markdown from the palette: the report view shown last', async () => {
      const outcome = await generate(files.one());
      assert.ok(outcome?.reportUuid);
      const target = workspaceFile('palette-report.md');
      await exec(TestCommand.reportAnswers, { target: target.toString() });
      assert.equal(await exec(Command.exportReportMarkdown), target.toString());
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      assert.match(text, /^# Aymara eval report\n/);
      assert.ok(text.includes(outcome.reportUuid.replace(/[.]/g, '\\.').replace(/_/g, '\\_').replace(/-/g, '\\-')), 'the report\'s id is in it');
      proveNothing(Command.exportReportMarkdown);
    });
  });
}
