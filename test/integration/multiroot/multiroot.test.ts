/** Two folders, each with a file named responses.json: results stay apart, per file. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { aymaraDiagnostics, testSnapshot, useLocalServer, waitFor } from '../util';

describe('multi-root workspace', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('opens both folders', () => {
    assert.deepEqual(vscode.workspace.workspaceFolders?.map((f) => f.name), ['alpha', 'beta']);
  });

  it('scores same-named files in different folders separately', async () => {
    const [alpha, beta] = vscode.workspace.workspaceFolders!.map((f) => vscode.Uri.joinPath(f.uri, 'responses.json'));
    const a = (await vscode.commands.executeCommand('aymara.scoreFile', alpha)) as RunResult;
    const b = (await vscode.commands.executeCommand('aymara.scoreFile', beta)) as RunResult;
    assert.equal(a.counts.failed, 2);
    assert.equal(b.counts.failed, 1);
    await waitFor(() => aymaraDiagnostics(alpha!).length === 2 && aymaraDiagnostics(beta!).length === 1, 'diagnostics in both folders');
    const snap = await testSnapshot();
    assert.equal(snap.tree.length, 2, 'one tree entry per file');
    assert.deepEqual(snap.tree.map((t) => t.description).sort(), ['alpha · 60% · 2 failed', 'beta · 50% · 1 failed']);
    await vscode.commands.executeCommand('aymara.results.clear', { kind: 'file', uri: beta!.toString() });
    await waitFor(() => aymaraDiagnostics(beta!).length === 0, 'beta cleared');
    assert.equal(aymaraDiagnostics(alpha!).length, 2, 'alpha untouched');
  });
});
