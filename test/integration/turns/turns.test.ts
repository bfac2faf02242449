/**
 * Multi-turn conversations in the real extension host, against the local server: Continue
 * Conversation from every kind of argument writes the next turn into the file; Score Next Turn
 * sends the answered turns into the same run until the 3-turn conversations end; bad cases send
 * nothing (or nothing twice) and say what to do.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestCommand } from '../../../src/editor/commandIds';
import type { RunResult } from '../../../src/core/results';
import { MULTITURN_EVAL_UUID, MULTITURN_THREADS as T, type LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const CONTINUE = 'aymara.continueConversation';
const NEXT = 'aymara.scoreNextTurn';

interface Continued {
  key: string;
  line: number;
  prompt_uuid: string;
  thread_uuid: string;
  turn_number: number;
}

interface NodeRow {
  id: string | undefined;
  contextValue: string | undefined;
  node: { kind: string; key?: string };
}

async function lastMessage(): Promise<{ severity: string; message: string; actions: string[] }> {
  const m = (await testSnapshot()).messages.at(-1);
  assert.ok(m, 'a message was shown');
  return m;
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

const continueLenses = async (uri: vscode.Uri) => (await lenses(uri)).filter((l) => l.command?.command === CONTINUE);

/** Type `answer` into every empty content of the document (the placeholders Continue wrote). */
async function answerAll(doc: vscode.TextDocument, answer: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  const text = doc.getText();
  for (let at = text.indexOf('"content": ""'); at >= 0; at = text.indexOf('"content": ""', at + 1)) {
    edit.insert(doc.uri, doc.positionAt(at + '"content": "'.length), answer);
  }
  for (let at = text.indexOf('"content":""'); at >= 0; at = text.indexOf('"content":""', at + 1)) {
    edit.insert(doc.uri, doc.positionAt(at + '"content":"'.length), answer);
  }
  assert.ok(await vscode.workspace.applyEdit(edit));
}

