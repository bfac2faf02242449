/** AYMARA_AI_API_KEY is sent only to the default API origin and to loopback addresses. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { clearMessages, logText } from './helpers';

describe('the AYMARA_AI_API_KEY fallback', function () {
  this.timeout(60_000);
  let server: LocalServer;
  const setting = () => vscode.workspace.getConfiguration('aymara');
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await setting().update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('is not used for another origin: a clear message names the rule and offers to set a key', async () => {
    await setting().update('apiBaseUrl', 'https://aymara.example.invalid', vscode.ConfigurationTarget.Global);
    try {
      await clearMessages();
      assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json')), undefined);
      const msg = (await testSnapshot()).messages.at(-1);
      assert.match(
        msg?.message ?? '',
        /^No Aymara API key is set for https:\/\/aymara\.example\.invalid\. AYMARA_AI_API_KEY is only sent to https:\/\/api\.aymara\.ai and to loopback addresses, so it was not used\. Set a key for https:\/\/aymara\.example\.invalid to score files\.$/,
      );
      assert.ok(msg?.actions.includes('Set API Key'));
    } finally {
      await setting().update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('is used for a loopback origin, and the log says which key source is in use', async () => {
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json')));
    assert.equal(server.runs.count(), 1);
    await waitFor(async () => (await logText()).includes(`Using the API key from AYMARA_AI_API_KEY for ${server.url}.`), 'the key source in the log');
  });
});
