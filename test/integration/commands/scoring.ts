/**
 * Score Responses File, Select Eval for File and Refresh Results, invoked with what each surface
 * passes: nothing (palette, view title, welcome link), a Uri (editor context menu, a message's Try
 * Again), a Uri and the editor group (editor title), the Explorer's (clicked, selection), the
 * results tree's own row node (the inline beaker), and arguments no surface passes.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Command } from '../../../src/editor/commandIds';
import { waitFor } from '../util';
import { before as stateOf, closeEditors, ensureScored, exec, expectScored, files, messagesOf, nodeOf, openEditor, prove, proveNothing, record, serverRuns, snapshot, Surface, world } from './world';

const ONE = 6; // responses in one.responses.json
const TWO = 2;
const THREE = 3;

export function scoringCommands(): void {
  describe('Score Responses File', () => {
    beforeEach(closeEditors);

    it('explorer/context, one file: (clicked, [clicked]) scores the clicked file', async () => {
      await openEditor(files.two()); // another file is active: it must not be the one scored
      const was = await stateOf(files.one());
      const two = await stateOf(files.two());
      await exec(Command.scoreFile, files.one(), [files.one()]);
      await expectScored(files.one(), was, ONE);
      assert.equal(serverRuns(files.two()), two.serverRuns, 'the active file was not scored');
      prove(Command.scoreFile, Surface.explorer);
    });

    it('explorer/context, multi-select: scores each selected responses file and skips the rest, saying so', async () => {
      const two = await stateOf(files.two());
      const three = await stateOf(files.three());
      const messages = await messagesOf(() => exec(Command.scoreFile, files.two(), [files.three(), files.notes(), files.two()]));
      await expectScored(files.two(), two, TWO);
      await expectScored(files.three(), three, THREE);
      assert.equal(serverRuns(files.notes()), 0);
      assert.ok(
        messages.some((m) => m.severity === 'info' && /Skipped 1 selected item\(s\) that are not \.json or \.jsonl files: notes\.txt/.test(m.message)),
        JSON.stringify(messages),
      );
      prove(Command.scoreFile, Surface.explorerMulti);
    });

    it('explorer/context: a clicked file outside the selection is scored alone', async () => {
      const two = await stateOf(files.two());
      const three = await stateOf(files.three());
      await exec(Command.scoreFile, files.two(), [files.three()]);
      await expectScored(files.two(), two, TWO);
      assert.equal(serverRuns(files.three()), three.serverRuns, 'the selection the click was not part of is left alone');
    });

    it('editor/context: (uri) scores that file, not the active one', async () => {
      await openEditor(files.two());
      const was = await stateOf(files.one());
      const two = await stateOf(files.two());
      await exec(Command.scoreFile, files.one());
      await expectScored(files.one(), was, ONE);
      assert.equal(serverRuns(files.two()), two.serverRuns);
      prove(Command.scoreFile, Surface.editorContext);
    });

    it('editor/title: (uri, {groupId, editorIndex}) of the other editor group scores that group\'s file', async () => {
      await openEditor(files.one(), vscode.ViewColumn.One);
      await openEditor(files.two(), vscode.ViewColumn.Two); // active
      const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === vscode.ViewColumn.One);
      assert.ok(group);
      const was = await stateOf(files.one());
      const two = await stateOf(files.two());
      await exec(Command.scoreFile, files.one(), { groupId: group.viewColumn, editorIndex: 0 });
      await expectScored(files.one(), was, ONE);
      assert.equal(serverRuns(files.two()), two.serverRuns);
      prove(Command.scoreFile, Surface.editorTitle);
    });

    it('palette, view welcome link: nothing scores the active editor\'s file', async () => {
      await openEditor(files.three());
      const was = await stateOf(files.three());
      await exec(Command.scoreFile);
      await expectScored(files.three(), was, THREE);
      proveNothing(Command.scoreFile);
    });

    it('palette with the focus on a panel that is not text (the walkthrough, explanations): the one file visible beside it', async () => {
      await closeEditors();
      await openEditor(files.three());
      // With nothing: the active file's panel, opened beside it with the focus; the file stays visible.
      await exec(Command.showExplanations);
      const layout = () => ({ active: vscode.window.activeTextEditor?.document.uri.path.split('/').pop(), visible: vscode.window.visibleTextEditors.map((e) => e.document.uri.path.split('/').pop()).sort() });
      await waitFor(() => vscode.window.activeTextEditor === undefined && vscode.window.visibleTextEditors.length === 1, 'the panel focused, the file still visible').catch(() => assert.fail(JSON.stringify(layout())));
      const was = await stateOf(files.three());
      await exec(Command.scoreFile);
      await expectScored(files.three(), was, THREE);
      // Two text editors visible and none active: which one is meant is not known, so nothing is sent.
      await closeEditors();
      await openEditor(files.one());
      await vscode.window.showTextDocument(files.three(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
      // With nothing: the panel of the active file, opened beside it with the focus.
      await exec(Command.showExplanations);
      await waitFor(() => vscode.window.activeTextEditor === undefined && vscode.window.visibleTextEditors.length === 2, 'the panel focused, two files visible').catch(() => assert.fail(JSON.stringify(layout())));
      const total = world.server.runs.count();
      const messages = await messagesOf(() => exec(Command.scoreFile));
      assert.equal(world.server.runs.count(), total, 'no run was created');
      assert.match(messages.map((m) => m.message).join('\n'), /Open a responses file/);
    });

    it('palette with two files side by side and the focus in the Output panel: the file of the active tab', async () => {
      await openEditor(files.one(), vscode.ViewColumn.One);
      await openEditor(files.three(), vscode.ViewColumn.Two); // the active tab
      await exec('workbench.action.output.toggleOutput');
      await exec('workbench.panel.output.focus');
      // The Output's own editor has the focus: the extension host's active editor is not a file.
      await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme !== 'file', 'the Output focused');
      const was = await stateOf(files.three());
      const one = await stateOf(files.one());
      await exec(Command.scoreFile);
      await expectScored(files.three(), was, THREE);
      assert.equal(serverRuns(files.one()), one.serverRuns, 'the other visible file was not scored');
      await exec('workbench.action.closePanel');
    });

    it('nothing and no editor open: says what to do and sends nothing', async () => {
      const total = world.server.runs.count();
      const messages = await messagesOf(() => exec(Command.scoreFile));
      assert.equal(world.server.runs.count(), total, 'no run was created');
      assert.deepEqual(
        messages.map((m) => m.message),
        ['Open a responses file (or right-click one in the Explorer) to score it.'],
      );
    });

    it('the inline beaker on a file row of the results tree scores that file (no editor open, or another file active)', async () => {
      await ensureScored(files.two()); // its row is in the tree
      // No editor: before the fix this said "Open a responses file…" and scored nothing.
      const node = await nodeOf('aymara.file', files.two());
      let was = await stateOf(files.two());
      const messages = await messagesOf(() => exec(Command.scoreFile, node));
      assert.deepEqual(messages.filter((m) => m.severity !== 'info'), [], 'no error or warning');
      await expectScored(files.two(), was, TWO);

      // Another file active: the row's file is scored, not the active editor's.
      await openEditor(files.one());
      const one = await stateOf(files.one());
      was = await stateOf(files.two());
      await exec(Command.scoreFile, await nodeOf('aymara.file', files.two()));
      await expectScored(files.two(), was, TWO);
      assert.equal((await stateOf(files.one())).serverRuns, one.serverRuns, 'the active file was not scored');
      prove(Command.scoreFile, Surface.row('inline@2', 'aymara.file'));
    });

    it('arguments it does not understand: scores nothing (not the active file) and says what to do', async () => {
      await openEditor(files.one());
      const total = world.server.runs.count();
      for (const odd of [{ kind: 'file' }, { uri: 42 }, 'not a uri', 7]) {
        const messages = await messagesOf(() => exec(Command.scoreFile, odd));
        assert.equal(world.server.runs.count(), total, `nothing scored for ${JSON.stringify(odd)}`);
        assert.match(messages.at(-1)?.message ?? '', /could not tell which file this command is for; nothing was done\. Open the file and run "Aymara: Score Responses File"/);
      }
    });
  });

  describe('Select Eval for File', () => {
    beforeEach(closeEditors);
    afterEach(() => exec('workbench.action.closeQuickOpen'));

    it('palette: nothing picks the eval of the active editor\'s file, and scoring it then uses that eval', async () => {
      const res = await fetch(`${world.server.url}/v2/evals`, { headers: { 'x-api-key': 'demo-key' } });
      const first = ((await res.json()) as { items: { eval_uuid: string }[] }).items[0]?.eval_uuid;
      assert.ok(first, 'the server lists evals');
      await openEditor(files.bare());
      const listed = world.server.stats.count('GET /v2/evals');
      const picked = exec<string | undefined>(Command.selectEval);
      // The quick pick lists the server's evals; accept the first, as a user pressing Enter would.
      await waitFor(() => world.server.stats.count('GET /v2/evals') > listed, 'the eval list to be fetched');
      await new Promise((r) => setTimeout(r, 1000));
      await exec('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await picked, first);
      assert.equal((await record(files.bare()))?.evalUuid, first, 'remembered for the file');
      const run = (await exec(Command.scoreFile, files.bare())) as { eval_uuid: string } | undefined;
      assert.equal(run?.eval_uuid, first, 'scored against the chosen eval without asking');
      proveNothing(Command.selectEval);
    });

    it('nothing and no editor open: says what to do and asks nothing', async () => {
      const listed = world.server.stats.count('GET /v2/evals');
      const messages = await messagesOf(() => exec(Command.selectEval));
      assert.deepEqual(
        messages.map((m) => m.message),
        ['Open a responses file to choose the eval it is scored against.'],
      );
      assert.equal(world.server.stats.count('GET /v2/evals'), listed, 'no eval list was fetched');
    });
  });

  describe('Refresh Results', () => {
    before(() => ensureScored(files.one(), files.two(), files.three()));
    it('view/title and palette: nothing fetches the results of every scored file again', async () => {
      const scored = (await snapshot()).records.filter((r) => r.latest).map((r) => r.uri);
      assert.ok(scored.length >= 3, `scored files: ${scored.join(', ')}`);
      const fetched = world.server.stats.count('GET /v2/eval-runs/{id}/responses');
      const results = (await exec(Command.refresh)) as { eval_run_uuid: string }[];
      assert.equal(results.length, scored.length);
      assert.equal(world.server.stats.count('GET /v2/eval-runs/{id}/responses'), fetched + scored.length, 'one fetch per scored file');
      for (const uri of scored) {
        const rec = (await snapshot()).records.find((r) => r.uri === uri);
        assert.ok(results.some((r) => r.eval_run_uuid === rec?.latest?.eval_run_uuid), `${uri} refreshed`);
      }
      proveNothing(Command.refresh);
    });

    it('a file: fetches that file\'s run only; arguments it does not understand fetch nothing', async () => {
      const fetched = world.server.stats.count('GET /v2/eval-runs/{id}/responses');
      const results = (await exec(Command.refresh, files.two())) as { eval_run_uuid: string }[];
      assert.deepEqual(results.map((r) => r.eval_run_uuid), [(await record(files.two()))?.latest?.eval_run_uuid]);
      const messages = await messagesOf(() => exec(Command.refresh, { nope: true }));
      assert.equal(world.server.stats.count('GET /v2/eval-runs/{id}/responses'), fetched + 1);
      assert.match(messages.at(-1)?.message ?? '', /could not tell which file/);
    });
  });
}
