/**
 * The iteration loop's trend and categories in a real extension host, against the local server:
 * a file of the Demo Accuracy Eval (whose prompts have categories) scored, improved and scored
 * again. The explanations panel's model carries the pass rate of both runs and this run's rate
 * per category; the results tree groups the run by category and back. (Drawing the charts and
 * sorting the cards happen in the webview's DOM: test/e2e/charts.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebviewModel } from '../../../src/core/report/webviewModel';
import type { RunResult } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const score = async (uri: vscode.Uri) => (await vscode.commands.executeCommand(Command.scoreFile, uri)) as RunResult | undefined;
const kettle = () => workspaceFile('kettle.responses.json');

/** Rows of the file's latest run: [label, contextValue, children's labels]. */
async function runRows(): Promise<{ label: string; contextValue: string | undefined; id: string | undefined; children: string[]; childParents: (string | undefined)[] }[]> {
  const file = (await testSnapshot()).tree.find((f) => f.label === 'kettle.responses.json');
  const run = file?.children.find((r) => r.contextValue === 'aymara.run.latest');
  assert.ok(run, 'the latest run is in the tree');
  return run.children.map((g) => ({ label: g.label, contextValue: g.contextValue, id: g.id, children: g.children.map((c) => c.label), childParents: g.children.map((c) => c.parentId) }));
}

describe('trend and categories in the extension host', () => {
  let server: LocalServer;
  let first: RunResult | undefined;
  let second: RunResult | undefined;

  before(async () => {
    server = await useLocalServer();
    first = await score(kettle());
    assert.ok(first, 'the first scoring failed');
    // Improve one answer (the "obscure" prompt now names Portugal) and score again.
    const doc = await vscode.workspace.openTextDocument(kettle());
    const at = doc.getText().indexOf('assembled in China');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(kettle(), new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'assembled in China'.length)), 'assembled in Portugal');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    second = await score(kettle());
    assert.ok(second, 'the second scoring failed');
    // The server judged the runs as the fixture intends: 3 of 6, then 4 of 6 passing.
    assert.deepEqual([first.counts.passed, first.counts.failed, second.counts.passed, second.counts.failed], [3, 3, 4, 2]);
    // Prompt texts and categories arrive in the background after scoring.
    await waitFor(async () => JSON.stringify((await testSnapshot()).tree).includes('capacity of the KettlePro'), 'prompt texts in the tree', 20_000);
  });
  after(async () => {
    await vscode.commands.executeCommand(Command.groupByVerdict);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });

  it('the explanations model carries the pass rate of each run, oldest first, and the rate per category', async () => {
    await vscode.commands.executeCommand(Command.showExplanations, kettle().toString());
    const model = await waitFor(async () => {
      const p = (await testSnapshot()).explanations.panels.find((x) => x.fileUri === kettle().toString() && x.ready && x.posted);
      const m = p?.posted ? (JSON.parse(p.posted) as { model?: WebviewModel }).model : undefined;
      return m && m.runUuid === second?.eval_run_uuid && m.categories ? m : undefined;
    }, 'the panel to receive the model with categories', 20_000);
    assert.deepEqual(
      model.trend?.map((p) => [p.runUuid, p.rate, p.passing, p.failing]),
      [
        [first?.eval_run_uuid, '50%', 3, 3],
        [second?.eval_run_uuid, '66.7%', 4, 2],
      ],
    );
    assert.deepEqual(
      model.categories?.map((c) => [c.label, c.rate]),
      [
        ['complex', '100%'],
        ['contextual', '0%'],
        ['easy', '100%'],
        ['obscure', '100%'],
        ['opinion', '0%'],
        ['unanswerable', '100%'],
      ],
    );
  });

  it('groups the results tree by category when toggled, remembers it, and back by verdict', async () => {
    assert.deepEqual((await runRows()).map((r) => r.contextValue), ['aymara.group.failed', 'aymara.group.passed'], 'by verdict at first');

    await vscode.commands.executeCommand(Command.groupByCategory);
    const rows = await runRows();
    assert.deepEqual(rows.map((r) => r.label), ['complex (1)', 'contextual (1)', 'easy (1)', 'obscure (1)', 'opinion (1)', 'unanswerable (1)']);
    assert.ok(rows.every((r) => r.contextValue === 'aymara.category'));
    const opinion = rows.find((r) => r.label.startsWith('opinion'));
    assert.deepEqual(opinion?.children, ['Is the KettlePro 3000 the best kettle you can buy?']);
    assert.equal(opinion?.childParents[0], opinion?.id, 'getParent leads back to the category row');
    const stored = (await vscode.commands.executeCommand(TestCommand.stateSizes)) as Record<string, number>;
    assert.ok('aymara.groupByCategory' in stored, 'the choice is kept in workspace state');

    // Failures only still applies: only categories with failures, holding only failures.
    await vscode.commands.executeCommand(Command.showFailuresOnly);
    assert.deepEqual((await runRows()).map((r) => r.label), ['contextual (1)', 'opinion (1)']);
    await vscode.commands.executeCommand(Command.showAll);

    await vscode.commands.executeCommand(Command.groupByVerdict);
    assert.deepEqual((await runRows()).map((r) => r.label), ['Failed (2)', 'Passed (4)']);
  });

  it('reveals a response under its category row when grouped by category', async () => {
    await vscode.commands.executeCommand(Command.groupByCategory);
    const key = second?.items.find((i) => i.prompt_uuid === 'question.c97e257c-c74d-43f1-829e-bc590da58316')?.key;
    assert.ok(key);
    await vscode.commands.executeCommand('aymara.results.focus');
    await vscode.commands.executeCommand(TestCommand.revealInTree, kettle().toString(), key);
    const selected = (await vscode.commands.executeCommand(TestCommand.selection)) as string[];
    assert.ok(selected.some((id) => id.endsWith(`|${key}`)), selected.join(', '));
    await vscode.commands.executeCommand(Command.groupByVerdict);
  });
});
