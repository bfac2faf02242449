/**
 * Override Verdict… and Show Verdict History from every surface that passes arguments (a quick
 * fix, a results tree row, an explanations card's message, the palette with nothing), against
 * the local server; the accepted override shows at once in diagnostics, tree, status bar, the
 * card's data, counts and pass rate, and survives a reload of the saved state.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { computedPassRate, formatPercent } from '../../../src/core/results';
import type { HistoryRow } from '../../../src/core/override/reviewView';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, waitFor } from '../util';
import { asked, clearMessages, diagnosticLines, exec, failures, file, itemOf, lastMessage, latest, overrideWith, PASS, PATCH, scoredWorld, serverHistory } from './world';

describe('Override Verdict… from every surface', () => {
  let server: LocalServer;
  before(async () => {
    server = await scoredWorld();
  });
  after(async () => server?.close());

  it('quick fix on a failure: Override Verdict… → pass, 0.9, why → the failure is gone everywhere and the result is marked reviewed by a person', async () => {
    const [failure] = await failures();
    assert.ok(failure?.location && failure.response_uuid, 'a failing entry in the file');
    const before = await latest();
    const lines = diagnosticLines();
    assert.ok(lines.includes(failure.location.line), 'its diagnostic is shown');
    const diag = vscode.languages.getDiagnostics(file()).find((d) => d.source === 'Aymara' && d.range.start.line + 1 === failure.location!.line)!;
    const actions = await exec<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file(), diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Override Verdict…');
    assert.ok(fix?.command, `the quick fix is offered (got ${actions.map((a) => a.title).join(', ')})`);
    assert.deepEqual(fix.command.arguments, [file().toString(), failure.key]);
    assert.ok(actions.some((a) => a.title === 'Show Verdict History'));

    const patches = server.stats.count(PATCH);
    assert.equal(await overrideWith(PASS, ...fix.command.arguments!), 'applied');
    assert.equal(server.stats.count(PATCH), patches + 1, 'one PATCH');
    assert.deepEqual((await asked()).steps.map((s) => s.replace(/:.*/, '')), ['Override Verdict (1/3)', 'Override Verdict (2/3)', 'Override Verdict (3/3)']);

    // Diagnostics: the failure is gone, the others stay.
    await waitFor(() => !diagnosticLines().includes(failure.location!.line), 'the failure\'s diagnostic to go');
    assert.deepEqual(diagnosticLines(), lines.filter((l) => l !== failure.location!.line));
    // The store: the item, counts and pass rate.
    const after = await latest();
    const item = after.items.find((i) => i.key === failure.key)!;
    assert.equal(item.verdict, 'passed');
    assert.equal(item.confidence, 0.9);
    assert.equal(item.explanation, PASS.explanation);
    assert.equal(item.review?.by, 'local-user@localhost');
    assert.ok(Date.parse(item.review?.at ?? '') > Date.now() - 60_000, 'reviewed just now');
    assert.equal(after.counts.failed, before.counts.failed - 1);
    assert.equal(after.counts.passed, before.counts.passed + 1);
    assert.equal(after.pass_rate, computedPassRate(after.counts));
    // The server holds it.
    assert.deepEqual((await serverHistory(server, after.eval_run_uuid, failure.response_uuid)).map((h) => h.new_is_passed), [true]);
    // Status bar and tree.
    const snap = await testSnapshot();
    assert.ok(snap.status.includes(formatPercent(after.pass_rate)), snap.status);
    assert.ok(snap.status.includes(`$(close) ${after.counts.failed + after.counts.errored}`), snap.status);
    const rows = JSON.stringify(snap.tree);
    const row = findRow(snap.tree, `|${failure.key}`);
    assert.ok(row, rows.slice(0, 500));
    assert.match(String(row.description), /reviewed by a person/);
    assert.equal(row.icon, 'pass');
    // The tooltip is markdown built with appendText (escaped): compare its plain text.
    assert.match((row.tooltip ?? '').replace(/&nbsp;/g, ' ').replace(/\\/g, ''), /Reviewed by a person on .* \(by local-user@localhost\)/);
    // The message says what happened and offers the history.
    const msg = await lastMessage();
    assert.match(msg.message, /Verdict changed from Failed .* to Passed \(90%\), reviewed by a person/);
    assert.ok(msg.actions.includes('Show Verdict History'));
  });

  it('a results tree row: its node is the argument; a pass overridden to fail adds a diagnostic', async () => {
    const run = await latest();
    const passed = run.items.find((i) => i.verdict === 'passed' && !i.review && i.location)!;
    const nodes = await exec<{ id: string; node: unknown }[]>(TestCommand.treeNodes);
    const node = nodes.find((n) => n.id === `item|${file().toString()}|${run.eval_run_uuid}|${passed.key}`)?.node;
    assert.ok(node, 'the tree row of a passing response');
    const before = diagnosticLines();
    assert.equal(await overrideWith({ verdict: 'fail', confidence: '0.6', explanation: 'It dodges the question.' }, node), 'applied');
    await waitFor(() => diagnosticLines().includes(passed.location!.line), 'a new failure diagnostic');
    assert.equal(diagnosticLines().length, before.length + 1);
    const item = await itemOf(passed.key);
    assert.equal(item.verdict, 'failed');
    assert.equal(item.confidence, 0.6);
  });

  it('an explanations card\'s buttons: the page\'s messages run Override Verdict… and Show Verdict History on that response; the card gets the review line and the history', async () => {
    await exec(Command.showExplanations, file());
    await waitFor(async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === file().toString() && p.ready), 'a ready explanations panel');
    const [failure] = await failures();
    assert.ok(failure);
    await exec(TestCommand.overrideAnswers, PASS);
    assert.equal(await exec(TestCommand.explanationsMessage, file().toString(), { type: 'override', key: failure.key }), true);
    await waitFor(async () => (await itemOf(failure.key)).review, 'the override to apply');
    const posted = await waitFor(async () => {
      const p = (await testSnapshot()).explanations.panels.find((x) => x.fileUri === file().toString())?.posted;
      const m = p ? (JSON.parse(p) as { type: string; reviews?: Record<string, string>; model?: { summary: { passRate: string } } }) : undefined;
      return m?.type === 'data' && m.reviews?.[failure.key] ? m : undefined;
    }, 'the card\'s data with the review line');
    assert.match(posted.reviews![failure.key]!, /^Reviewed by a person on .* \(by local-user@localhost\)$/);
    assert.equal(posted.model!.summary.passRate, formatPercent((await latest()).pass_rate));

    const rows = await exec<HistoryRow[] | undefined>(Command.showVerdictHistory, file().toString(), failure.key);
    assert.equal(rows?.length, 1);
    assert.equal(await exec(TestCommand.explanationsMessage, file().toString(), { type: 'history', key: failure.key }), true);
    const history = await waitFor(async () => {
      const p = (await testSnapshot()).explanations.panels.find((x) => x.fileUri === file().toString())?.posted;
      const m = p ? (JSON.parse(p) as { type: string; key?: string; rows?: HistoryRow[] }) : undefined;
      return m?.type === 'history' && m.key === failure.key ? m : undefined;
    }, 'the history posted to the card');
    assert.deepEqual(history.rows?.map((r) => [r.from.replace(/ \(.*/, ''), r.to, r.who, r.explanation]), [['Failed', 'Passed (90%)', 'local-user@localhost', PASS.explanation]]);
    // A message for a response of another run, or any other shape, is refused.
    const rejected = (await testSnapshot()).explanations.panels.find((x) => x.fileUri === file().toString())!.rejected;
    const patches = server.stats.count(PATCH);
    assert.equal(await exec(TestCommand.explanationsMessage, file().toString(), { type: 'override', key: 'not-a-key' }), false);
    assert.equal(await exec(TestCommand.explanationsMessage, file().toString(), { type: 'override', key: failure.key, command: 'x' }), false);
    assert.equal((await testSnapshot()).explanations.panels.find((x) => x.fileUri === file().toString())!.rejected, rejected + 2);
    assert.equal(server.stats.count(PATCH), patches);
  });

  it('the palette (no argument): picks an entry of the active file\'s latest run, failures first', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file()));
    const run = await latest();
    const target = run.items.find((i) => i.verdict === 'failed' && !i.review) ?? run.items.find((i) => i.verdict === 'passed' && !i.review)!;
    assert.equal(await overrideWith({ entry: target.key, ...PASS }), 'applied');
    const a = await asked();
    assert.equal(a.entries.length, run.items.length, 'every result of the run is offered');
    assert.match(a.entries[0]!, /^Failed/, 'failures first');
    assert.match(a.steps[0]!, /override a verdict \(bot\.responses\.json\)/);
    assert.equal((await itemOf(target.key)).review?.by, 'local-user@localhost');
  });

  it('Show Verdict History from a tree row lists every change, oldest first', async () => {
    const run = await latest();
    const twice = run.items.find((i) => i.review && i.verdict === 'passed')!;
    assert.equal(await overrideWith({ verdict: 'fail', confidence: '0.55', explanation: 'On second thought, no.' }, file().toString(), twice.key), 'applied');
    const nodes = await exec<{ id: string; node: unknown }[]>(TestCommand.treeNodes);
    const node = nodes.find((n) => n.id === `item|${file().toString()}|${run.eval_run_uuid}|${twice.key}`)?.node;
    const rows = await exec<HistoryRow[] | undefined>(Command.showVerdictHistory, node);
    assert.deepEqual(rows?.map((r) => r.to), ['Passed (90%)', 'Failed (55%)']);
    assert.deepEqual(rows?.map((r) => r.explanation), [PASS.explanation, 'On second thought, no.']);
  });

  it('survives a reload: the verdict, the review mark, counts and pass rate are read back from the saved run', async () => {
    const before = await latest();
    const reviewed = before.items.filter((i) => i.review).map((i) => [i.key, i.verdict, i.review]);
    assert.ok(reviewed.length >= 3);
    await exec(TestCommand.reloadState);
    const after = await latest();
    assert.notEqual(after, before);
    assert.deepEqual(after.items.filter((i) => i.review).map((i) => [i.key, i.verdict, i.review]), reviewed);
    assert.deepEqual(after.counts, before.counts);
    assert.equal(after.pass_rate, before.pass_rate);
    const summary = (await testSnapshot()).records.find((r) => r.uri === file().toString())!.history[0]!;
    assert.deepEqual(summary.counts, after.counts, 'the run\'s summary (history, trend) follows too');
  });

  it('Refresh Results reads the reviewed verdicts back from Aymara, review marks included', async () => {
    const before = await latest();
    const reviewed = before.items.filter((i) => i.review).map((i) => [i.key, i.verdict, i.confidence, i.review]);
    assert.ok(reviewed.length >= 3, 'the earlier tests reviewed some results');
    const results = await exec<unknown[]>(Command.refresh, file());
    assert.equal(results.length, 1, 'the run was read again');
    const after = await latest();
    assert.notEqual(after, before);
    assert.deepEqual(after.items.filter((i) => i.review).map((i) => [i.key, i.verdict, i.confidence, i.review]), reviewed);
    assert.deepEqual(after.counts, before.counts);
  });

  it('Escape at any step, or an answer the box refuses, sends nothing and changes nothing', async () => {
    const [failure] = await failures();
    const target = failure ?? (await latest()).items.find((i) => i.verdict === 'passed')!;
    const before = await latest();
    const patches = server.stats.count(PATCH);
    for (const answers of [{ verdict: null }, { verdict: 'pass', confidence: null }, { verdict: 'pass', confidence: '0.9', explanation: null }, { entry: null }] as const) {
      const args = 'entry' in answers ? [] : [file().toString(), target.key];
      assert.equal(await overrideWith(answers, ...args), 'dismissed', JSON.stringify(answers));
    }
    assert.equal(await overrideWith({ verdict: 'pass', confidence: '1.5' }, file().toString(), target.key), 'dismissed');
    assert.match((await asked()).problems[0] ?? '', /not between 0 and 1/);
    assert.equal(await overrideWith({ verdict: 'pass', confidence: '0.5', explanation: '   ' }, file().toString(), target.key), 'dismissed');
    assert.match((await asked()).problems[0] ?? '', /explanation is required/);
    assert.equal(server.stats.count(PATCH), patches, 'nothing was sent');
    assert.equal(await latest(), before, 'the results did not change');
  });

  it('foreign or bad arguments: a message saying what to do, nothing sent', async () => {
    const patches = server.stats.count(PATCH);
    const run = await latest();
    const cases: [unknown[], RegExp][] = [
      [[42], /could not tell which response/],
      [[{ kind: 'item', uri: 7 }], /could not tell which response/],
      [[[file()], 'x'], /could not tell which response/],
      [[file().toString(), 'no-such-key'], /not in the latest results/],
      [[{ kind: 'item', uri: file().toString(), runUuid: 'score_run.older', verdict: 'failed', key: run.items[0]!.key }], /earlier run/],
      [[vscode.Uri.joinPath(file(), '..', 'README.md').toString(), run.items[0]!.key], /no results to review yet/],
    ];
    for (const [args, expected] of cases) {
      await clearMessages();
      assert.equal(await overrideWith(PASS, ...args), 'refused', JSON.stringify(args));
      assert.match((await lastMessage()).message, expected);
    }
    assert.equal(server.stats.count(PATCH), patches);
  });
});

type Row = { id: string | undefined; description: unknown; icon: string | undefined; tooltip: string | undefined; children: Row[] };
function findRow(rows: Row[], idEnd: string): Row | undefined {
  for (const r of rows) {
    if (r.id?.startsWith('item|') && r.id.endsWith(idEnd)) return r;
    const inner = findRow(r.children, idEnd);
    if (inner) return inner;
  }
  return undefined;
}
