/** Restricted Mode and workspace pictures: scoring an image answers file uploads nothing and scores nothing. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

describe('Restricted Mode: image answers from workspace files', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('sends no file and no score request, and says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const result = await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('images.responses.json'));
    assert.equal(result, undefined);
    assert.equal(server.stats.total, 0, 'no upload and no other request reached the server');
    assert.match((await testSnapshot()).messages.at(-1)?.message ?? '', /Restricted Mode/);
  });
});
