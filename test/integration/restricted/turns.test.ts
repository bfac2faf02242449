/** Restricted Mode blocks Score Next Turn as it blocks scoring: refused with a way out, nothing sent. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestCommand } from '../../../src/editor/commandIds';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Restricted Mode: Score Next Turn', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('refuses to send the next turns, says why, offers to manage trust', async () => {
    const uri = workspaceFile('chat.jsonl');
    const first = { prompt_uuid: 'question.a', thread_uuid: 'conversation.t', turn_number: 1 };
    const lines = [JSON.stringify({ prompt_uuid: 'question.a', content: 'hi' }), JSON.stringify({ prompt_uuid: 'question.b', thread_uuid: 'conversation.t', turn_number: 2, content: 'answered' })];
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${lines.join('\n')}\n`));
    const location = { offset: 0, length: lines[0]!.length, line: 1, column: 1, pointer: '/0' };
    const run: RunResult = {
      eval_uuid: 'test.e', eval_run_uuid: 'score_run.r', run_name: null, status: 'finished', pass_rate: 1, eval_name: null, eval_type: null,
      created_at: '2025-01-01T00:00:00Z', completed_at: '2025-01-01T00:00:01Z', is_sandbox: false,
      counts: { failed: 0, errored: 0, refused: 0, excluded: 0, passed: 1 }, notes: [],
      items: [{ key: 'question.a\u0000\u00001', ...first, verdict: 'passed', confidence: 0.9, explanation: 'ok', response_uuid: 'answer.a', response_text: 'hi', entry_index: 0, location,
        next_prompt: { prompt_uuid: 'question.b', thread_uuid: 'conversation.t', turn_number: 2, content: 'And then?' } }],
    };
    await vscode.commands.executeCommand(TestCommand.seedRun, uri.toString(), run);
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    const before = server.stats.total;
    assert.equal(await vscode.commands.executeCommand('aymara.scoreNextTurn', uri), undefined);
    assert.equal(server.stats.total, before, 'no request reached the server');
    const msg = (await testSnapshot()).messages.at(-1);
    assert.match(msg?.message ?? '', /Restricted Mode/);
    assert.ok(msg?.actions.includes('Manage Workspace Trust'), JSON.stringify(msg));
  });
});
