/**
 * Continue Conversation and Score Next Turn with what the palette passes (nothing: the active
 * editor's file, and for Continue the response at the cursor) and arguments no surface passes.
 * Their tree rows are proven with the other row commands in views.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Command } from '../../../src/editor/commandIds';
import type { RunResult } from '../../../src/core/results';
import { closeEditors, ensureScored, exec, files, latestRun, messagesOf, openEditor, proveNothing, world } from './world';

const SCORE = 'POST /v2/eval-runs/-/score-responses';

export function turnCommands(): void {
  describe('Continue Conversation and Score Next Turn', () => {
    before(() => ensureScored(files.chat()));
    after(async () => {
      await exec('workbench.action.files.revert');
      await closeEditors();
    });

    it('palette: (nothing) continues the response at the cursor, then Score Next Turn sends its answer into the same run', async () => {
      const editor = await openEditor(files.chat());
      const doc = editor.document;
      const at = doc.positionAt(doc.getText().indexOf('question.0926c08d'));
      editor.selection = new vscode.Selection(at, at);
      const added = await exec<{ prompt_uuid: string } | undefined>(Command.continueConversation);
      assert.equal(added?.prompt_uuid, 'question.5ca75bf6-4602-4c7a-b7b9-cf57884fa59e');
      proveNothing(Command.continueConversation);
      const run = await latestRun(files.chat());
      await editor.edit((b) => b.insert(editor.selection.active, 'Please ask a pharmacist.'));
      const result = await exec<RunResult | undefined>(Command.scoreNextTurn);
      assert.equal(result?.eval_run_uuid, run, 'the same run');
      assert.equal(result?.items.length, 4);
      proveNothing(Command.scoreNextTurn);
    });

    it('arguments they do not understand: nothing changed or sent, and a message says what to do', async () => {
      const editor = await openEditor(files.chat());
      const text = editor.document.getText();
      const posts = world.server.stats.count(SCORE);
      for (const bad of [42, { kind: 'galaxy', uri: 'x' }]) {
        const m1 = await messagesOf(() => exec(Command.continueConversation, bad));
        assert.match(m1.map((m) => m.message).join('\n'), /could not tell which response to continue; nothing was changed/);
        const m2 = await messagesOf(() => exec(Command.scoreNextTurn, bad));
        assert.match(m2.map((m) => m.message).join('\n'), /could not tell which file this command is for; nothing was sent/);
      }
      assert.equal(editor.document.getText(), text);
      assert.equal(world.server.stats.count(SCORE), posts);
    });
  });
}
