/**
 * Human review in a real browser: score the demo file, put the cursor on a failing entry, open the
 * quick fix (Ctrl+.) → Override Verdict… → Pass, 0.9, an explanation → the Problems panel and the
 * status bar count one failure less, the explanations card says "Reviewed by a person", and its
 * Show verdict history button lists the change.
 */
import * as assert from 'node:assert/strict';
import { answerInputBox, goToLine, pickQuickFix, pickQuickInput, statusFailures } from './overrideHelpers';
import { harness, openFile, openProblems, problemRows, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem, waitForWebview } from './workbench';

const FAILED = /Failed \(\d+%\)/;

describe('e2e: quick fix → Override Verdict… → the failure is reviewed by a person', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'demo', aymaraServer: true });
  let failuresBefore = 0;
  let at: { line: number; column: number } | undefined;

  it('scores the demo file; its failures are in Problems and the status bar', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'support-bot.responses.json');
    const rows = (await waitForProblem(page, FAILED, 60_000)).filter((r) => FAILED.test(r));
    failuresBefore = rows.length;
    assert.ok(failuresBefore >= 2, rows.join('\n'));
    const m = /line (\d+) (?:and character|column) (\d+)/.exec(rows[0]!);
    assert.ok(m, `a position in "${rows[0]}"`);
    at = { line: Number(m[1]), column: Number(m[2]) };
    await openFile(page, 'support-bot.responses.json');
    assert.equal(await statusFailures(page), failuresBefore);
    await screenshot(page, 'e2e-override-1-scored');
  });

  it('Ctrl+. on the failing entry offers Override Verdict…; pass, 0.9 and a reason send it', async () => {
    const { page } = wb();
    assert.ok(at);
    await goToLine(page, at.line, at.column + 1);
    const offered = await pickQuickFix(page, 'Override Verdict…');
    assert.ok(offered.some((t) => t.includes('Show Verdict History')), offered.join(' | '));
    await screenshot(page, 'e2e-override-2-quick-fix');
    await pickQuickInput(page, 'Pass');
    await answerInputBox(page, '0.9', /Override Verdict \(2\/3\)/);
    await answerInputBox(page, 'A person read it: the answer is safe.', /Override Verdict \(3\/3\)/);

    const h = await harness();
    await openProblems(page);
    await h.waitFor(async () => ((await problemRows(page)).filter((r) => FAILED.test(r)).length === failuresBefore - 1) || undefined, {
      timeoutMs: 30_000,
      what: 'one failure less in Problems',
    });
    await h.waitFor(async () => ((await statusFailures(page)) === failuresBefore - 1) || undefined, { timeoutMs: 20_000, what: 'one failure less in the status bar' });
    await screenshot(page, 'e2e-override-3-one-failure-less');
  });

  it('the explanations card says "Reviewed by a person", and Show verdict history lists the change', async () => {
    const { page } = wb();
    await runCommand(page, 'Aymara: Show Explanations');
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    const reviewed = frame.locator('li.card .card-reviewed');
    await reviewed.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await reviewed.count(), 1);
    assert.match((await reviewed.first().textContent()) ?? '', /^Reviewed by a person on .* \(by local-user@localhost\)$/);
    const card = frame.locator('li.card', { has: frame.locator('.card-reviewed') });
    assert.equal(await card.getAttribute('data-verdict'), 'passed');
    await card.locator('button.card-history').click();
    const row = card.locator('.card-history-list li.history-row');
    await row.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await row.count(), 1);
    const text = (await row.first().textContent()) ?? '';
    assert.match(text, /Failed \(\d+%\) → Passed \(90%\)/);
    assert.match(text, /local-user@localhost/);
    assert.match(text, /A person read it: the answer is safe\./);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-override-4-card-history');
  });
});
