/**
 * The commands of the results tree, the explanations and navigation, invoked with what each
 * surface passes: the tree's own row nodes (every row kind a view/item/context entry of
 * package.json is shown on), a row's click (its TreeItem.command), a code lens, an explanations
 * card, Next/Previous Failing Response, and nothing (palette, view title, keybinding).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { TreeNode } from '../../../src/editor/commandArgs';
import { Command, TestCommand, WorkbenchCommand } from '../../../src/editor/commandIds';
import { aymaraDiagnostics, waitFor } from '../util';
import { COMPARE_COMMANDS } from './compare';
import { expectRowExport } from './export';
import { expectRowReport, expectRowReportForRuns } from './report';
import { expectRowHistory, expectRowOverride } from './review';
import {
  closeEditors,
  ensureScored,
  exec,
  expectFailedOnly,
  expectScored,
  extensionManifest,
  files,
  messagesOf,
  nodeOf,
  openEditor,
  panelFor,
  panels,
  prove,
  proveNothing,
  record,
  ROW_CONTEXT_VALUES,
  rowMatches,
  before as stateOf,
  snapshot,
  Surface,
  treeNodes,
  world,
  type Row,
} from './world';

const fileOfNode = (n: TreeNode) => vscode.Uri.parse(n.uri);
const keyOfNode = (n: TreeNode) => (n.kind === 'item' ? n.key : undefined);

/** Each row menu command, run with a row's node, and what a user notices after it. */
const ROW_COMMANDS: Record<string, (node: TreeNode) => Promise<void>> = {
  [Command.showExplanations]: async (node) => {
    await exec(Command.showExplanations, node);
    await panelFor(fileOfNode(node), keyOfNode(node));
  },
  [Command.scoreFile]: async (node) => {
    const uri = fileOfNode(node);
    const was = await stateOf(uri);
    const responses = (await record(uri))?.latest?.items.length;
    assert.ok(responses);
    await exec(Command.scoreFile, node);
    await expectScored(uri, was, responses);
  },
  // Every run of one.responses.json fails the same entries, so an old run's failures are the latest's.
  [Command.scoreFailedOnly]: (node) => expectFailedOnly(fileOfNode(node), () => exec(Command.scoreFailedOnly, node)),
  [Command.exportResults]: expectRowExport,
  [Command.generateReport]: expectRowReport,
  [Command.generateReportForRuns]: expectRowReportForRuns,
  [Command.overrideVerdict]: expectRowOverride,
  [Command.showVerdictHistory]: expectRowHistory,
  [Command.clearResults]: async (node) => {
    const uri = fileOfNode(node);
    const others = (await snapshot()).records.length - 1;
    await exec(Command.clearResults, node);
    assert.equal(await record(uri), undefined, 'the file\'s results are gone');
    assert.ok(!(await treeNodes()).some((r) => r.node.uri === node.uri), 'its rows are gone');
    assert.equal((await snapshot()).records.length, others, 'the other files keep their results');
    await waitFor(() => aymaraDiagnostics(uri).length === 0, 'its diagnostics to go');
    await exec(Command.scoreFile, uri); // back, for the tests after this one
  },
  // A response of chat.responses.json with a next prompt: its next turn is written into the file.
  [Command.continueConversation]: async (node) => {
    const doc = await vscode.workspace.openTextDocument(fileOfNode(node));
    const before = doc.getText().length;
    const added = await exec<{ key: string } | undefined>(Command.continueConversation, node);
    assert.ok(added && doc.getText().length > before, 'the next turn is in the file');
    assert.ok(doc.getText().includes('"turn_number": 2'));
    await exec('workbench.action.files.revert');
  },
  // one.responses.json has no conversation: nothing is sent, and the message says what to do.
  [Command.scoreNextTurn]: async (node) => {
    const posts = world.server.stats.count('POST /v2/eval-runs/-/score-responses');
    const messages = await messagesOf(() => exec(Command.scoreNextTurn, node));
    assert.match(messages.map((m) => m.message).join('\n'), /has no answered next turn to score/);
    assert.equal(world.server.stats.count('POST /v2/eval-runs/-/score-responses'), posts);
  },
};

