/**
 * Score Failed Only with what its other surfaces pass: nothing (palette: the active editor's
 * file), a Uri and the editor group (editor title overflow), nothing to rescore, and arguments no
 * surface passes. Its tree rows are proven with the other row commands (views.ts).
 */
import * as assert from 'node:assert/strict';
import { Command } from '../../../src/editor/commandIds';
import { closeEditors, ensureScored, exec, expectFailedOnly, files, messagesOf, openEditor, prove, proveNothing, Surface, world } from './world';

export function failedOnlyCommands(): void {
  describe('Score Failed Only', () => {
    before(() => ensureScored(files.one()));
    beforeEach(closeEditors);

    it('palette: (nothing) sends only the active file\'s failures as a new run', async () => {
      await openEditor(files.one());
      await expectFailedOnly(files.one(), () => exec(Command.scoreFailedOnly));
      proveNothing(Command.scoreFailedOnly);
    });

    it('editor/title: (uri, {groupId, editorIndex}) sends only that file\'s failures', async () => {
      await openEditor(files.two());
      await expectFailedOnly(files.one(), () => exec(Command.scoreFailedOnly, files.one(), { groupId: 0, editorIndex: 0 }));
      prove(Command.scoreFailedOnly, Surface.editorTitle);
    });

    it('a file with no results: says to score it first and sends nothing', async () => {
      await openEditor(files.bare());
      const runs = world.server.runs.count();
      const messages = await messagesOf(() => exec(Command.scoreFailedOnly));
      assert.equal(world.server.runs.count(), runs);
      assert.match(messages.map((m) => m.message).join('\n'), /bare\.json has no results yet\. Score the whole file first\./);
    });

    it('arguments it does not understand: sends nothing and says what to do', async () => {
      const runs = world.server.runs.count();
      const messages = await messagesOf(() => exec(Command.scoreFailedOnly, 42));
      assert.equal(world.server.runs.count(), runs);
      assert.match(messages.map((m) => m.message).join('\n'), /could not tell which file this command is for; nothing was done\. Open the file and run "Aymara: Score Failed Only"/);
    });
  });
}
