/**
 * Every file of the malformed corpus (test/fixtures/bad/cases.json), scored through the real
 * extension: a diagnostic at the exact place the manifest names, a message, and no request sent.
 * Also: a file over the size limit is refused from its size alone.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, workspaceFile } from '../util';

interface Case {
  file: string;
  code: string;
  line: number;
  column: number;
  message: string;
}
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const corpus = path.join(repoRoot, 'test', 'fixtures', 'bad');
const cases = JSON.parse(fs.readFileSync(path.join(corpus, 'cases.json'), 'utf8')) as Case[];

describe('malformed files in the extension', function () {
  this.timeout(120_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
    server.reset();
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    for (const c of cases) fs.copyFileSync(path.join(corpus, c.file), path.join(folder, c.file));
  });
  after(async () => server?.close());

  it('has a corpus of at least 25 cases', () => assert.ok(cases.length >= 25, String(cases.length)));

  for (const c of cases) {
    it(`${c.file}: ${c.code} at ${c.line}:${c.column}, nothing sent`, async () => {
      const uri = workspaceFile(c.file);
      await vscode.commands.executeCommand('aymara._test.clearMessages');
      const result = await vscode.commands.executeCommand('aymara.scoreFile', uri);
      assert.equal(result, undefined);
      assert.equal(server.stats.total, 0, 'no request reached the server');
      const snap = await testSnapshot();
      const msg = snap.messages.at(-1)?.message ?? '';
      if (c.code === 'not-utf8') {
        assert.match(msg, /not UTF-8.*nothing was sent/);
        return;
      }
      assert.match(msg, /problem\(s\), so nothing was sent/);
      const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Aymara' && d.severity === vscode.DiagnosticSeverity.Error);
      const hit = errors.find((d) => d.range.start.line === c.line - 1 && d.range.start.character === c.column - 1 && String(d.code) === c.code);
      assert.ok(hit, `no ${c.code} error at ${c.line}:${c.column}; got ${errors.map((d) => `${String(d.code)}@${d.range.start.line + 1}:${d.range.start.character + 1}`).join(', ')}`);
      assert.match(hit.message, new RegExp(c.message, 'i'));
    });
  }

  it('refuses a file over the size limit without reading it, and says how to proceed', async () => {
    const c = vscode.workspace.getConfiguration('aymara');
    await c.update('maxFileSizeMB', 1, vscode.ConfigurationTarget.Global);
    const big = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'big.json');
    // A sparse 2 MB file: reading it in full would take far longer than its size check.
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, 2 * 1024 * 1024);
    fs.closeSync(fd);
    try {
      await vscode.commands.executeCommand('aymara._test.clearMessages');
      assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', vscode.Uri.file(big)), undefined);
      const snap = await testSnapshot();
      const msg = snap.messages.at(-1);
      assert.match(msg?.message ?? '', /larger than the 1 MB limit, so it was not read and nothing was sent/);
      assert.ok(msg?.actions.includes('Open Settings'));
      assert.equal(server.stats.total, 0);
    } finally {
      await c.update('maxFileSizeMB', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
