/**
 * Add Entries for Unanswered Prompts, invoked with what its surfaces pass: a Uri (editor context
 * menu) and nothing (palette: the active editor's file). The entries land in the named file only,
 * as an unsaved edit that is reverted after each test.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Command } from '../../../src/editor/commandIds';
import { closeEditors, exec, files, messagesOf, openEditor, prove, proveNothing, Surface } from './world';

const text = (uri: vscode.Uri): string => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? '';
const entries = (uri: vscode.Uri): number => (JSON.parse(text(uri)) as { responses: unknown[] }).responses.length;

/** Drop the unsaved edits of these files (the suite's other tests read them from disk). */
async function revert(...uris: vscode.Uri[]): Promise<void> {
  const dirtyDoc = (uri: vscode.Uri) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
  for (const uri of uris) {
    // Under load the editor shown may not be the active one yet when the revert runs: try again
    // until the document is clean (at most 5 times).
    for (let attempt = 0; attempt < 5 && dirtyDoc(uri); attempt++) {
      const editor = await vscode.window.showTextDocument(dirtyDoc(uri)!);
      if (vscode.window.activeTextEditor?.document !== editor.document) await new Promise((r) => setTimeout(r, 200));
      await exec('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await closeEditors();
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.path);
  assert.deepEqual(dirty, [], 'every edit was reverted');
}

export function authoringCommands(): void {
  describe('Add Entries for Unanswered Prompts', () => {
    beforeEach(closeEditors);
    afterEach(() => revert(files.one(), files.two()));

    it('editor/context: (uri) appends the unanswered prompts to that file, not the active one', async () => {
      await openEditor(files.one());
      const oneBefore = text(files.one());
      await vscode.workspace.openTextDocument(files.two());
      const before = entries(files.two());
      let added = 0;
      const messages = await messagesOf(async () => (added = await exec<number>(Command.addUnansweredEntries, files.two())));
      assert.ok(added > 0, `some prompts of the demo eval are unanswered in two.responses.json: ${JSON.stringify(messages)}`);
      assert.equal(entries(files.two()), before + added, 'the file gained one entry per unanswered prompt');
      assert.equal(text(files.one()), oneBefore, 'the other open file is untouched');
      prove(Command.addUnansweredEntries, Surface.editorContext);
    });

    it('palette: (nothing) appends to the active editor\'s file', async () => {
      await openEditor(files.two());
      const before = entries(files.two());
      assert.equal(before, 2, `two.responses.json as on disk: ${text(files.two())}`);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), files.two().toString());
      let added = 0;
      const messages = await messagesOf(async () => (added = await exec<number>(Command.addUnansweredEntries)));
      assert.ok(added > 0, JSON.stringify(messages));
      assert.equal(entries(files.two()), before + added);
      proveNothing(Command.addUnansweredEntries);
    });

    it('palette with no editor open: says to open a responses file and changes nothing', async () => {
      const messages = await messagesOf(() => exec(Command.addUnansweredEntries));
      assert.deepEqual(messages.map((m) => m.message), ['Open a responses file (or right-click one in the Explorer) to add entries to it.']);
      assert.equal(vscode.workspace.textDocuments.filter((d) => d.isDirty).length, 0, 'no document was edited');
    });

    it('an argument no surface passes: says so and changes nothing', async () => {
      await openEditor(files.two());
      const messages = await messagesOf(() => exec(Command.addUnansweredEntries, { not: 'a file' }));
      assert.match(messages.map((m) => m.message).join('\n'), /could not tell which file this command is for; nothing was done/);
      assert.equal(vscode.workspace.textDocuments.filter((d) => d.isDirty).length, 0, 'no document was edited');
    });
  });
}
