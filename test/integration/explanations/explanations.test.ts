/**
 * Explanations panel in a real VS Code: opened for the right run, one panel per run, follows a
 * newer run of its file, the webview script really loads under the CSP and renders only a
 * window of cards for 10,000 responses, webview messages are allow-listed and a valid reveal
 * reaches `aymara.revealEntry`.
 *
 * Runs are seeded through the private test command `aymara._test.seedRun`; state is read with
 * `aymara._test.snapshot` (its `explanations` field is ExplanationsPanels.snapshot()); a message
 * "from the webview" is delivered with `aymara._test.explanationsMessage` (the same validation
 * and handling as a real one; the DOM side is covered by the e2e layer).
 */
import * as assert from 'node:assert/strict';
import * as jsonc from 'jsonc-parser';
import * as vscode from 'vscode';
import { countVerdicts, responseKey, type ResultItem, type RunResult, type Verdict } from '../../../src/core/results';
import type { TestSnapshot } from '../../../src/editor/testCommands';
import { testSnapshot } from '../util';

const EXTENSION_ID = 'aymara-eval-tools.aymara-eval-scoring';
const EVAL = 'test.5d0c7a52-2f61-4c1e-9a57-explanations';

type PanelSnapshot = TestSnapshot['explanations']['panels'][number];

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder is open');
  return f.uri;
}

async function panels(): Promise<PanelSnapshot[]> {
  return (await testSnapshot()).explanations.panels;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== false) return last as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function panelFor(fileUri: vscode.Uri, pred: (p: PanelSnapshot) => boolean = () => true, what = 'the panel', timeoutMs = 15_000): Promise<PanelSnapshot> {
  return waitFor(`${what} of ${fileUri.path.split('/').pop()}`, async () => (await panels()).find((p) => p.fileUri === fileUri.toString() && pred(p)), timeoutMs);
}

/** A run over the fixture's entries, with real locations from the file's text. */
async function runFor(fileUri: vscode.Uri, runUuid: string, verdicts: Verdict[]): Promise<RunResult> {
  const doc = await vscode.workspace.openTextDocument(fileUri);
  const text = doc.getText();
  const tree = jsonc.parseTree(text);
  assert.ok(tree);
  const entries = jsonc.findNodeAtLocation(tree, ['responses'])?.children ?? [];
  const items: ResultItem[] = entries.map((node, index) => {
    const value = jsonc.getNodeValue(node) as { prompt_uuid: string; content: string };
    const pos = doc.positionAt(node.offset);
    const verdict = verdicts[index % verdicts.length] ?? 'passed';
    return {
      key: responseKey({ prompt_uuid: value.prompt_uuid }),
      prompt_uuid: value.prompt_uuid,
      thread_uuid: null,
      turn_number: 1,
      verdict,
      confidence: 0.9,
      explanation: verdict === 'failed' ? `Explanation for ${value.prompt_uuid}: <b>not bold</b> \u202Eevil` : null,
      response_uuid: `response.${runUuid}.${index}`,
      next_prompt: null,
      response_text: value.content,
      entry_index: index,
      location: { offset: node.offset, length: node.length, line: pos.line + 1, column: pos.character + 1, pointer: `/responses/${index}` },
    };
  });
  return result(runUuid, items);
}

function result(runUuid: string, items: ResultItem[]): RunResult {
  return {
    eval_uuid: EVAL,
    eval_run_uuid: runUuid,
    run_name: `run ${runUuid}`,
    status: 'finished',
    pass_rate: null,
    eval_name: 'Explanations suite eval',
    eval_type: 'safety',
    created_at: new Date().toISOString(),
    completed_at: new Date().toISOString(),
    is_sandbox: false,
    counts: countVerdicts(items),
    items,
    notes: [],
  };
}

/** `n` results not in any file, every verdict in turn. */
function manyItems(n: number): ResultItem[] {
  const verdicts: Verdict[] = ['passed', 'failed', 'refused', 'passed', 'errored', 'excluded'];
  const items: ResultItem[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      key: responseKey({ prompt_uuid: `question.${i}` }),
      prompt_uuid: `question.${i}`,
      thread_uuid: null,
      turn_number: 1,
      verdict: verdicts[i % verdicts.length] ?? 'passed',
      confidence: 0.5,
      explanation: `Explanation ${i}: ${'because '.repeat(10)}`,
      response_uuid: null,
      next_prompt: null,
      response_text: `Response ${i}: ${'text '.repeat(30)}`,
      entry_index: null,
      location: null,
    });
  }
  return items;
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('all panels to close', async () => (await panels()).length === 0, 10_000);
}

