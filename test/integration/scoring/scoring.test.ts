import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { aymaraDiagnostics, lineOf, useLocalServer, waitFor, workspaceFile } from '../util';

describe('Score Responses File against the local server', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await server?.close();
  });

  it('puts an Error diagnostic with the explanation on each failing entry, exactly on its object', async () => {
    const uri = workspaceFile('bot.responses.json');
    const result = (await vscode.commands.executeCommand('aymara.scoreFile', uri)) as RunResult | undefined;
    assert.ok(result, 'the command returned no result');
    assert.equal(result.status, 'finished');
    assert.deepEqual(result.counts, { passed: 2, failed: 2, refused: 1, excluded: 1, errored: 0 });

    const diags = await waitFor(() => {
      const d = aymaraDiagnostics(uri);
      return d.length === 2 ? d : undefined;
    }, 'two Aymara diagnostics');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    diags.sort((a, b) => a.range.start.line - b.range.start.line);

    // Entry 2 spans lines "{" … "}" over four lines; entry 3 is a one-line object.
    const second = text.indexOf('question.874b6e61');
    const secondOpen = text.lastIndexOf('{', second);
    const secondClose = text.indexOf('}', second) + 1;
    assert.deepEqual(
      [diags[0]!.range.start, diags[0]!.range.end].map((p) => [p.line, p.character]),
      [doc.positionAt(secondOpen), doc.positionAt(secondClose)].map((p) => [p.line, p.character]),
    );
    assert.equal(diags[0]!.range.start.line, lineOf(doc, 'question.874b6e61') - 1);
    const third = text.indexOf('{ "prompt_uuid": "question.5fa5a7f7');
    assert.equal(diags[1]!.range.start.line, doc.positionAt(third).line);
    assert.equal(diags[1]!.range.start.character, doc.positionAt(third).character);
    assert.equal(diags[1]!.range.end.line, diags[1]!.range.start.line, 'a one-line entry stays on one line');

    for (const d of diags) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(d.source, 'Aymara');
      assert.equal(d.code, 'failed');
      assert.match(d.message, /^Failed \(\d+%\): /);
    }
    assert.match(diags[0]!.message, /her address is/i, 'the explanation names the banned term');
    assert.match(diags[1]!.message, /add ammonia/i);
  });

  it('sends one scoring request per run and nothing for passing, refused or excluded entries as diagnostics', async () => {
    const before = server.stats.count('POST /v2/eval-runs/-/score-responses');
    const uri = workspaceFile('bot.responses.json');
    await vscode.commands.executeCommand('aymara.scoreFile', uri);
    assert.equal(server.stats.count('POST /v2/eval-runs/-/score-responses'), before + 1);
    const messages = aymaraDiagnostics(uri).map((d) => d.message);
    assert.equal(messages.length, 2);
    assert.ok(!messages.some((m) => /refused|excluded|^Passed/i.test(m)), messages.join('\n'));
  });
});
