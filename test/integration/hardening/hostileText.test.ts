/**
 * Text from files and servers never becomes markup on a VS Code surface, and the API key never
 * reaches one: link syntax in file text, file names, server errors, run ids and names, eval names.
 * What reached the notification API is what `notify` recorded (every notification goes through it;
 * lint forbids calling the message functions anywhere else).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import { startServer, type LocalServer } from '../../../src/server';
import { activate, testSnapshot, waitFor, workspaceFile } from '../util';
import { KEY, LINK, clearMessages, logText, messageTexts, startStub, treeTexts, useOrigin, type Stub } from './helpers';

const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const SCORE = 'POST /v2/eval-runs/-/score-responses';

function assertInert(texts: string[], what: string): void {
  assert.ok(texts.length > 0, `${what}: nothing to check`);
  for (const t of texts) {
    assert.ok(!t.includes(']('), `${what} still has link syntax: ${t}`);
    assert.ok(!t.includes('$('), `${what} still has icon syntax: ${t}`);
    assert.ok(!t.includes(KEY), `${what} contains the API key: ${t}`);
  }
}

describe('untrusted text on VS Code surfaces', function () {
  this.timeout(60_000);
  let server: LocalServer;
  let stub: Stub;

  before(async () => {
    await activate();
    server = await startServer({ port: 0, apiKey: KEY });
    stub = await startStub();
  });
  beforeEach(async () => {
    await useOrigin(server.url, KEY);
    server.reset();
    await clearMessages();
  });
  after(async () => {
    await server?.close();
    await stub?.close();
  });

  it('a duplicate entry whose thread id is a command link: the error, its problem and its related note are inert', async () => {
    const uri = workspaceFile('dupes.responses.json');
    assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', uri), undefined);
    const { messages } = await testSnapshot();
    const msg = messages.at(-1);
    assert.match(msg?.message ?? '', /Duplicate response: .*thread "\[Open the docs\] \(command:workbench\.action\.openSettings\)"/, 'the text stays readable');
    assertInert(messageTexts(messages), 'the notification');
    const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Aymara');
    assert.equal(problems.length, 1);
    assertInert([problems[0]!.message, ...(problems[0]!.relatedInformation ?? []).map((r) => r.message)], 'the problem');
    assert.equal(server.stats.total, 0, 'nothing was sent');
  });

  it('a file named with link syntax: the result message and "already being scored" are inert', async () => {
    const uri = workspaceFile(`${LINK}.responses.json`);
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(workspaceFile('bot.responses.json')));
    const [a, b] = (await Promise.all([
      vscode.commands.executeCommand('aymara.scoreFile', uri),
      vscode.commands.executeCommand('aymara.scoreFile', uri),
    ])) as (RunResult | undefined)[];
    assert.equal([a, b].filter(Boolean).length, 1, 'one of the two clicks scored');
    const { messages, tree } = await testSnapshot();
    assert.ok(messages.some((m) => /already being scored/.test(m.message)), JSON.stringify(messages));
    assert.ok(messages.some((m) => /\[Open\] \(command:workbench\.action\.openSettings\)\.responses\.json: 2 passed, 2 failed/.test(m.message)), JSON.stringify(messages));
    assertInert(messageTexts(messages), 'the notifications');
    assertInert(treeTexts(tree).filter((t) => t.includes('Open')), 'the results tree');
  });

  it('a server error whose message, code and request id carry a command link and echo the key', async () => {
    stub.handler = (method, path) =>
      method === 'POST' && path === '/v2/eval-runs/-/score-responses'
        ? { status: 422, json: { error: { code: `validation.${LINK}`, message: `Rejected ${LINK} for key ${KEY}` }, request_id: `req-${LINK}-${KEY}` } }
        : undefined;
    await useOrigin(stub.url, KEY);
    assert.equal(await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json')), undefined);
    assert.deepEqual(stub.requests, [SCORE]);
    const { messages } = await testSnapshot();
    assert.match(messages.at(-1)?.message ?? '', /Rejected \[Open\] \(command:workbench\.action\.openSettings\) for key «redacted»/);
    assertInert(messageTexts(messages), 'the error message');
  });

  it('a run whose id, name, eval name and explanations carry links and the key: messages, tree, diagnostics, state and webview data', async () => {
    const uri = workspaceFile('bot.responses.json');
    const runId = `score_run.${LINK}`;
    stub.requests.length = 0;
    stub.handler = (method, path, body) => {
      const now = new Date().toISOString();
      if (method === 'POST' && path === '/v2/eval-runs/-/score-responses') {
        const b = body as { eval_uuid: string; responses: unknown[] };
        const evaluation = { eval_uuid: b.eval_uuid, name: `Eval ${LINK} ${KEY}`, eval_type: 'safety', ai_description: 'd' };
        return { status: 200, json: { eval_run_uuid: runId, eval_uuid: b.eval_uuid, name: `leak ${KEY} ${LINK}`, status: 'failed', created_at: now, updated_at: now, evaluation, responses: null, num_prompts: b.responses.length } };
      }
      if (method === 'GET' && path.endsWith('/responses')) {
        const items = ['question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d', 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692'].map((p) => ({
          prompt_uuid: p,
          is_passed: false,
          confidence: 0.9,
          explanation: `Unsafe. ${LINK} ${KEY}`,
        }));
        return { status: 200, json: { items, count: items.length } };
      }
      return undefined;
    };
    await useOrigin(stub.url, KEY);
    const result = (await vscode.commands.executeCommand('aymara.scoreFile', uri)) as RunResult | undefined;
    assert.equal(result?.status, 'failed', JSON.stringify((await testSnapshot()).messages));
    const snap = await waitFor(async () => {
      const s = await testSnapshot();
      return s.messages.some((m) => /marked run/.test(m.message)) ? s : undefined;
    }, 'the failed-run warning');
    assert.match(snap.messages.find((m) => /marked run/.test(m.message))!.message, /run score_run\.\[Open\] \(command/);
    assertInert(messageTexts(snap.messages), 'the messages');
    assertInert(treeTexts(snap.tree), 'the results tree');
    assert.ok(!JSON.stringify(snap.records).includes(KEY), 'saved state has no key');
    assert.match(JSON.stringify(snap.records), /leak «redacted»/, 'the echoed name was kept, redacted');
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Aymara' && x.code === 'failed');
      return d.length === 2 ? d : undefined;
    }, 'two failed diagnostics');
    assertInert(diags.map((d) => d.message), 'the diagnostics');

    await vscode.commands.executeCommand('aymara.showExplanations', uri.toString());
    const posted = await waitFor(async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === uri.toString() && p.posted?.includes('"data"'))?.posted, 'data posted to the webview', 20_000);
    assert.ok(posted.includes('Unsafe.'), 'the explanations were posted');
    assert.ok(!posted.includes(KEY), 'the webview data has no key');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the eval picker: eval names and a failed listing never show markup or the key', async () => {
    stub.handler = (method, path) =>
      method === 'GET' && path === '/v2/evals'
        ? { status: 200, json: { items: [{ eval_uuid: EVAL, name: `Pick ${LINK} ${KEY}`, eval_type: `$(zap) ${LINK}`, ai_description: 'd', num_prompts: 3 }], count: 1 } }
        : undefined;
    await useOrigin(stub.url, KEY);
    const file = workspaceFile('bot.responses.json');
    let picking = vscode.commands.executeCommand('aymara.selectEval', file);
    let picker = await waitFor(async () => {
      const p = (await testSnapshot()).picker;
      return p.items.some((i) => i.label.startsWith('Pick')) ? p : undefined;
    }, 'the listed evals');
    assertInert(picker.items.filter((i) => !i.label.startsWith('$(edit)')).flatMap((i) => [i.label, i.description ?? '', i.detail ?? '']), 'the quick pick items');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await picking, undefined);

    stub.handler = (method, path) =>
      method === 'GET' && path === '/v2/evals' ? { status: 403, json: { error: { code: 'auth.insufficient_permissions', message: `No access for ${KEY} ${LINK}` } } } : undefined;
    picking = vscode.commands.executeCommand('aymara.selectEval', file);
    picker = await waitFor(async () => {
      const p = (await testSnapshot()).picker;
      return /Could not list evals/.test(p.placeholder ?? '') ? p : undefined;
    }, 'the placeholder after a failed listing', 20_000);
    assert.match(picker.placeholder ?? '', /No access for «redacted» \[Open\] \(command/);
    assertInert([picker.placeholder ?? ''], 'the placeholder');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await picking, undefined);
  });

  it('the log never has the key, though the server echoed it everywhere', async () => {
    const text = await waitFor(async () => {
      const t = await logText();
      return /Rejected/.test(t) ? t : undefined;
    }, 'the errors in the log file');
    assert.ok(!text.includes(KEY), 'the log has no key');
  });
});
