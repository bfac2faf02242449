/**
 * Test Explorer when the Testing view is open before anything is scored: the view asks the
 * "Aymara" controller for its items when it is shown, and the first scored file's entries and
 * its run then appear without the user touching the view again. (Creating the controller only at
 * the first score was tried to save activation time: VS Code does not ask a controller created
 * while the view is already open for its items, and this test failed.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestCommand } from '../../../src/editor/commandIds';
import type { TestExplorerSnapshot } from '../../../src/editor/testExplorer';
import type { LocalServer } from '../../../src/server';
import { useLocalServer, waitFor, workspaceFile } from '../util';

const FILE = workspaceFile('bot.responses.json');
const explorer = async (): Promise<TestExplorerSnapshot> => (await vscode.commands.executeCommand(TestCommand.testExplorer)) as TestExplorerSnapshot;

describe('Test Explorer, Testing view open before the first score', function () {
  this.timeout(120_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await server?.close();
  });

  it('shows the first scored file\'s entries and run in the open Testing view', async () => {
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    assert.deepEqual((await explorer()).items, [], 'nothing before the first score');
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', FILE), 'scored');
    const file = await waitFor(async () => (await explorer()).items.find((i) => i.id === FILE.toString()), 'the file\'s items, asked for by the open view', 30_000);
    assert.equal(file.children.length, 6, 'one item per entry');
    const run = await waitFor(async () => (await explorer()).runs.find((r) => !r.fromProfile), 'the run published');
    assert.equal(run.states.filter((s) => s.state === 'failed').length, 2, 'its two failures published');
  });
});
