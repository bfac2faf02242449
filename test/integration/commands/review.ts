/**
 * Override Verdict… and Show Verdict History with what their surfaces pass here: a response row's
 * node (proven with the other row commands in views.ts) and nothing (the palette: a response of
 * the active editor's file, picked). Every surface and argument kind, the errors and the effects
 * are proven in depth by the review suite; this proves the commands suite's coverage.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/editor/commandArgs';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { FormAsked } from '../../../src/editor/override/form';
import { closeEditors, ensureScored, exec, files, openEditor, proveNothing, record, world } from './world';

const HISTORY = 'GET /v2/eval-runs/{id}/responses/{response}/history';

/** A row's Override Verdict…: the form opens for that row's response (Escape at its first step: nothing sent). */
export async function expectRowOverride(node: TreeNode): Promise<void> {
  assert.equal(node.kind, 'item');
  const key = (node as { key: string }).key;
  const item = (await record(vscode.Uri.parse(node.uri)))?.latest?.items.find((i) => i.key === key);
  assert.ok(item, 'the row\'s response');
  await exec(TestCommand.overrideAnswers, { verdict: null });
  assert.equal(await exec(Command.overrideVerdict, node), 'dismissed');
  const asked = await exec<FormAsked>(TestCommand.overrideAsked);
  assert.match(asked.steps[0] ?? '', /^Override Verdict \(1\/3\)/, JSON.stringify(asked));
}

/** A row's Show Verdict History: the history of that row's response is asked for. */
export async function expectRowHistory(node: TreeNode): Promise<void> {
  const key = (node as { key: string }).key;
  const item = (await record(vscode.Uri.parse(node.uri)))?.latest?.items.find((i) => i.key === key);
  assert.ok(item?.response_uuid, 'the row\'s response has an id');
  const before = world.server.stats.count(HISTORY);
  await exec(Command.showVerdictHistory, node);
  assert.equal(world.server.stats.count(HISTORY), before + 1, 'one history request');
  const last = world.server.stats.recent().filter((r) => r.route === HISTORY).at(-1);
  assert.ok(last?.path.includes(encodeURIComponent(item.response_uuid)), `${last?.path} is about ${item.response_uuid}`);
}

export function reviewCommands(): void {
  describe('Override Verdict… and Show Verdict History', () => {
    before(() => ensureScored(files.one()));
    beforeEach(closeEditors);

    it('palette: (nothing) picks a response of the active editor\'s file, then the form opens for it', async () => {
      await openEditor(files.one());
      const run = (await record(files.one()))?.latest;
      const first = run?.items[0];
      assert.ok(first);
      await exec(TestCommand.overrideAnswers, { entry: first.key, verdict: null });
      assert.equal(await exec(Command.overrideVerdict), 'dismissed');
      const asked = await exec<FormAsked>(TestCommand.overrideAsked);
      assert.equal(asked.entries.length, run!.items.length);
      assert.match(asked.steps[1] ?? '', /^Override Verdict \(1\/3\)/);
      proveNothing(Command.overrideVerdict);

      await exec(TestCommand.overrideAnswers, { entry: first.key });
      const before = world.server.stats.count(HISTORY);
      const rows = await exec<unknown[] | undefined>(Command.showVerdictHistory);
      assert.deepEqual(rows, [], 'no person changed it');
      assert.equal(world.server.stats.count(HISTORY), before + 1);
      proveNothing(Command.showVerdictHistory);
    });
  });
}
