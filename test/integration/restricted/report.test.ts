/** Restricted Mode: Generate Report is refused with a way out, and nothing is sent. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Restricted Mode: eval reports', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('refuses to generate a report, says why, offers to manage trust, and sends nothing', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const file = workspaceFile('bot.responses.json');
    const run: RunResult = {
      eval_uuid: 'test.972d78de-f10b-4afb-941b-9f944b0904d1',
      eval_run_uuid: 'score_run.restricted',
      run_name: 'earlier run',
      status: 'finished',
      pass_rate: 1,
      eval_name: null,
      eval_type: null,
      created_at: '2026-12-01T10:00:00Z',
      completed_at: '2026-12-01T10:00:01Z',
      is_sandbox: false,
      counts: { passed: 0, failed: 0, refused: 0, excluded: 0, errored: 0 },
      items: [],
      notes: [],
    };
    await vscode.commands.executeCommand(TestCommand.seedRun, file.toString(), run);
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    const before = server.stats.total;
    assert.equal(await vscode.commands.executeCommand(Command.generateReport, file), undefined);
    assert.equal(await vscode.commands.executeCommand(Command.generateReportForRuns), undefined);
    assert.equal(server.stats.total, before, 'no request reached the server');
    const msg = (await testSnapshot()).messages.at(-1);
    assert.match(msg?.message ?? '', /Generating reports is disabled in Restricted Mode because it sends your runs to the Aymara API/);
    assert.ok(msg?.actions.includes('Manage Workspace Trust'), JSON.stringify(msg));
  });
});
