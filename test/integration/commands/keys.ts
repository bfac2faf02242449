/**
 * Set API Key, Clear API Key and Show Log: palette-only commands (nothing passed), also run by the
 * buttons of error messages and the view's welcome link.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import { waitFor } from '../util';
import { closeEditors, exec, messagesOf, proveNothing, world } from './world';

const origin = () => new URL(world.server.url).origin;
const hasKey = async () => (await exec(TestCommand.hasKey, origin())) as boolean;

export function keyCommands(): void {
  describe('Set API Key, Clear API Key, Show Log', () => {
    afterEach(() => exec(TestCommand.setKey, origin(), undefined));

    it('Set API Key (palette): asks for the key in a password box and stores nothing when it is dismissed', async () => {
      // The box cannot be typed into from the extension host; typing and saving is walked in a real browser (e2e keysAndEvals).
      assert.equal(await hasKey(), false);
      let settled = false;
      const asked = Promise.resolve(exec(Command.setApiKey)).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(settled, false, 'the command waits for the user: an input box is open');
      await exec('workbench.action.closeQuickOpen');
      await asked;
      assert.equal(await hasKey(), false, 'nothing stored');
      proveNothing(Command.setApiKey);
    });

    it('Clear API Key (palette): removes the key saved for the configured origin', async () => {
      await exec(TestCommand.setKey, origin(), 'a-key-to-clear-123');
      assert.equal(await hasKey(), true);
      await exec(Command.clearApiKey);
      assert.equal(await hasKey(), false);
      proveNothing(Command.clearApiKey);
    });

    it('Show Log (palette): shows the Aymara output channel', async () => {
      const shown = () => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'output' && /Aymara/.test(e.document.uri.path));
      await exec('workbench.action.closePanel');
      await waitFor(() => !shown(), 'no output channel on screen');
      await exec(Command.showLog);
      await waitFor(shown, 'the Aymara output channel on screen');
      proveNothing(Command.showLog);
    });

    it('a palette command run while the log has focus does not take the log for a responses file', async () => {
      await closeEditors(); // with a file's tab active, that file is scored (see Score Responses File)
      await exec(Command.showLog);
      await exec('workbench.panel.output.focus');
      await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === 'output', 'the log to be the active editor');
      const total = world.server.runs.count();
      const messages = await messagesOf(() => exec(Command.scoreFile));
      assert.equal(world.server.runs.count(), total);
      assert.deepEqual(messages.map((m) => m.message), ['Open a responses file (or right-click one in the Explorer) to score it.']);
      await exec('workbench.action.closePanel');
    });
  });
}
