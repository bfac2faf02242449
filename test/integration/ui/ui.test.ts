/**
 * The VS Code surfaces over one scored file, in a real extension host: tree, jumping, next/previous
 * failure, F8, code lenses, diagnostics settings, status bar, remembered evals, edits, renames and deletes.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { aymaraDiagnostics, testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const score = async (uri: vscode.Uri) => (await vscode.commands.executeCommand('aymara.scoreFile', uri)) as RunResult | undefined;
const ADDRESS_PROMPT = 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d';
const BLEACH_PROMPT = 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692';

function entryRange(doc: vscode.TextDocument, promptUuid: string): vscode.Range {
  const text = doc.getText();
  const at = text.indexOf(promptUuid);
  const open = text.lastIndexOf('{', at);
  const close = text.indexOf('}', at) + 1;
  return new vscode.Range(doc.positionAt(open), doc.positionAt(close));
}

describe('results UI in the extension host', () => {
  let server: LocalServer;
  const bot = () => workspaceFile('bot.responses.json');

  before(async () => {
    server = await useLocalServer();
    const r = await score(bot());
    assert.ok(r, 'scoring the fixture failed');
    // prompt texts arrive in the background after scoring
    await waitFor(async () => JSON.stringify((await testSnapshot()).tree).includes('look up her home address'), 'prompt texts in the tree');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });

  describe('tree', () => {
    it('shows file → run → groups with counts, failures first, items labelled by prompt', async () => {
      const { tree } = await testSnapshot();
      const file = tree.find((f) => f.label === 'bot.responses.json');
      assert.ok(file, JSON.stringify(tree.map((t) => t.label)));
      assert.match(String(file.description), /^60% · 2 failed$/);
      const run = file.children[0]!;
      assert.equal(run.contextValue, 'aymara.run.latest');
      assert.match(run.label, /^bot\.responses\.json · \d{4}-\d\d-\d\d/);
      assert.deepEqual(run.children.map((g) => g.label), ['Failed (2)', 'Refused (1)', 'Excluded (1)', 'Passed (2)']);
      const failed = run.children[0]!.children;
      assert.deepEqual(failed.map((i) => i.icon), ['error', 'error']);
      assert.match(failed[0]!.label, /^My neighbour bought the same fridge/);
      assert.match(String(failed[0]!.description), /^\d{2}%$/);
      assert.match((failed[0]!.tooltip ?? '').replace(/&nbsp;/g, ' '), /banned term "her address is"/);
      assert.equal(failed[0]!.command?.command, 'aymara.openResult');
      assert.equal(failed[0]!.parentId, run.children[0]!.id, 'getParent leads back to the group');
      // stable ids: a second snapshot has the same ids
      const again = (await testSnapshot()).tree.find((f) => f.label === 'bot.responses.json')!;
      assert.equal(again.children[0]!.children[0]!.children[0]!.id, failed[0]!.id);
    });

    it('filters to failures only and back, saying so above the tree', async () => {
      assert.ok(!(await testSnapshot()).treeMessage, 'no message while every result is shown');
      await vscode.commands.executeCommand('aymara.results.showFailuresOnly');
      let snap = await testSnapshot();
      let run = snap.tree.find((f) => f.label === 'bot.responses.json')!.children[0]!;
      assert.deepEqual(run.children.map((g) => g.label), ['Failed (2)']);
      const latest = snap.records.map((r) => r.latest).filter((l) => !!l);
      const failed = latest.reduce((n, l) => n + l.counts.failed + l.counts.errored, 0);
      const total = latest.reduce((n, l) => n + l.items.length, 0);
      assert.equal(snap.treeMessage, `Showing failures only: ${failed} of ${total} responses in ${snap.records.filter((r) => r.latest || r.pending).length} file(s).`);
      await vscode.commands.executeCommand('aymara.results.showAll');
      snap = await testSnapshot();
      run = snap.tree.find((f) => f.label === 'bot.responses.json')!.children[0]!;
      assert.equal(run.children.length, 4);
      assert.ok(!snap.treeMessage, `the message is gone: ${snap.treeMessage}`);
    });
  });

  describe('jumping', () => {
    it('opens the file with the entry selected from a tree item', async () => {
      const item = (await testSnapshot()).tree.find((f) => f.label === 'bot.responses.json')!.children[0]!.children[0]!.children[0]!;
      await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
      const editor = await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === bot().toString() && vscode.window.activeTextEditor, 'the editor');
      const expected = entryRange(editor.document, ADDRESS_PROMPT);
      assert.ok(editor.selection.isEqual(expected), `selection ${JSON.stringify(editor.selection)} vs ${JSON.stringify(expected)}`);
      assert.ok(editor.selection.active.isEqual(expected.start), 'the cursor is at the start of the entry');
      const panels = await waitFor(async () => {
        const p = (await testSnapshot()).explanations.panels;
        return p.length ? p : undefined;
      }, 'the explanations panel');
      assert.equal(panels[0]!.fileUri, bot().toString());
      await waitFor(() => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview)), 'the panel tab');
      const groups = vscode.window.tabGroups.all;
      const fileGroup = groups.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === bot().toString()));
      const panelGroup = groups.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview));
      const layout = groups.map((g) => `${g.viewColumn}:[${g.tabs.map((t) => `${t.label}${t.isActive ? '*' : ''}`).join(', ')}]`).join(' ');
      assert.ok(fileGroup && panelGroup && fileGroup !== panelGroup, `the explanation opens beside the file, not over it: ${layout}`);
    });

    it('moves through failing responses with Next/Previous Failing Response, wrapping around', async () => {
      const doc = await vscode.workspace.openTextDocument(bot());
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const address = entryRange(doc, ADDRESS_PROMPT);
      const bleach = entryRange(doc, BLEACH_PROMPT);
      const at = () => vscode.window.activeTextEditor!.selection.start.line;
      await vscode.commands.executeCommand('aymara.nextFailure');
      assert.equal(at(), address.start.line);
      await vscode.commands.executeCommand('aymara.nextFailure');
      assert.equal(at(), bleach.start.line);
      await vscode.commands.executeCommand('aymara.nextFailure');
      assert.equal(at(), address.start.line, 'wraps to the first');
      await vscode.commands.executeCommand('aymara.previousFailure');
      assert.equal(at(), bleach.start.line, 'wraps to the last');
    });

    it('F8 (next problem) walks our diagnostics', async () => {
      const doc = await vscode.workspace.openTextDocument(bot());
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('editor.action.marker.next');
      await waitFor(() => vscode.window.activeTextEditor!.selection.start.line === entryRange(doc, ADDRESS_PROMPT).start.line, 'F8 to land on the first failure');
      await vscode.commands.executeCommand('closeMarkersNavigation');
    });

    it('shows a code lens with the verdict above each scored entry', async () => {
      const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', bot(), 100)) as vscode.CodeLens[];
      const ours = lenses.filter((l) => l.command?.command === 'aymara.showExplanations');
      assert.equal(ours.length, 6);
      const doc = await vscode.workspace.openTextDocument(bot());
      const lens = ours.find((l) => l.range.start.line === entryRange(doc, ADDRESS_PROMPT).start.line);
      assert.match(lens?.command?.title ?? '', /Failed \(\d+%\).*Show explanation/);
    });
  });

  describe('diagnostics settings and status bar', () => {
    afterEach(async () => {
      const c = vscode.workspace.getConfiguration('aymara');
      await c.update('diagnostics.severity', undefined, vscode.ConfigurationTarget.Global);
      await c.update('diagnostics.showPassed', undefined, vscode.ConfigurationTarget.Global);
      await c.update('diagnostics.showRefused', undefined, vscode.ConfigurationTarget.Global);
    });

    it('uses the configured severity and shows passed and refused as hints when asked', async () => {
      assert.deepEqual(aymaraDiagnostics(bot()).map((d) => d.severity), [vscode.DiagnosticSeverity.Error, vscode.DiagnosticSeverity.Error]);
      const c = vscode.workspace.getConfiguration('aymara');
      await c.update('diagnostics.severity', 'warning', vscode.ConfigurationTarget.Global);
      await waitFor(() => aymaraDiagnostics(bot()).every((d) => d.severity === vscode.DiagnosticSeverity.Warning), 'warnings');
      await c.update('diagnostics.showPassed', true, vscode.ConfigurationTarget.Global);
      await c.update('diagnostics.showRefused', true, vscode.ConfigurationTarget.Global);
      const all = await waitFor(() => {
        const d = aymaraDiagnostics(bot());
        return d.length === 5 ? d : undefined;
      }, '2 failures + 2 passes + 1 refusal');
      assert.equal(all.filter((d) => d.severity === vscode.DiagnosticSeverity.Hint).length, 3);
      assert.deepEqual(all.map((d) => String(d.code)).sort(), ['failed', 'failed', 'passed', 'passed', 'refused']);
    });

    it('shows the pass rate and counts of the active file in the status bar', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bot()));
      const s = await waitFor(async () => {
        const snap = await testSnapshot();
        return snap.status.includes('60%') ? snap : undefined;
      }, 'status bar text');
      assert.match(s.status, /60%.*\$\(close\) 2.*\$\(check\) 3/);
    });
  });

  describe('settings sent with the request', () => {
    it('sends is_sandbox and workspace_uuid from the settings', async () => {
      const c = vscode.workspace.getConfiguration('aymara');
      await c.update('sandbox', true, vscode.ConfigurationTarget.Global);
      await c.update('workspaceUuid', 'workspace.e2c1', vscode.ConfigurationTarget.Global);
      try {
        const r = await score(bot());
        assert.equal(r?.is_sandbox, true);
        const run = server.runs.get(r!.eval_run_uuid);
        assert.equal(run?.is_sandbox, true);
        assert.equal(run?.workspace_uuid, 'workspace.e2c1');
      } finally {
        await c.update('sandbox', undefined, vscode.ConfigurationTarget.Global);
        await c.update('workspaceUuid', undefined, vscode.ConfigurationTarget.Global);
      }
      const plain = await score(bot());
      assert.equal(server.runs.get(plain!.eval_run_uuid)?.is_sandbox, false);
    });

    it('Refresh fetches the latest run again from the server', async () => {
      const before = server.stats.count('GET /v2/eval-runs/{id}/responses');
      const refreshed = (await vscode.commands.executeCommand('aymara.refresh', bot())) as RunResult[];
      assert.equal(refreshed.length, 1);
      assert.equal(server.stats.count('GET /v2/eval-runs/{id}/responses'), before + 1);
      assert.deepEqual(refreshed[0]!.counts, { passed: 2, failed: 2, refused: 1, excluded: 1, errored: 0 });
    });
  });

  describe('evals and keys', () => {
    it('scores a bare array with the eval remembered for the file, without asking', async () => {
      const uri = workspaceFile('array.json');
      await vscode.commands.executeCommand('aymara._test.setEval', uri.toString(), 'test.972d78de-f10b-4afb-941b-9f944b0904d1');
      const r = await score(uri);
      assert.equal(r?.eval_uuid, 'test.972d78de-f10b-4afb-941b-9f944b0904d1');
      assert.deepEqual(r?.counts, { passed: 1, failed: 1, refused: 0, excluded: 0, errored: 0 });
    });

    it('uses the key saved for the exact origin, and no other', async () => {
      const saved = process.env.AYMARA_AI_API_KEY;
      delete process.env.AYMARA_AI_API_KEY;
      try {
        await vscode.commands.executeCommand('aymara._test.clearMessages');
        assert.equal(await score(bot()), undefined, 'no key: nothing scored');
        const msg = (await testSnapshot()).messages.at(-1);
        assert.match(msg?.message ?? '', /No Aymara API key is set for http:\/\/127\.0\.0\.1:\d+/);
        assert.ok(msg?.actions.includes('Set API Key'));

        await vscode.commands.executeCommand('aymara._test.setKey', server.url.replace('127.0.0.1', 'localhost'), 'demo-key');
        assert.equal(await score(bot()), undefined, 'a key for another origin is not used');
        await vscode.commands.executeCommand('aymara._test.setKey', server.url, 'demo-key');
        assert.ok(await score(bot()), 'the key saved for this origin is used');
      } finally {
        await vscode.commands.executeCommand('aymara._test.setKey', server.url, undefined);
        await vscode.commands.executeCommand('aymara._test.setKey', server.url.replace('127.0.0.1', 'localhost'), undefined);
        process.env.AYMARA_AI_API_KEY = saved;
      }
    });

    it('offers "Set API Key" when the server rejects the key', async () => {
      const saved = process.env.AYMARA_AI_API_KEY;
      process.env.AYMARA_AI_API_KEY = 'wrong-key-123';
      try {
        await vscode.commands.executeCommand('aymara._test.clearMessages');
        assert.equal(await score(bot()), undefined);
        const msg = (await testSnapshot()).messages.at(-1);
        assert.match(msg?.message ?? '', /HTTP 401/);
        assert.ok(msg?.actions.includes('Set API Key'), JSON.stringify(msg));
        assert.doesNotMatch(msg?.message ?? '', /wrong-key-123/);
      } finally {
        process.env.AYMARA_AI_API_KEY = saved;
      }
    });
  });

  describe('edits, renames and deletes', () => {
    it('re-maps results when the file is edited and marks them stale', async () => {
      const uri = bot();
      await score(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      const before = aymaraDiagnostics(uri).map((d) => d.range.start.line).sort((a, b) => a - b);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(2, 0), '\n\n\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const moved = await waitFor(() => {
        const d = aymaraDiagnostics(uri).map((x) => x.range.start.line).sort((a, b) => a - b);
        return d[0] === (before[0] ?? 0) + 3 ? d : undefined;
      }, 'diagnostics to move down 3 lines');
      assert.deepEqual(moved, before.map((l) => l + 3));
      assert.ok(aymaraDiagnostics(uri).every((d) => /\[stale/.test(d.message)));
      const rec = (await testSnapshot()).records.find((r) => r.uri === uri.toString());
      assert.equal(rec?.stale, true);
      assert.equal(aymaraDiagnostics(uri)[0]!.range.start.line, entryRange(doc, ADDRESS_PROMPT).start.line);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('moves results with a renamed file and drops them with a deleted one', async () => {
      const from = workspaceFile('rename-me.json');
      const to = workspaceFile('renamed.json');
      const r = await score(from);
      assert.equal(r?.counts.failed, 1);
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(from, to);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor(async () => (await testSnapshot()).records.some((x) => x.uri === to.toString()), 'the record to move');
      assert.ok(!(await testSnapshot()).records.some((x) => x.uri === from.toString()));
      await waitFor(() => aymaraDiagnostics(to).length === 1, 'diagnostics on the renamed file');

      const del = new vscode.WorkspaceEdit();
      del.deleteFile(to);
      assert.ok(await vscode.workspace.applyEdit(del));
      await waitFor(async () => !(await testSnapshot()).records.some((x) => x.uri === to.toString()), 'the record to go');
      assert.equal(aymaraDiagnostics(to).length, 0);
    });
  });
});
