/**
 * Test Explorer in the real extension host against the local server: a scored file's entries are
 * test items labelled by their prompts, every run is published as a TestRun (failed entries with
 * their explanation at the entry), VS Code's own Run All and Rerun Failed Tests score through the
 * Run profile (the rerun sends only the failures), and items follow edits without rescoring.
 * Nothing is built before VS Code asks for the items (the Testing view is first shown).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestCommand } from '../../../src/editor/commandIds';
import type { TestExplorerSnapshot } from '../../../src/editor/testExplorer';
import { bundledSeed, type LocalServer } from '../../../src/server';
import { useLocalServer, waitFor, workspaceFile } from '../util';

const FILE = workspaceFile('bot.responses.json');
const demo = bundledSeed().evals.find((e) => e.name === 'Demo Safety Eval')!;
const ADDRESS = 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d';
const AMMONIA = 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692';

const explorer = async (): Promise<TestExplorerSnapshot> => (await vscode.commands.executeCommand(TestCommand.testExplorer)) as TestExplorerSnapshot;
const fileItem = async () => (await explorer()).items.find((i) => i.id === FILE.toString());
const promptText = (uuid: string): string => demo.prompts?.find((p) => p.prompt_uuid === uuid)?.content ?? '';
const lineOfPrompt = (doc: vscode.TextDocument, uuid: string): number => doc.positionAt(doc.getText().indexOf(`"${uuid}"`)).line;
const sentPrompts = (server: LocalServer, runUuid: string): string[] => (server.runs.responses(runUuid) ?? []).map((r) => r.prompt_uuid).sort();

describe('Test Explorer', function () {
  this.timeout(120_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await server?.close();
  });

  it('shows a scored file\'s entries as test items labelled by their prompts, at their entries', async () => {
    assert.equal(await fileItem(), undefined, 'no item before the file is scored');
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', FILE), 'scored');
    // Until VS Code asks for the items (the Testing view is shown), scoring builds none.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await fileItem(), undefined, 'nothing built while the Testing view was never shown');
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    const doc = await vscode.workspace.openTextDocument(FILE);
    const file = await waitFor(async () => {
      const f = await fileItem();
      // Labels turn from prompt ids into prompt texts once the eval's prompts are fetched.
      return f?.children.some((c) => c.label === promptText(ADDRESS).slice(0, 120)) ? f : undefined;
    }, 'the file\'s items labelled by prompt text', 30_000);
    assert.equal(file.label, 'bot.responses.json');
    assert.equal(file.children.length, 6, 'one item per entry');
    const address = file.children.find((c) => c.id.includes(ADDRESS))!;
    assert.equal(address.line, lineOfPrompt(doc, ADDRESS) - 1, 'placed at the entry (its opening brace)');
  });

  it('publishes the run: failures with their explanation at the entry, refused passes, excluded is skipped', async () => {
    const run = await waitFor(async () => (await explorer()).runs.find((r) => !r.fromProfile), 'a published run');
    const failed = run.states.filter((s) => s.state === 'failed');
    assert.deepEqual(failed.map((s) => decodeURIComponent(s.id.split('#entry=')[1] ?? '').split('\u0000')[0]).sort(), [ADDRESS, AMMONIA].sort());
    assert.match(failed.find((s) => s.id.includes(ADDRESS))?.message ?? '', /^Failed: .*her address is/i);
    assert.equal(run.states.filter((s) => s.state === 'skipped').length, 1, 'the excluded entry');
    assert.equal(run.states.filter((s) => s.state === 'passed').length, 3, 'passed and refused');
  });

  it('Run All (VS Code\'s command) scores each file through the Run profile, as one new run', async () => {
    const before = server.runs.count();
    const published = (await explorer()).runs.length;
    await vscode.commands.executeCommand('testing.runAll');
    const run = await waitFor(async () => (await explorer()).runs.slice(published).find((r) => r.fromProfile), 'the profile\'s run', 60_000);
    assert.equal(server.runs.count(), before + 1, 'one new run on the server');
    assert.equal(run.states.length, 6);
    assert.equal((await explorer()).runs.slice(published).filter((r) => !r.fromProfile).length, 0, 'not published twice');
  });

  it('Rerun Failed Tests sends only the failed entries, and the file shows the merged view', async () => {
    const before = server.runs.count();
    const published = (await explorer()).runs.length;
    await vscode.commands.executeCommand('testing.reRunFailTests');
    const run = await waitFor(async () => (await explorer()).runs.slice(published).find((r) => r.fromProfile), 'the rerun', 60_000);
    assert.equal(server.runs.count(), before + 1);
    const snap = (await vscode.commands.executeCommand(TestCommand.snapshot)) as { records: { uri: string; latest?: { eval_run_uuid: string; items: unknown[]; merged?: { rescored: number } } }[] };
    const latest = snap.records.find((r) => r.uri === FILE.toString())?.latest;
    assert.deepEqual(sentPrompts(server, latest?.eval_run_uuid ?? ''), [ADDRESS, AMMONIA].sort(), 'only the failures were sent');
    assert.deepEqual(run.states.map((s) => s.state), ['failed', 'failed']);
    assert.equal(latest?.items.length, 6, 'the other entries keep their verdicts');
    assert.equal(latest?.merged?.rescored, 2);
    const tree = (await vscode.commands.executeCommand(TestCommand.snapshot)) as { tree: { label: string; children: { description?: string }[] }[] };
    assert.match(tree.tree.find((f) => f.label === 'bot.responses.json')?.children[0]?.description ?? '', /merged view/, 'the tree labels the merged pass rate');
  });

  it('items follow an edit of the file without rescoring', async () => {
    const doc = await vscode.workspace.openTextDocument(FILE);
    const editor = await vscode.window.showTextDocument(doc);
    const before = server.runs.count();
    const was = (await fileItem())!.children.find((c) => c.id.includes(ADDRESS))!.line!;
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '\n\n\n'));
    await waitFor(async () => (await fileItem())?.children.find((c) => c.id.includes(ADDRESS))?.line === was + 3, 'the item three lines lower', 15_000);
    assert.equal(server.runs.count(), before, 'nothing was scored');
  });
});