describe('explanations panel (real VS Code)', () => {
  let file: vscode.Uri;
  let other: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['aymara._test.seedRun', 'aymara._test.snapshot', 'aymara.showExplanations', 'aymara.focusExplanation', 'aymara.revealEntry']) {
      assert.ok(commands.includes(c), `${c} is not registered (wiring missing)`);
    }
    file = vscode.Uri.joinPath(folder(), 'support-bot.responses.json');
    other = vscode.Uri.joinPath(folder(), 'other.responses.json');
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('opens one panel for the file\'s latest run, titled after the file, and the webview script loads under the CSP', async () => {
    const run = await runFor(file, 'score_run.first', ['failed', 'failed', 'passed', 'errored']);
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), run);
    await vscode.commands.executeCommand('aymara.showExplanations', file.toString());
    const p = await panelFor(file);
    assert.equal(p.runUuid, 'score_run.first');
    assert.equal(p.title, 'Aymara: support-bot.responses.json');
    assert.equal(p.visible, true);
    // The page asked for its data (script ran with the nonce) and reported what it rendered.
    const ready = await panelFor(file, (x) => x.ready === true && x.rendered?.matching === 4, 'a ready webview');
    assert.deepEqual(ready.rendered, { cards: 4, matching: 4 });
    assert.equal(ready.rejected, 0, 'the real webview sent nothing that failed validation');

    // Showing again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('aymara.showExplanations', file.toString());
    assert.equal((await panels()).length, 1);
  });

  it('says so and opens nothing for a file without results', async () => {
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    await vscode.commands.executeCommand('aymara.showExplanations', vscode.Uri.joinPath(folder(), 'never-scored.json').toString());
    assert.equal((await panels()).length, 0);
    const snap = await testSnapshot();
    assert.deepEqual(snap.messages.map((m) => [m.severity, m.message]), [['info', 'No results for never-scored.json yet. Score the file first.']]);
  });

  it('switches to a newer run of the same file', async () => {
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), await runFor(file, 'score_run.older', ['failed']));
    await vscode.commands.executeCommand('aymara.showExplanations', file.toString());
    await panelFor(file, (p) => p.runUuid === 'score_run.older');
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), await runFor(file, 'score_run.newer', ['passed']));
    await panelFor(file, (p) => p.runUuid === 'score_run.newer', 'the panel to follow the newer run');
    const all = await panels();
    assert.equal(all.length, 1, 'still one panel');
  });

  it('keeps one panel per run: another file gets its own panel', async () => {
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), await runFor(file, 'score_run.f1', ['failed']));
    await vscode.commands.executeCommand('aymara._test.seedRun', other.toString(), await runFor(other, 'score_run.f2', ['passed']));
    await vscode.commands.executeCommand('aymara.showExplanations', file.toString());
    await vscode.commands.executeCommand('aymara.showExplanations', other.toString());
    await panelFor(other, (p) => p.runUuid === 'score_run.f2');
    const all = await panels();
    assert.deepEqual(all.map((p) => p.runUuid).sort(), ['score_run.f1', 'score_run.f2']);
    assert.deepEqual(all.map((p) => p.title).sort(), ['Aymara: other.responses.json', 'Aymara: support-bot.responses.json']);
  });

  it('accepts a results-tree node and a key, and focuses only keys of the run', async () => {
    const run = await runFor(file, 'score_run.focus', ['failed', 'passed']);
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), run);
    const key = run.items[1]?.key ?? '';
    await vscode.commands.executeCommand('aymara.showExplanations', { kind: 'item', uri: file.toString(), runUuid: run.eval_run_uuid, verdict: 'passed', key });
    await panelFor(file, (p) => p.runUuid === 'score_run.focus' && p.ready === true, 'a ready webview');
    assert.equal(await vscode.commands.executeCommand('aymara.focusExplanation', file.toString(), key), true);
    assert.equal(await vscode.commands.executeCommand('aymara.focusExplanation', file.toString(), 'question.nope\u0000\u00001'), false);
    assert.equal(await vscode.commands.executeCommand('aymara.focusExplanation', other.toString(), key), false, 'no panel is open for that file');
  });

  it('a reveal message from the webview opens the file at the entry; anything else is ignored', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('aymara._test.explanationsMessage'), 'aymara._test.explanationsMessage is not registered (wiring missing)');
    const run = await runFor(file, 'score_run.reveal', ['failed', 'failed', 'passed', 'passed']);
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), run);
    await vscode.commands.executeCommand('aymara.showExplanations', file.toString());
    // As a person would: the cards are on screen before one is clicked.
    await panelFor(file, (p) => p.runUuid === 'score_run.reveal' && p.ready === true && p.rendered?.matching === 4, 'a ready webview');
    const target = run.items[3];
    assert.ok(target?.location);

    const send = (msg: unknown): Thenable<boolean> => vscode.commands.executeCommand<boolean>('aymara._test.explanationsMessage', file.toString(), msg);
    // Not allowed: nothing happens, each is counted and logged.
    const before = (await panelFor(file)).rejected ?? 0;
    const bad: unknown[] = [
      { type: 'command', command: 'workbench.action.closeAllEditors' },
      { type: 'reveal', key: target.key, command: 'workbench.action.closeAllEditors' },
      { type: 'reveal', key: 'question.unknown\u0000\u00001' },
      { type: 'reveal', key: 42 },
      { type: 'executeCommand', id: 'aymara.clearApiKey' },
      'reveal',
      null,
    ];
    for (const m of bad) assert.equal(await send(m), false, JSON.stringify(m));
    assert.equal((await panelFor(file)).rejected, before + bad.length);
    assert.equal((await panels()).length, 1, 'the panel is still open: no command from the message ran');

    // Allowed: the fixed reveal command runs for this panel's file and the message's key.
    assert.equal(await send({ type: 'reveal', key: target.key }), true);
    const editor = await waitFor('the file to be revealed', async () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.toString() === file.toString() && e.document.offsetAt(e.selection.start) === target.location?.offset ? e : undefined;
    });
    assert.equal(editor.document.offsetAt(editor.selection.end), target.location.offset + target.location.length);
    assert.equal((await panelFor(file)).visible, true, 'the file opened beside the panel, not over it');

    // Again, with the file already open beside: the same editor is used, the panel stays visible.
    const other = run.items[0];
    assert.ok(other?.location);
    const editorsBefore = vscode.window.visibleTextEditors.length;
    assert.equal(await send({ type: 'reveal', key: other.key }), true);
    await waitFor('the second entry to be selected', async () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === file.toString() && e.document.offsetAt(e.selection.start) === other.location?.offset;
    });
    assert.equal(vscode.window.visibleTextEditors.length, editorsBefore, 'no second editor of the file');
    assert.equal((await panelFor(file)).visible, true);
  });

  it('renders only a window of cards for 10,000 responses', async function () {
    this.timeout(120_000);
    const big = vscode.Uri.joinPath(folder(), 'big.responses.json');
    const items = manyItems(10_000);
    await vscode.commands.executeCommand('aymara._test.seedRun', big.toString(), result('score_run.big', items));
    const t0 = Date.now();
    await vscode.commands.executeCommand('aymara.showExplanations', big.toString());
    const p = await panelFor(big, (x) => x.ready === true && x.rendered?.matching === 10_000, 'the 10,000-response webview', 60_000);
    console.log(`      10,000 responses: panel ready and first cards rendered ${Date.now() - t0} ms after the command`);
    assert.ok(p.rendered && p.rendered.cards > 0 && p.rendered.cards <= 500, `cards in the DOM: ${p.rendered?.cards}`);
    // Focusing the last card renders a window around it, not everything before it.
    const last = items[items.length - 1]?.key ?? '';
    // The page reports its window after every change: wait for the report that follows the jump.
    // It renders whole pages from the top (100 at a time), so a window ending at the last card
    // has another size; rendering everything up to it would hit the 500-card cap.
    const before = p.rendered.cards;
    assert.equal(await vscode.commands.executeCommand('aymara.focusExplanation', big.toString(), last), true);
    const after = await panelFor(big, (x) => x.rendered !== undefined && x.rendered.cards !== before, 'the webview to report its window around the last card', 30_000);
    assert.equal(after.rendered?.matching, 10_000);
    assert.ok(after.rendered && after.rendered.cards < 500, `a window around the last card, not everything before it: ${after.rendered?.cards} cards in the DOM`);
  });

  it('10,000 responses arrive in parts: a card asked for before its part arrived is shown once it does', async function () {
    this.timeout(120_000);
    const big = vscode.Uri.joinPath(folder(), 'parts.responses.json');
    const items = manyItems(10_000);
    await vscode.commands.executeCommand('aymara._test.seedRun', big.toString(), result('score_run.parts', items));
    await vscode.commands.executeCommand('aymara.showExplanations', big.toString());
    // As soon as the page has its first cards (the last card is in the last part).
    const first = await panelFor(big, (x) => x.ready === true && x.rendered !== undefined, 'the first cards', 60_000);
    const last = items[items.length - 1]?.key ?? '';
    assert.equal(await vscode.commands.executeCommand('aymara.focusExplanation', big.toString(), last), true);
    // The window around the last card: the 20 cards before it and itself, out of all 10,000.
    const p = await panelFor(big, (x) => x.rendered?.matching === 10_000 && x.rendered.cards === 21, 'the window around the last card', 60_000);
    assert.ok(first.rendered && first.rendered.matching <= 10_000);
    assert.equal(p.rendered?.matching, 10_000);
    // What the panel posted before the focus, its parts taken together, is the whole run.
    const posted = JSON.parse(first.posted ?? '{}') as { type?: string; model?: { cards?: unknown[] } };
    assert.equal(posted.type, 'data');
    assert.equal(posted.model?.cards?.length, 10_000);
  });

  it('closing the panel forgets it', async () => {
    await vscode.commands.executeCommand('aymara._test.seedRun', file.toString(), await runFor(file, 'score_run.close', ['failed']));
    await vscode.commands.executeCommand('aymara.showExplanations');
    // No argument: the active editor's file. Open it first.
    await vscode.window.showTextDocument(file);
    await vscode.commands.executeCommand('aymara.showExplanations');
    await panelFor(file, (p) => p.runUuid === 'score_run.close' && p.active === true);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the panel to be forgotten', async () => !(await panels()).some((p) => p.fileUri === file.toString()));
  });
});
