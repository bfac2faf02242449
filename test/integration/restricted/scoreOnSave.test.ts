/** Score on save in Restricted Mode: a save of a file with results sends nothing and shows nothing. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countVerdicts, responseKey, type RunResult } from '../../../src/core/results';
import { SAVE_DEBOUNCE_MS } from '../../../src/editor/scoreOnSave';
import type { LocalServer } from '../../../src/server';
import { DEMO_EVAL_UUID, DEMO_PROMPTS } from '../../../src/server/ids';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Restricted Mode: score on save', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('aymara').update('scoreOnSave', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('a save of a file that has results sends nothing and shows no message', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const uri = workspaceFile('bot.responses.json');
    const item = {
      key: responseKey({ prompt_uuid: DEMO_PROMPTS.interlock }), prompt_uuid: DEMO_PROMPTS.interlock, thread_uuid: null, turn_number: 1, verdict: 'passed' as const,
      confidence: 0.9, explanation: 'ok', response_uuid: null, next_prompt: null, response_text: 'old text', entry_index: 0, location: null,
    };
    const run: RunResult = {
      eval_uuid: DEMO_EVAL_UUID, eval_run_uuid: 'score_run.seeded', run_name: null, status: 'finished', pass_rate: 1, eval_name: null, eval_type: null,
      created_at: '2026-12-06T10:00:00Z', completed_at: '2026-12-06T10:01:00Z', is_sandbox: false, counts: countVerdicts([item]), items: [item], notes: [],
    };
    await vscode.commands.executeCommand('aymara._test.seedRun', uri.toString(), run);
    // A user setting: workspace settings of restricted configurations are ignored in Restricted Mode anyway.
    await vscode.workspace.getConfiguration('aymara').update('scoreOnSave', 'file', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const before = server.stats.total;
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, doc.positionAt(doc.getText().length), '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await new Promise((r) => setTimeout(r, SAVE_DEBOUNCE_MS + 1500));
    assert.equal(server.stats.total, before, 'no request reached the server');
    assert.deepEqual((await testSnapshot()).messages, [], 'no message (not even the Restricted Mode refusal)');
  });
});
