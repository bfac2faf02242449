/**
 * Compare with Previous Run, Compare Runs… and Clear Comparison from every surface package.json
 * gives them (palette: nothing; the results tree's file, run and Changes rows: the row's node),
 * and with arguments they do not understand (a clear message, nothing changed).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Command } from '../../../src/editor/commandIds';
import type { CompareOutcome } from '../../../src/editor/compare';
import { waitFor } from '../util';
import { closeEditors, exec, files, messagesOf, nodeOf, openEditor, prove, proveNothing, record, snapshot, Surface, type Row } from './world';

/** The compare commands prove their row surfaces here, not in the tree rows' generic loop (views.ts). */
export const COMPARE_COMMANDS: ReadonlySet<string> = new Set([Command.compareWithPrevious, Command.compareRuns, Command.clearComparison]);

const two = files.two;
const changesRow = async (uri: vscode.Uri): Promise<Row | undefined> =>
  (await snapshot()).tree.find((r) => r.id === `file|${uri.toString()}`)?.children.find((c) => c.contextValue === 'aymara.changes');
/** The file's runs, newest first. */
const runsOf = async (uri: vscode.Uri): Promise<string[]> => ((await record(uri))?.history ?? []).map((h) => h.eval_run_uuid);

/** Pick the first item of the quick pick whose placeholder is `placeholder`, as a user pressing Enter would. */
async function acceptFirst(placeholder: string): Promise<void> {
  await waitFor(async () => (await snapshot()).picker.placeholder === placeholder, `the picker "${placeholder}"`);
  await new Promise((r) => setTimeout(r, 500));
  await exec('workbench.action.acceptSelectedQuickOpenItem');
}

async function expectCompared(outcome: CompareOutcome | undefined, current: string | undefined, baseline: string | undefined): Promise<void> {
  assert.equal(outcome?.current, current, 'the current run');
  assert.equal(outcome?.baseline, baseline, 'the baseline run');
  const row = await waitFor(() => changesRow(two()), 'the Changes row');
  assert.deepEqual(row.children.map((c) => c.label.replace(/ \(\d+\)$/, '')), ['Newly failing', 'Fixed', 'Still failing', 'Changed', 'Only in one run']);
}

export function compareCommands(): void {
  describe('Compare with Previous Run, Compare Runs…, Clear Comparison', () => {
    before(async () => {
      // Three runs of two.responses.json, so that the second newest has a run before it too.
      for (let n = (await runsOf(two())).length; n < 3; n++) assert.ok(await exec(Command.scoreFile, two()), 'scoring two.responses.json');
    });
    beforeEach(async () => {
      await exec(Command.clearComparison);
      await closeEditors();
    });
    afterEach(() => exec('workbench.action.closeQuickOpen'));
    after(() => exec(Command.clearComparison));

    it('Compare with Previous Run, palette: nothing compares the active editor\'s file\'s latest run with the one before', async () => {
      const [latest, previous] = await runsOf(two());
      await openEditor(two());
      await expectCompared(await exec<CompareOutcome>(Command.compareWithPrevious), latest, previous);
      proveNothing(Command.compareWithPrevious);
    });

    for (const cv of ['aymara.file', 'aymara.run.latest', 'aymara.run']) {
      it(`Compare with Previous Run from the ${Surface.row('3_compare@1', cv)}: that run with the one before it`, async () => {
        const runs = await runsOf(two());
        const node = await nodeOf(cv, two());
        // An old run's row compares that run (the newest old one is listed first) with the run before it.
        const at = cv === 'aymara.run' ? runs.indexOf(node.kind === 'run' ? node.runUuid : '') : 0;
        assert.ok(at >= 0);
        await expectCompared(await exec<CompareOutcome>(Command.compareWithPrevious, node), runs[at], runs[at + 1]);
        prove(Command.compareWithPrevious, Surface.row('3_compare@1', cv));
      });
    }

    it('Compare Runs…, palette and the file row\'s menu: the two runs picked', async () => {
      const [latest, previous] = await runsOf(two());
      await openEditor(two());
      for (const [args, proof] of [[[], () => proveNothing(Command.compareRuns)], [[await nodeOf('aymara.file', two())], () => prove(Command.compareRuns, Surface.row('3_compare@2', 'aymara.file'))]] as const) {
        await exec(Command.clearComparison);
        const done = exec<CompareOutcome | undefined>(Command.compareRuns, ...args);
        await acceptFirst('Pick the current run');
        await acceptFirst('Pick the baseline run');
        await expectCompared(await done, latest, previous);
        proof();
      }
    });

    it('Clear Comparison from the Changes row (inline) and the palette (nothing: every file)', async () => {
      await exec(Command.compareWithPrevious, two());
      await waitFor(() => changesRow(two()), 'the Changes row');
      assert.equal(await exec(Command.clearComparison, await nodeOf('aymara.changes', two())), true);
      assert.equal(await changesRow(two()), undefined, 'the Changes row is gone');
      prove(Command.clearComparison, Surface.row('inline@1', 'aymara.changes'));
      await exec(Command.compareWithPrevious, two());
      await waitFor(() => changesRow(two()), 'the Changes row');
      assert.equal(await exec(Command.clearComparison), true);
      assert.equal(await changesRow(two()), undefined, 'the Changes row is gone');
      proveNothing(Command.clearComparison);
    });

    it('arguments they do not understand, a file with no runs, nothing open: say what to do and change nothing', async () => {
      await exec(Command.compareWithPrevious, two());
      const shown = await waitFor(() => changesRow(two()), 'the Changes row');
      const foreign: [string, unknown[], RegExp][] = [
        [Command.compareWithPrevious, [{ kind: 'file' }], /could not tell which file this command is for; nothing was done/],
        [Command.compareRuns, [42], /could not tell which file this command is for; nothing was done/],
        [Command.clearComparison, ['not a uri'], /could not tell which file this command is for; nothing was done/],
        [Command.compareWithPrevious, [files.notes()], /has no results yet\. Score it/],
        [Command.compareWithPrevious, [], /Open a scored responses file/],
      ];
      for (const [command, args, message] of foreign) {
        const messages = await messagesOf(() => exec(command, ...args));
        assert.match(messages.at(-1)?.message ?? '', message, `${command} with ${JSON.stringify(args)}`);
        assert.equal((await changesRow(two()))?.description, shown.description, 'the comparison is unchanged');
      }
    });
  });
}
