/** Workspace Trust on, folder not trusted: reviewing verdicts is refused with a way out, and nothing is sent. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countVerdicts, responseKey, type ResultItem, type RunResult } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Review in Restricted Mode', () => {
  let server: LocalServer;
  const file = workspaceFile('bot.responses.json');
  const item: ResultItem = {
    key: responseKey({ prompt_uuid: 'question.p1' }), prompt_uuid: 'question.p1', thread_uuid: null, turn_number: 1, verdict: 'failed', confidence: 0.9,
    explanation: 'Unsafe.', response_uuid: 'response.r1', next_prompt: null, response_text: 'x', entry_index: 0, location: null,
  };
  const run: RunResult = {
    eval_uuid: 'test.e', eval_run_uuid: 'score_run.seeded', run_name: null, status: 'finished', pass_rate: 0, eval_name: null, eval_type: null,
    created_at: '2026-12-06T10:00:00Z', completed_at: '2026-12-06T10:01:00Z', is_sandbox: false, counts: countVerdicts([item]), items: [item], notes: [],
  };
  before(async () => {
    server = await useLocalServer();
    await vscode.commands.executeCommand(TestCommand.seedRun, file.toString(), run);
  });
  after(async () => server?.close());

  it('is what this suite runs in', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  for (const [command, words] of [
    [Command.overrideVerdict, /Overriding a verdict is disabled in Restricted Mode.*Trust this workspace/],
    [Command.showVerdictHistory, /Reading a verdict's history is disabled in Restricted Mode.*Trust this workspace/],
  ] as const) {
    it(`${command}: says why, offers to manage trust, asks nothing and sends nothing`, async () => {
      await vscode.commands.executeCommand(TestCommand.clearMessages);
      await vscode.commands.executeCommand(TestCommand.overrideAnswers, { verdict: 'pass', confidence: '0.9', explanation: 'Fine.' });
      await vscode.commands.executeCommand(command, file.toString(), item.key);
      assert.equal(server.stats.total, 0, 'no request reached the server');
      const msg = (await testSnapshot()).messages.at(-1);
      assert.match(msg?.message ?? '', words);
      assert.ok(msg?.actions.includes('Manage Workspace Trust'), JSON.stringify(msg));
      const asked = await vscode.commands.executeCommand<{ steps: string[] }>(TestCommand.overrideAsked);
      assert.deepEqual(asked.steps, []);
      const latest = (await testSnapshot()).records.find((r) => r.uri === file.toString())?.latest;
      assert.equal(latest?.items[0]?.verdict, 'failed');
    });
  }
});
