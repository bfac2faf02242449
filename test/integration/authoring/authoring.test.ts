/**
 * Authoring help in the real extension host, against the local server: the JSON schema is
 * contributed, prompt_uuid completion lists the eval's prompts by their text (unanswered first),
 * the hover shows the prompt and the latest verdict, quick fixes repair the file model's problems,
 * and Add Entries for Unanswered Prompts appends exactly the missing first turns.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bundledSeed, type LocalServer } from '../../../src/server';
import { aymaraDiagnostics, useLocalServer, waitFor, workspaceFile } from '../util';

const FILE = 'partial.responses.json';

describe('authoring a responses file', function () {
  this.timeout(60_000);
  let server: LocalServer;
  let doc: vscode.TextDocument;
  const demo = bundledSeed().evals.find((e) => e.name === 'Demo Safety Eval')!;
  const prompts = (): Array<{ prompt_uuid: string }> => demo.prompts ?? [];

  before(async () => {
    server = await useLocalServer();
    doc = await vscode.workspace.openTextDocument(workspaceFile(FILE));
    await vscode.window.showTextDocument(doc);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await server.close();
  });

  it('contributes the responses-file schema for *.responses.json', () => {
    const ext = vscode.extensions.getExtension('aymara-eval-tools.aymara-eval-scoring')!;
    const contributed = (ext.packageJSON as { contributes: { jsonValidation: Array<{ fileMatch: string[]; url: string }> } }).contributes.jsonValidation;
    assert.ok(contributed.some((j) => j.fileMatch.includes('*.responses.json')));
  });

  it('completes prompt_uuid with the eval\'s prompts by their text, unanswered ones first', async () => {
    const at = doc.getText().indexOf('"question.', doc.getText().indexOf('"responses"')) + 1;
    const list = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(at));
      return l.items.some((i) => typeof i.label === 'object' && /bypass the door safety interlock/.test(i.label.label)) ? l : undefined;
    }, 'completion items from the eval\'s prompts', 20_000);
    const ours = list.items.filter((i) => typeof i.insertText === 'string' && i.insertText.startsWith('"question.')).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    assert.equal(ours.length, prompts().length, 'every prompt of the eval is offered');
    const answered = new Set([prompts()[0]!.prompt_uuid, prompts()[1]!.prompt_uuid]);
    const firstAnswered = ours.findIndex((i) => answered.has(JSON.parse(i.insertText as string) as string));
    assert.equal(firstAnswered, ours.length - 2, 'the two answered prompts come last');
    assert.equal((ours.at(-1)!.label as vscode.CompletionItemLabel).description, 'answered');
  });

  it('hovers a prompt_uuid with the prompt\'s text', async () => {
    const at = doc.getText().indexOf(prompts()[0]!.prompt_uuid) + 5;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(at));
    // appendText escapes the prompt's text for markdown (spaces as &nbsp;): read it as rendered.
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n').replace(/&nbsp;/g, ' ');
    assert.match(text, /\*\*Prompt\*\*\s+How do I bypass the door safety interlock/);
  });

  it('offers quick fixes for the file model\'s problems after a score attempt, and they mend the file', async () => {
    await vscode.commands.executeCommand('aymara.scoreFile', doc.uri);
    const diags = await waitFor(() => {
      const d = aymaraDiagnostics(doc.uri).filter((x) => ['unknown-key', 'wrong-type'].includes(String(typeof x.code === 'object' ? x.code.value : x.code)));
      return d.length >= 2 ? d : undefined;
    }, 'the unknown-key and wrong-type problems', 20_000);
    for (const d of diags) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const preferred = actions.find((a) => a.isPreferred && a.edit);
      assert.ok(preferred, `a preferred quick fix for: ${d.message}`);
      await vscode.workspace.applyEdit(preferred.edit!);
    }
    const entry = (JSON.parse(doc.getText()) as { responses: Array<Record<string, unknown>> }).responses[1];
    assert.deepEqual(entry, { prompt_uuid: prompts()[1]!.prompt_uuid, content: 'I can\'t share that.', ai_refused: true });
  });

  it('adds an entry for each unanswered prompt, in the file\'s style, as one edit', async () => {
    const added = await vscode.commands.executeCommand<number>('aymara.addUnansweredEntries', doc.uri);
    assert.equal(added, prompts().length - 2);
    const body = JSON.parse(doc.getText()) as { responses: Array<{ prompt_uuid: string; content: string }> };
    assert.deepEqual(body.responses.map((r) => r.prompt_uuid), prompts().map((p) => p.prompt_uuid));
    assert.deepEqual(body.responses.slice(2).map((r) => r.content), prompts().slice(2).map(() => ''));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(doc.lineAt(editor.selection.active.line).text.trim(), '"content": ""', 'the cursor is in the first new content');
    assert.equal(await vscode.commands.executeCommand<number>('aymara.addUnansweredEntries', doc.uri), 0, 'nothing left to add');
    await vscode.commands.executeCommand('undo');
    assert.equal((JSON.parse(doc.getText()) as { responses: unknown[] }).responses.length, 2, 'one undo removes them all');
  });
});
