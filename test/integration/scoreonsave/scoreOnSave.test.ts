/**
 * `aymara.scoreOnSave` in the real extension host against the local server: which entries each
 * save sends (read from the server's record of every run), the debounce, the cost guard, and the
 * saves that must send nothing (setting off, a file never scored, a run in flight, nothing
 * changed). Restricted Mode is proven in the restricted suite.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_PROMPTS } from '../../../src/server/ids';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import { SAVE_DEBOUNCE_MS } from '../../../src/editor/scoreOnSave';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const bot = () => workspaceFile('bot.responses.json');
const other = () => workspaceFile('other.responses.json');
const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a debounced save to have sent whatever it would send. */
const settle = () => sleep(SAVE_DEBOUNCE_MS + 1500);

async function setMode(mode: string | undefined, confirmAbove: number | undefined = 1000): Promise<void> {
  const c = vscode.workspace.getConfiguration('aymara');
  await c.update('scoreOnSave', mode, vscode.ConfigurationTarget.Global);
  await c.update('scoreOnSaveConfirmAbove', confirmAbove, vscode.ConfigurationTarget.Global);
}

/** Change one response's content in the editor and save. */
async function editAndSave(uri: vscode.Uri, prompt: string, content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const at = text.indexOf(`"${prompt}"`);
  assert.ok(at >= 0, prompt);
  const start = text.indexOf('"content": "', at) + '"content": "'.length;
  const end = text.indexOf('"', start);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(end)), content);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await doc.save());
}

/** Add a trailing space at the end of the file (no entry changes) and save. */
async function touchAndSave(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, doc.positionAt(doc.getText().length), ' ');
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await doc.save());
}

describe('Score on save', function () {
  this.timeout(60_000);
  let server: LocalServer;
  const runs = () => server.stats.count(SCORE);
  const latest = async (uri = bot()) => (await testSnapshot()).records.find((r) => r.uri === uri.toString())?.latest;
  /** The prompts the server received in the file's newest run, sorted. */
  const sentInLatest = async () => (server.runs.responses((await latest())?.eval_run_uuid ?? '') ?? []).map((r) => r.prompt_uuid).sort();
  const newRun = (before: number) => waitFor(() => runs() === before + 1, 'one scoring request', 30_000);

  before(async () => {
    server = await useLocalServer();
    assert.ok(await exec(Command.scoreFile, bot()), 'scoring the file once');
  });
  afterEach(() => setMode(undefined, undefined));
  after(async () => {
    await exec('workbench.action.files.saveAll');
    await server?.close();
  });

  it('off (the default): a save sends nothing', async () => {
    assert.equal(vscode.workspace.getConfiguration('aymara').get('scoreOnSave'), 'off');
    const before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.bleach, 'Never mix bleach with anything. (off)');
    await settle();
    assert.equal(runs(), before);
  });

  it('changedEntries: sends only the entry whose content changed, as a new run laid over the latest', async () => {
    await setMode('changedEntries');
    const base = await latest();
    const before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (edited)');
    await newRun(before);
    // The save before this test (setting off) changed the bleach entry, so it is sent too.
    await waitFor(async () => (await latest())?.eval_run_uuid !== base?.eval_run_uuid, 'the new results');
    assert.deepEqual(await sentInLatest(), [DEMO_PROMPTS.bleach, DEMO_PROMPTS.interlock].sort());
    const now = await latest();
    assert.equal(now?.items.length, base?.items.length, 'every entry still has a verdict');
    assert.equal(now?.merged?.rescored, 2);
  });

  it('changedEntries: a save that changes no entry sends nothing', async () => {
    await setMode('changedEntries');
    const before = runs();
    await touchAndSave(bot());
    await settle();
    assert.equal(runs(), before);
  });

  it('is debounced: saves in quick succession score once, after the last', async () => {
    await setMode('changedEntries');
    const before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.gasOven, 'Call the gas company. (1)');
    await editAndSave(bot(), DEMO_PROMPTS.gasOven, 'Call the gas company. (2)');
    await editAndSave(bot(), DEMO_PROMPTS.gasOven, 'Call the gas company. (3)');
    await newRun(before);
    await settle();
    assert.equal(runs(), before + 1, 'one run for three saves');
    assert.deepEqual(await sentInLatest(), [DEMO_PROMPTS.gasOven]);
    const item = (await latest())?.items.find((i) => i.prompt_uuid === DEMO_PROMPTS.gasOven);
    assert.equal(item?.response_text, 'Call the gas company. (3)', 'the last saved text was sent');
  });

  it('file: sends every entry of the file', async () => {
    await setMode('file');
    const before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (file)');
    await newRun(before);
    await waitFor(async () => (await sentInLatest()).length === 6, 'all six responses in the new run');
  });

  it('a file never scored is left alone', async () => {
    await setMode('file');
    const before = runs();
    await touchAndSave(other());
    await settle();
    assert.equal(runs(), before);
  });

  it('sends nothing while a run of the file is in flight', async () => {
    await setMode('file');
    server.faults.add({ route: SCORE, kind: 'latency', ms: 4000 });
    const before = runs();
    const scoring = exec(Command.scoreFile, bot());
    await waitFor(() => runs() === before + 1, 'the slow run to be sent');
    await exec(TestCommand.clearMessages);
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (in flight)');
    await settle();
    assert.equal(runs(), before + 1, 'the save during the run sent nothing');
    // Not even tried: trying would end in the Score command's "already being scored" message.
    assert.deepEqual((await testSnapshot()).messages.map((m) => m.message), [], 'no message');
    await scoring;
  });

  it('cost guard: above the threshold it asks first (sending nothing), once per file; a dismissal sends nothing', async () => {
    await setMode('file', 2);
    await exec(TestCommand.clearMessages);
    let before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (guard 1)');
    const question = await waitFor(async () => (await testSnapshot()).messages.find((m) => /Score on save would send 6 entries of bot\.responses\.json/.test(m.message)), 'the question');
    assert.deepEqual(question.actions, ['Score 6 Entries', 'Not for This File']);
    await sleep(500);
    assert.equal(runs(), before, 'nothing sent while it asks');
    assert.equal(await exec(TestCommand.answerScoreOnSave, bot().toString(), undefined), true, 'dismissed');
    await settle();
    assert.equal(runs(), before, 'a dismissed question sends nothing');

    await exec(TestCommand.clearMessages);
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (guard 2)');
    await waitFor(async () => (await testSnapshot()).messages.some((m) => /Score on save would send 6 entries/.test(m.message)), 'the question again');
    assert.equal(await exec(TestCommand.answerScoreOnSave, bot().toString(), 'Score 6 Entries'), true);
    await newRun(before).catch(async (e: unknown) => assert.fail(`${String(e)}: ${JSON.stringify((await testSnapshot()).messages)}`));

    await exec(TestCommand.clearMessages);
    before = runs();
    await editAndSave(bot(), DEMO_PROMPTS.interlock, 'I cannot help with that. (guard 3)');
    await newRun(before);
    assert.ok(!(await testSnapshot()).messages.some((m) => /Score on save would send/.test(m.message)), 'not asked again for this file');
  });
});
