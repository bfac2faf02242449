/**
 * Export Results… with what its surfaces pass: nothing (palette: the active editor's file), a
 * tree row's node (file and run rows; proven with the other row commands in views.ts), and
 * arguments no surface passes. The save dialog's answer comes from the private test command.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/editor/commandArgs';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import { workspaceFile } from '../util';
import { closeEditors, ensureScored, exec, files, latestRun, messagesOf, openEditor, prove, proveNothing, Surface } from './world';

/** Export as JSON to a file of the workspace with these arguments; the exported run's id, or undefined when nothing was written. */
export async function exportedRun(name: string, ...args: unknown[]): Promise<string | undefined> {
  return exportedRunWith(Command.exportResults, name, ...args);
}

async function exportedRunWith(command: string, name: string, ...args: unknown[]): Promise<string | undefined> {
  const target = workspaceFile(name);
  await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
  await exec(TestCommand.exportAnswers, { format: 'json', target: target.toString() });
  const written = await exec(command, ...args);
  const text = await vscode.workspace.fs.readFile(target).then((b) => new TextDecoder().decode(b), () => undefined);
  assert.equal(written, text === undefined ? undefined : target.toString());
  return text === undefined ? undefined : (JSON.parse(text) as { eval_run_uuid: string }).eval_run_uuid;
}

/** A row's Export: the row's run (a file row: the latest) written to the chosen file. */
export async function expectRowExport(node: TreeNode): Promise<void> {
  const uri = vscode.Uri.parse(node.uri);
  const want = node.kind === 'run' ? node.runUuid : await latestRun(uri);
  assert.ok(want);
  assert.equal(await exportedRun('row-export.json', node), want);
}

export function exportCommands(): void {
  describe('Export Results…', () => {
    before(() => ensureScored(files.one()));
    beforeEach(closeEditors);

    it('palette: (nothing) exports the latest run of the active editor\'s file', async () => {
      await openEditor(files.one());
      assert.equal(await exportedRun('palette-export.json'), await latestRun(files.one()));
      proveNothing(Command.exportResults);
    });

    it('palette with no editor: says to open a scored file and writes nothing', async () => {
      let run: string | undefined = 'not run';
      const messages = await messagesOf(async () => (run = await exportedRun('none-export.json')));
      assert.equal(run, undefined);
      assert.match(messages.map((m) => m.message).join('\n'), /Open a scored responses file \(or pick one in the Aymara results view\) to export its results\./);
    });

    it('arguments it does not understand: writes nothing and says what to do', async () => {
      for (const bad of [42, { kind: 'run', uri: files.one().toString() }, { kind: 'galaxy', uri: 'x' }]) {
        let run: string | undefined = 'not run';
        const messages = await messagesOf(async () => (run = await exportedRun('bad-export.json', bad)));
        assert.equal(run, undefined, JSON.stringify(bad));
        assert.match(messages.map((m) => m.message).join('\n'), /could not tell which file this command is for; nothing was done\. Open the file and run "Aymara: Export Results…"/);
      }
    });

    it('the explanations panel\'s title bar and the palette (panel active): the run the panel shows', async () => {
      const uri = files.one();
      await exec(Command.showExplanations, uri);
      const want = await latestRun(uri);
      // The editor title passes the webview's (absent) resource and its group: ignored, the active panel decides.
      assert.equal(await exportedRunWith(Command.exportShownResults, 'panel-title-export.json', undefined, { groupId: 1, editorIndex: 0 }), want);
      prove(Command.exportShownResults, Surface.editorTitle);
      assert.equal(await exportedRunWith(Command.exportShownResults, 'panel-palette-export.json'), want);
      proveNothing(Command.exportShownResults);
    });

    it('the panel\'s export with no panel active: says how to open one and writes nothing', async () => {
      await openEditor(files.one());
      let run: string | undefined = 'not run';
      const messages = await messagesOf(async () => (run = await exportedRunWith(Command.exportShownResults, 'no-panel-export.json')));
      assert.equal(run, undefined);
      assert.match(messages.map((m) => m.message).join('\n'), /No explanations panel is active\. Open one \(Aymara: Show Explanations\), then export from its title bar/);
    });

    it('a run that is not stored here: says so and writes nothing', async () => {
      const node = { kind: 'run', uri: files.one().toString(), runUuid: 'score_run.unknown', latest: false };
      let run: string | undefined = 'not run';
      const messages = await messagesOf(async () => (run = await exportedRun('gone-export.json', node)));
      assert.equal(run, undefined);
      assert.match(messages.map((m) => m.message).join('\n'), /The results of that run are no longer stored here, so there is nothing to export\./);
    });
  });
}
