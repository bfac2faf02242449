/** Workspace Trust on, folder not trusted: scoring must be refused with a way out, and nothing sent. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { useLocalServer, workspaceFile } from '../util';

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
    const snap = (await vscode.commands.executeCommand('aymara._test.snapshot')) as { messages: { message: string; actions: string[] }[] };
    const msg = snap.messages.at(-1);
    assert.match(msg?.message ?? '', /Restricted Mode/);
    assert.ok(msg?.actions.includes('Manage Workspace Trust'), JSON.stringify(msg));
  });

  it('ignores workspace values of restricted settings and of the API base URL', () => {
    const c = vscode.workspace.getConfiguration('aymara');
    assert.equal(c.get('workspaceUuid'), '', 'restrictedConfigurations keeps the repo from choosing the workspace');
    assert.equal(c.inspect('apiBaseUrl')?.globalValue, server.url);
  });

  it('does not resume pending runs in an untrusted workspace', async () => {
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(server.stats.total, 0);
  });
});