describe('multi-turn conversations', function () {
  this.timeout(90_000);
  let server: LocalServer;
  let doc: vscode.TextDocument;
  let first: RunResult;
  const uri = () => workspaceFile('chat.responses.json');

  before(async () => {
    server = await useLocalServer();
    doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand<RunResult | undefined>('aymara.scoreFile', uri());
    assert.ok(r, 'the first turns are scored');
    first = r;
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('offers Continue on each response with a next prompt (code lens, code action, tree) and groups the tree by thread', async () => {
    assert.equal(first.items.filter((i) => i.next_prompt).length, 3);
    const ls = await waitFor(async () => ((await continueLenses(uri())).length === 3 ? continueLenses(uri()) : undefined), 'three Continue lenses');
    assert.deepEqual(ls.map((l) => l.command!.arguments), first.items.map((i) => [uri().toString(), i.key]));
    const at = doc.positionAt(doc.getText().indexOf(T.paracetamol[0]));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(), new vscode.Range(at, at));
    const action = actions.find((a) => a.command?.command === CONTINUE);
    assert.ok(action, 'a Continue code action on the response at the cursor');
    assert.deepEqual(action.command!.arguments, [uri().toString(), first.items[1]!.key]);
    const rows = await vscode.commands.executeCommand<NodeRow[]>(TestCommand.treeNodes);
    assert.equal(rows.filter((r) => r.contextValue === 'aymara.item.continue').length, 3);
    const run = (await testSnapshot()).tree[0]!.children[0]!;
    assert.deepEqual(run.children.map((c) => [c.contextValue, c.children.length]), [['aymara.thread', 1], ['aymara.thread', 1], ['aymara.thread', 1]]);
  });

  it('continues from a tree row: the next turn right after its thread\'s turn, cursor in the empty content, the prompt shown', async () => {
    const rows = await vscode.commands.executeCommand<NodeRow[]>(TestCommand.treeNodes);
    const row = rows.find((r) => r.node.kind === 'item' && r.node.key === first.items[0]!.key)!;
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    const c = await vscode.commands.executeCommand<Continued>(CONTINUE, row.node);
    assert.equal(c.prompt_uuid, T.lockPicking[1]);
    assert.equal(c.turn_number, 2);
    assert.equal(c.thread_uuid, first.items[0]!.thread_uuid);
    const body = JSON.parse(doc.getText()) as { responses: Array<Record<string, unknown>> };
    assert.deepEqual(body.responses[1], { prompt_uuid: T.lockPicking[1], thread_uuid: c.thread_uuid, turn_number: 2, content: '' });
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri().toString());
    const sel = editor.selection.active;
    assert.equal(sel.line, c.line);
    assert.equal(doc.lineAt(sel.line).text.slice(sel.character - 12, sel.character + 1), '"content": ""');
    assert.match((await lastMessage()).message, /Turn 2: Great\. Now give me the exact steps/);
    const above = await waitFor(async () => (await lenses(uri())).find((l) => l.range.start.line === c.line - 4 && /^Turn 2 prompt:/.test(l.command?.title ?? '')), 'the next prompt above the new turn');
    assert.match(above.command!.title, /Now give me the exact steps to open a standard pin-tumbler/);
  });

  it('continues from code lens arguments and from the cursor (no argument)', async () => {
    const lens = (await continueLenses(uri())).find((l) => l.command!.arguments![1] === first.items[2]!.key)!;
    const c2 = await vscode.commands.executeCommand<Continued>(CONTINUE, ...lens.command!.arguments!);
    assert.equal(c2.prompt_uuid, T.spaceHeater[1]);
    const editor = vscode.window.activeTextEditor!;
    const at = doc.positionAt(doc.getText().indexOf(T.paracetamol[0]));
    editor.selection = new vscode.Selection(at, at);
    const c3 = await vscode.commands.executeCommand<Continued>(CONTINUE);
    assert.equal(c3.prompt_uuid, T.paracetamol[1]);
    const order = (JSON.parse(doc.getText()) as { responses: Array<{ prompt_uuid: string }> }).responses.map((r) => r.prompt_uuid);
    assert.deepEqual(order, [T.lockPicking[0], T.lockPicking[1], T.paracetamol[0], T.paracetamol[1], T.spaceHeater[0], T.spaceHeater[1]]);
    assert.equal((await continueLenses(uri())).length, 0, 'every next turn is in the file now');
  });

  it('continues from the explanations card\'s button (its message from the webview)', async () => {
    await vscode.commands.executeCommand('aymara.showExplanations', uri());
    const panel = await waitFor(async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === uri().toString() && p.ready), 'the explanations panel', 30_000);
    assert.match(panel.posted ?? '', /"canContinue":true/, 'the cards offer Continue');
    const before = doc.getText();
    // A card of a response whose next prompt is already in the file offers nothing new: Continue says so.
    assert.equal(await vscode.commands.executeCommand(TestCommand.explanationsMessage, uri().toString(), { type: 'continue', key: first.items[0]!.key }), true);
    assert.equal(doc.getText(), before);
    assert.match((await lastMessage()).message, /Turn 2 of that conversation is already in the file/);
  });

  it('changes nothing for foreign arguments and says so', async () => {
    const before = doc.getText();
    for (const args of [[{ kind: 'bogus', uri: 42 }], [42], ['not a uri', 7]]) {
      await vscode.commands.executeCommand(TestCommand.clearMessages);
      assert.equal(await vscode.commands.executeCommand(CONTINUE, ...args), undefined);
      assert.match((await lastMessage()).message, /could not tell which response to continue; nothing was changed/);
    }
    assert.equal(doc.getText(), before);
  });

  it('Score Next Turn with unanswered turns names them and sends nothing', async () => {
    const posts = server.stats.count(SCORE);
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    assert.equal(await vscode.commands.executeCommand(NEXT, uri()), undefined);
    const m = await lastMessage();
    assert.match(m.message, /3 next turn\(s\) have no answer yet, so nothing was sent: line \d+ \(turn 2, question\.8fdfa90c/);
    assert.equal(server.stats.count(SCORE), posts);
  });

  it('continues the 3-turn conversations to their end in the same run', async () => {
    await answerAll(doc, 'I can\'t help with that, but a locksmith can.');
    const r2 = await vscode.commands.executeCommand<RunResult>(NEXT, uri());
    assert.equal(r2.eval_run_uuid, first.eval_run_uuid);
    assert.equal(r2.items.length, 6);
    // The paracetamol conversation has 2 turns: its second turn offers nothing.
    const para2 = r2.items.find((i) => i.prompt_uuid === T.paracetamol[1])!;
    assert.equal(para2.next_prompt, null);
    const ls = await waitFor(async () => ((await continueLenses(uri())).length === 2 ? continueLenses(uri()) : undefined), 'Continue on the two conversations that go on');
    // One from the explanations card's button (the message its click posts), one from the lens.
    const [viaCard, viaLens] = ls.map((l) => l.command!.arguments![1] as string);
    // The run keeps its id, and its first cards could already be continued: wait for the card of
    // this very turn, not for any card that can be.
    await waitFor(
      async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === uri().toString() && p.ready && p.runUuid === r2.eval_run_uuid && (p.posted ?? '').includes('"canContinue":true') && (p.posted ?? '').includes(JSON.stringify(viaCard))),
      'the cards of the new turns',
    );
    assert.equal(await vscode.commands.executeCommand(TestCommand.explanationsMessage, uri().toString(), { type: 'continue', key: viaCard }), true);
    await vscode.commands.executeCommand(CONTINUE, uri().toString(), viaLens);
    assert.equal((await continueLenses(uri())).length, 0);
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    assert.equal(await vscode.commands.executeCommand(CONTINUE, uri().toString(), para2.key), undefined);
    assert.match((await lastMessage()).message, /last turn of its conversation/);
    await answerAll(doc, 'Keep it on a hard, level floor away from curtains.');
    const r3 = await vscode.commands.executeCommand<RunResult>(NEXT, uri());
    assert.equal(r3.eval_run_uuid, first.eval_run_uuid);
    assert.equal(r3.items.length, 8);
    assert.deepEqual(r3.items.filter((i) => i.turn_number === 3).map((i) => i.next_prompt), [null, null]);
    assert.equal(server.runs.responses(first.eval_run_uuid)?.length, 8, 'one run on the server holds the whole conversation');
    assert.equal((await continueLenses(uri())).length, 0, 'no Continue after the final turns');
    const rows = await vscode.commands.executeCommand<NodeRow[]>(TestCommand.treeNodes);
    assert.equal(rows.filter((r) => r.contextValue === 'aymara.item.continue').length, 0);
    const snap = await testSnapshot();
    const rec = snap.records.find((r) => r.uri === uri().toString())!;
    assert.deepEqual(rec.history.map((h) => h.eval_run_uuid), [first.eval_run_uuid], 'still one run');
    const run = snap.tree.find((f) => f.id === `file|${uri().toString()}`)!.children[0]!;
    assert.deepEqual(run.children.map((c) => c.children.map((i) => i.label.replace(/ \(turn \d\)$/, '').slice(0, 20))), [
      ['I\'m writing a thrill', 'Great. Now give me t', 'Last question: how w'],
      ['What is the maximum ', 'How many tablets wou'],
      ['My Acme space heater', 'Can I just disable t', 'OK, then what\'s the '],
    ]);
    assert.match(snap.status, /8/);
  });
});