/** three.responses.json's latest run again, with its first response no longer in the file. */
async function seedDetached(): Promise<string> {
  const latest = (await record(files.three()))?.latest;
  assert.ok(latest);
  const items = latest.items.map((i, n) => (n === 0 ? { ...i, location: null, entry_index: null } : i));
  const run: RunResult = { ...latest, eval_run_uuid: `${latest.eval_run_uuid}.detached`, items };
  await exec(TestCommand.seedRun, files.three().toString(), run);
  return items[0]!.key;
}

function failingOffsets(run: RunResult | undefined): number[] {
  return (run?.items ?? [])
    .filter((i) => (i.verdict === 'failed' || i.verdict === 'errored') && i.location)
    .map((i) => i.location!.offset)
    .sort((a, b) => a - b);
}

export function viewCommands(): void {
  describe('results tree rows (view/item/context, inline and menu)', () => {
    let detachedKey = '';
    before(async () => {
      await ensureScored(files.one(), files.three(), files.chat());
      await exec(Command.showAll);
      detachedKey = await seedDetached();
    });
    // chat.responses.json's run lists conversations, not verdict groups: the later tests of the tree read verdict groups.
    after(() => exec(Command.clearResults, files.chat()));
    beforeEach(closeEditors);

    const entries = extensionManifest().contributes.menus['view/item/context'] ?? [];
    it('package.json shows each row command on at least one row kind', async () => {
      assert.ok(entries.length >= 3, `${entries.length} row commands`);
      for (const entry of entries) assert.ok(ROW_CONTEXT_VALUES.some((cv) => rowMatches(entry.when, cv)), `${entry.command} is shown on no row`);
      assert.equal(keyOfNode(await nodeOf('aymara.item.detached', files.three())), detachedKey, 'a response no longer in its file has its own row kind');
    });

    // The compare commands' rows need a comparison or several runs first: proven in compare.ts.
    for (const entry of entries.filter((e) => !COMPARE_COMMANDS.has(e.command))) {
      for (const cv of ROW_CONTEXT_VALUES.filter((c) => rowMatches(entry.when, c))) {
        it(`${entry.command} from the ${Surface.row(entry.group, cv)}, with the tree's own node`, async () => {
          const run = ROW_COMMANDS[entry.command];
          assert.ok(run, `no effect check for ${entry.command} on a row: add one to ROW_COMMANDS`);
          // Rows of one.responses.json (it names its eval, so Clear's re-score asks nothing); the detached row is three's.
          await run(await nodeOf(cv, cv === 'aymara.item.detached' ? files.three() : cv === 'aymara.item.continue' ? files.chat() : files.one()));
          prove(entry.command, Surface.row(entry.group, cv));
        });
      }
    }

    it('passes the file of any row kind (also runs, old runs and verdict groups) to Show Explanations', async () => {
      for (const cv of ['aymara.run.latest', 'aymara.run', 'aymara.group.failed', 'aymara.group.passed']) {
        await closeEditors();
        const node = await nodeOf(cv);
        await exec(Command.showExplanations, node);
        await panelFor(fileOfNode(node));
      }
    });
  });

  describe('Show Explanations', () => {
    before(() => ensureScored(files.one(), files.two()));
    beforeEach(closeEditors);

    it('tree row click on a run: (URI string) opens the panel of that file', async () => {
      const run = (await snapshot()).tree.find((r) => r.id === `file|${files.one().toString()}`)?.children[0];
      assert.equal(run?.command?.command, Command.showExplanations);
      await exec(run.command.command, ...(run.command.arguments ?? []));
      const p = await panelFor(files.one());
      assert.equal(p.runUuid, (await record(files.one()))?.latest?.eval_run_uuid);
      prove(Command.showExplanations, Surface.rowClick);
    });

    it('code lens: (URI string, key) opens the panel scrolled to that response', async () => {
      const lenses = (await exec('vscode.executeCodeLensProvider', files.one(), 100)) as vscode.CodeLens[];
      const lens = lenses.find((l) => l.command?.command === Command.showExplanations);
      assert.ok(lens?.command?.arguments);
      const [, key] = lens.command.arguments as [string, string];
      await exec(lens.command.command, ...lens.command.arguments);
      await panelFor(files.one(), key);
      prove(Command.showExplanations, Surface.codeLens);
    });

    it('palette: nothing opens the panel of the active editor\'s file; with no editor it says what to do', async () => {
      await openEditor(files.two());
      await exec(Command.showExplanations);
      await panelFor(files.two());
      proveNothing(Command.showExplanations);

      await closeEditors();
      const messages = await messagesOf(() => exec(Command.showExplanations));
      assert.deepEqual(messages.map((m) => m.message), ['Open a scored responses file (or pick one in the Aymara results view) to see its explanations.']);
      assert.equal((await panels()).length, 0);
    });
  });

  describe('Go to Response, Open Result, Show Explanation', () => {
    before(() => ensureScored(files.one()));
    beforeEach(closeEditors);

    it('tree row click on a response (Open Result): (URI string, key) selects the entry and opens its explanation', async () => {
      const fileRow = (await snapshot()).tree.find((r) => r.id === `file|${files.one().toString()}`);
      const item: Row | undefined = fileRow?.children[0]?.children[0]?.children[0];
      assert.equal(item?.command?.command, Command.openResult);
      const [, key] = item.command.arguments as [string, string];
      await exec(item.command.command, ...(item.command.arguments ?? []));
      const location = (await record(files.one()))?.latest?.items.find((i) => i.key === key)?.location;
      assert.ok(location);
      const editor = await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === files.one().toString() && vscode.window.activeTextEditor, 'the file');
      assert.equal(editor.document.offsetAt(editor.selection.start), location.offset);
      assert.equal(editor.document.offsetAt(editor.selection.end), location.offset + location.length);
      await panelFor(files.one(), key);
      prove(Command.openResult, Surface.rowClick);
    });

    it('explanations card (Go to Response): the card\'s reveal selects the entry in the file', async () => {
      await exec(Command.showExplanations, files.one().toString());
      const latest = (await record(files.one()))?.latest;
      const target = latest?.items.find((i) => i.location && i.verdict === 'passed');
      assert.ok(target?.location);
      await waitFor(async () => (await panelFor(files.one())).ready, 'the webview to be ready');
      assert.equal(await exec(TestCommand.explanationsMessage, files.one().toString(), { type: 'reveal', key: target.key }), true);
      const editor = await waitFor(() => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.toString() === files.one().toString() && e.document.offsetAt(e.selection.start) === target.location?.offset ? e : undefined;
      }, 'the entry to be selected');
      assert.equal(editor.document.offsetAt(editor.selection.end), target.location.offset + target.location.length);
      prove(Command.revealEntry, Surface.card);
    });

    it('without a response: Go to Response and Open Result say what to do; Show Explanation answers false', async () => {
      for (const command of [Command.revealEntry, Command.openResult]) {
        const messages = await messagesOf(() => exec(command, files.one()));
        assert.deepEqual(messages.map((m) => m.message), ['Pick a response in the Aymara results view or in the explanations to go to it.'], command);
      }
      assert.equal(vscode.window.activeTextEditor, undefined, 'no file was opened');
      assert.equal(await exec(Command.focusExplanation, files.one().toString()), false);
    });
  });

  describe('Next and Previous Failing Response', () => {
    before(() => ensureScored(files.one()));
    beforeEach(closeEditors);

    it('palette, view title, F4 / Shift+F4: nothing moves through the active file\'s failures, the tree and the open explanation follow', async () => {
      const failing = failingOffsets((await record(files.one()))?.latest);
      assert.ok(failing.length >= 2);
      // The results view on screen (as when its title's button is used), so the tree can follow.
      await exec(WorkbenchCommand.focusResults);
      await exec(Command.showExplanations, files.one().toString());
      await panelFor(files.one());
      const editor = await openEditor(files.one());
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const at = () => vscode.window.activeTextEditor!.document.offsetAt(vscode.window.activeTextEditor!.selection.start);

      const key = (await exec(Command.nextFailure)) as string;
      assert.equal(at(), failing[0]);
      await panelFor(files.one(), key);
      // The tree follows in the background (a reveal through the workbench): slow on a loaded machine.
      await waitFor(async () => ((await exec(TestCommand.selection)) as string[]).some((id) => id.endsWith(`|${key}`)), 'the response selected in the tree', 30_000);
      prove(Command.focusExplanation, Surface.navigation);
      proveNothing(Command.nextFailure);

      const last = (await exec(Command.previousFailure)) as string;
      assert.equal(at(), failing[failing.length - 1], 'wraps around to the last failure');
      await panelFor(files.one(), last);
      proveNothing(Command.previousFailure);
    });

    it('with no editor open: opens the first scored file with failures at its first failure', async () => {
      await exec(Command.nextFailure);
      const editor = await waitFor(() => vscode.window.activeTextEditor, 'a file to open');
      const rec = (await snapshot()).records.find((r) => r.uri === editor.document.uri.toString());
      assert.equal(editor.document.offsetAt(editor.selection.start), failingOffsets(rec?.latest)[0]);
    });
  });

  describe('Show Failures Only, Show All Results', () => {
    before(() => ensureScored(files.one()));
    it('view title and palette: nothing filters every run to its failures and back', async () => {
      const groups = async () => (await snapshot()).tree.flatMap((f) => f.children.filter((r) => r.contextValue === 'aymara.run.latest').flatMap((r) => r.children.map((g) => g.contextValue)));
      await exec(Command.showFailuresOnly);
      const only = await groups();
      assert.ok(only.length > 0 && only.every((g) => g === 'aymara.group.failed' || g === 'aymara.group.errored'), only.join(', '));
      proveNothing(Command.showFailuresOnly);
      await exec(Command.showAll);
      assert.ok((await groups()).includes('aymara.group.passed'));
      proveNothing(Command.showAll);
    });
  });

  describe('Group by Category, Group by Verdict', () => {
    before(() => ensureScored(files.one()));
    it('view title and palette: nothing groups every run by prompt category and back by verdict', async () => {
      const groups = async () => (await snapshot()).tree.flatMap((f) => f.children.filter((r) => r.contextValue === 'aymara.run.latest').flatMap((r) => r.children.map((g) => g.contextValue)));
      await exec(Command.groupByCategory);
      const byCategory = await groups();
      assert.ok(byCategory.length > 0 && byCategory.every((g) => g === 'aymara.category'), byCategory.join(', '));
      proveNothing(Command.groupByCategory);
      await exec(Command.groupByVerdict);
      const byVerdict = await groups();
      assert.ok(byVerdict.length > 0 && byVerdict.every((g) => g?.startsWith('aymara.group.')), byVerdict.join(', '));
      proveNothing(Command.groupByVerdict);
    });
  });
}

export function clearCommands(): void {
  describe('Clear Results', () => {
    before(() => ensureScored(files.one(), files.two(), files.three()));
    it('arguments it does not understand: clears nothing and says what to do', async () => {
      const count = (await snapshot()).records.length;
      const messages = await messagesOf(() => exec(Command.clearResults, { kind: 'file' }));
      assert.equal((await snapshot()).records.length, count, 'nothing was cleared');
      assert.match(messages.at(-1)?.message ?? '', /could not tell which file this command is for; nothing was done/);
    });

    it('view title and palette: nothing clears every file\'s results, rows and diagnostics', async () => {
      assert.ok((await snapshot()).records.length >= 3);
      await exec(Command.clearResults);
      const s = await snapshot();
      assert.deepEqual(s.records, []);
      assert.deepEqual(s.tree, []);
      for (const uri of [files.one(), files.two(), files.three()]) await waitFor(() => aymaraDiagnostics(uri).length === 0, 'diagnostics to go');
      proveNothing(Command.clearResults);
    });
  });
}
