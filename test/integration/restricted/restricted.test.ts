/** Workspace Trust on, folder not trusted: scoring must be refused with a way out, and nothing sent. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { seedPendingRun } from '../pendingRun';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Restricted Mode', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('is what this suite runs in', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('refuses to score, says why, offers to manage trust, and sends nothing', async () => {
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const result = await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'));
    assert.equal(result, undefined);
    assert.equal(server.stats.total, 0, 'no request reached the server');
    const snap = await testSnapshot();
    const msg = snap.messages.at(-1);
    assert.match(msg?.message ?? '', /Restricted Mode/);
    assert.ok(msg?.actions.includes('Manage Workspace Trust'), JSON.stringify(msg));
  });

  it('ignores workspace values of restricted settings and of the API base URL', () => {
    const c = vscode.workspace.getConfiguration('aymara');
    assert.equal(c.get('workspaceUuid'), '', 'restrictedConfigurations keeps the repo from choosing the workspace');
    assert.equal(c.inspect('apiBaseUrl')?.globalValue, server.url);
  });

  it('does not resume a pending run left by a reload: nothing sent, the run is not polled, no results', async () => {
    // Workspace Trust cannot be granted from inside a test, so resuming once trusted is proven
    // by the resume suite (same seed, trusted workspace).
    const seed = await seedPendingRun(server, workspaceFile('bot.responses.json'));
    // What the extension runs after activation, on demand (the startup run came before the seed).
    await vscode.commands.executeCommand('aymara._test.resumePending');
    assert.equal(server.stats.total, seed.requestsBefore, 'no request reached the server');
    assert.equal(server.runs.get(seed.runUuid)?.status, 'processing', 'the run was not polled');
    const records = (await testSnapshot()).records;
    assert.ok(!records.some((r) => r.latest?.eval_run_uuid === seed.runUuid), JSON.stringify(records));
  });
});
