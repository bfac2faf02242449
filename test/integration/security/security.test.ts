/** Where the key may go, and where it must never appear. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startServer, type LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const SECRET = 'sk-test-5ecret-KEY-do-not-leak-7f3a9';

function filesUnder(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe('security', () => {
  let server: LocalServer;
  let attacker: LocalServer;
  before(async () => {
    server = await useLocalServer(SECRET);
    attacker = await startServer({ port: 0, apiKey: 'attacker' });
  });
  after(async () => {
    await server?.close();
    await attacker?.close();
  });

  it('a workspace .vscode/settings.json cannot change where the key is sent', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const settings = vscode.Uri.joinPath(folder, '.vscode', 'settings.json');
    // The attacker's file also sets a harmless resource setting: once that one is in effect, the
    // file has been read, and whatever it could do to the base URL has been done.
    await vscode.workspace.fs.writeFile(settings, Buffer.from(JSON.stringify({ 'aymara.apiBaseUrl': attacker.url, 'aymara.diagnostics.showPassed': true })));
    try {
      const c = () => vscode.workspace.getConfiguration('aymara');
      await waitFor(() => c().inspect('diagnostics.showPassed')?.workspaceValue === true, 'the workspace settings file to take effect');
      // First defence: the setting's application scope makes VS Code itself drop the workspace
      // value (were it ever delivered, the extension reads the user value only).
      assert.equal(c().inspect('apiBaseUrl')?.workspaceValue, undefined, `VS Code ignores the workspace's ${attacker.url}`);
      assert.equal(c().get('apiBaseUrl'), server.url);
      const result = (await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'))) as { eval_run_uuid?: string } | undefined;
      assert.equal(attacker.stats.total, 0, 'the workspace-chosen origin got nothing');
      assert.equal(server.runs.count(), 1, 'the user-chosen origin scored the file');
      assert.equal(result?.eval_run_uuid, server.runs.list()[0]?.eval_run_uuid);
    } finally {
      await vscode.workspace.fs.delete(settings);
      await waitFor(() => vscode.workspace.getConfiguration('aymara').inspect('diagnostics.showPassed')?.workspaceValue === undefined, 'the workspace settings to be gone');
    }
  });

  it('refuses a plain-http base URL that is not loopback, sending nothing', async () => {
    const c = vscode.workspace.getConfiguration('aymara');
    await c.update('apiBaseUrl', 'http://api.example.com', vscode.ConfigurationTarget.Global);
    try {
      const before = server.stats.total;
      await vscode.commands.executeCommand('aymara._test.clearMessages');
      assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json')), undefined);
      const msg = (await testSnapshot()).messages.at(-1);
      assert.match(msg?.message ?? '', /Refusing to send the API key over plain http/);
      assert.ok(msg?.actions.includes('Open Settings'));
      assert.equal(server.stats.total, before);
    } finally {
      await c.update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('does not carry the key across a redirect to another origin', async () => {
    server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'redirect', location: attacker.url, status: 307 });
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'));
    assert.equal(attacker.stats.total, 0);
    const msg = (await testSnapshot()).messages.at(-1);
    assert.match(msg?.message ?? '', /redirect .* not followed/);
  });

  it('never writes the key to logs, state or messages', async () => {
    // a failing call and a successful one, so errors and results are all logged
    server.faults.add({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'status', status: 401, code: 'auth.invalid_key', message: `bad key ${SECRET}` });
    await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'));
    await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'));
    const snap = await testSnapshot();
    assert.ok(!JSON.stringify(snap.messages).includes(SECRET), 'messages');
    assert.ok(!JSON.stringify(snap.records).includes(SECRET), 'stored records');
    // give the log writers a moment, then search everything the window wrote to disk
    await new Promise((r) => setTimeout(r, 1500));
    const userData = path.resolve(snap.dirs.globalStorage, '..', '..', '..');
    const roots = [userData, snap.dirs.log];
    const files = roots.flatMap((r) => filesUnder(r));
    assert.ok(files.length > 5, `searched ${files.length} files under ${roots.join(', ')}`);
    const logs = files.filter((f) => /Aymara\.log$/.test(f));
    assert.ok(logs.length >= 1, 'the Aymara log file exists');
    assert.match(fs.readFileSync(logs[0]!, 'utf8'), /Scoring bot\.responses\.json/);
    for (const f of files) {
      const size = fs.statSync(f).size;
      if (size > 50 * 1024 * 1024) continue;
      assert.ok(!fs.readFileSync(f).includes(SECRET), `the key appears in ${f}`);
    }
  });
});