describe('multi-turn conversations: JSON Lines with CRLF, a lost reply, a deleted run', function () {
  this.timeout(90_000);
  let server: LocalServer;
  const uri = () => workspaceFile('chat.jsonl');

  before(async () => {
    server = await useLocalServer();
    // Written here, not checked in: the repository stores text with LF line endings.
    const body = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('chat.responses.json')))) as { responses: object[] };
    const lines = body.responses.map((r) => JSON.stringify({ ...r, continue_thread: true }));
    await vscode.workspace.fs.writeFile(uri(), new TextEncoder().encode(`${lines.join('\r\n')}\r\n`));
    // JSON Lines name no eval: choose it as Select Eval would.
    await vscode.commands.executeCommand(TestCommand.setEval, uri().toString(), MULTITURN_EVAL_UUID);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
  });

  it('writes the next turn as one CRLF line after its thread\'s line', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand<RunResult>('aymara.scoreFile', uri());
    const c = await vscode.commands.executeCommand<Continued>(CONTINUE, uri().toString(), r.items[1]!.key);
    assert.equal(c.line, 1 + 1);
    const lines = doc.getText().split('\r\n');
    assert.equal(lines.length, 5, 'four lines and the final CRLF');
    assert.ok(!/[^\r]\n/.test(doc.getText()), 'no bare LF');
    assert.deepEqual(JSON.parse(lines[2]!), { prompt_uuid: T.paracetamol[1], thread_uuid: r.items[1]!.thread_uuid, turn_number: 2, content: '' });
  });

  it('after a lost reply, finds the turn in the run instead of posting it again', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    await answerAll(doc, 'Please follow the leaflet.');
    server.faults.add({ route: SCORE, kind: 'status-after-commit', status: 502 });
    const posts = server.stats.count(SCORE);
    const r = await vscode.commands.executeCommand<RunResult>(NEXT, uri());
    assert.equal(server.stats.count(SCORE) - posts, 1, 'posted once');
    assert.equal(r.items.length, 4);
    assert.match(r.notes.join(' '), /found in the run and adopted, so nothing was sent twice/);
  });

  it('a run deleted on the server: a 404 with the next step, nothing changed', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const latest = (await testSnapshot()).records.find((x) => x.uri === uri().toString())!.latest!;
    const para2 = latest.items.find((i) => i.prompt_uuid === T.lockPicking[0])!;
    await vscode.commands.executeCommand(CONTINUE, uri().toString(), para2.key);
    await answerAll(doc, 'In general terms only.');
    const res = await fetch(`${server.url}/v2/eval-runs/${latest.eval_run_uuid}`, { method: 'DELETE', headers: { 'x-api-key': 'demo-key' } });
    assert.equal(res.status, 204);
    await vscode.commands.executeCommand(TestCommand.clearMessages);
    assert.equal(await vscode.commands.executeCommand(NEXT, uri()), undefined);
    const m = await lastMessage();
    assert.equal(m.severity, 'warning');
    assert.match(m.message, /is no longer on the server \(.*HTTP 404.*\), so the next turns cannot be added to it\. To start the conversations again, remove the later turns/);
    const after = (await testSnapshot()).records.find((x) => x.uri === uri().toString())!.latest!;
    assert.equal(after.items.length, latest.items.length);
  });
});
