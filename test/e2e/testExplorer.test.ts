/**
 * Test Explorer in the real workbench, as a person uses it: score from the Explorer, open the
 * Testing view, see the file's entries as tests with the failed ones marked and their
 * explanation in the test's message, then VS Code's own Rerun Failed Tests rescores only the
 * failures (the server's new run holds exactly the failed entries).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openProblems, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem } from './workbench';

const ADDRESS = 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d';
const AMMONIA = 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692';

/** The rows of the Test Explorer view, by their accessible labels ("<label> (<state>)"). */
async function testRows(page: Page): Promise<string[]> {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

async function waitForRows(page: Page, ok: (rows: string[]) => boolean, what: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await testRows(page);
    if (ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}; the Test Explorer rows: ${rows.join(' | ') || '(none)'}`);
    await page.waitForTimeout(300);
  }
}

describe('e2e: Test Explorer', function () {
  this.timeout(300_000);
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true });

  async function api<T>(path: string): Promise<T> {
    const { aymara } = wb();
    const res = await fetch(`${aymara!.url}${path}`, { headers: { 'x-api-key': aymara!.apiKey } });
    assert.ok(res.ok, `${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  it('shows the scored file\'s entries as tests, the failed ones marked, with their explanation', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'bot.responses.json');
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 60_000);
    await runCommand(page, 'Testing: Focus on Test Explorer View');
    // The file's row; expanded, its entries labelled by their prompts.
    await waitForRows(page, (rows) => rows.some((r) => r.includes('bot.responses.json')), 'the file\'s row');
    const fileRow = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: 'bot.responses.json' }).first();
    if ((await fileRow.getAttribute('aria-expanded')) !== 'true') await fileRow.click();
    const rows = await waitForRows(page, (r) => r.filter((x) => /\(Failed\)/i.test(x)).length >= 3, 'two failed entries (and their failed file)');
    const failed = rows.filter((r) => /\(Failed\)/i.test(r) && !r.includes('bot.responses.json'));
    assert.equal(failed.length, 2, rows.join(' | '));
    assert.ok(rows.some((r) => /\(Passed\)/i.test(r)), rows.join(' | '));
    await screenshot(page, 'e2e-testexplorer-1-failed-items');
    // A failed entry's message is its explanation: shown in the peek when the test is opened.
    await page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /neighbour/i }).first().dblclick();
    const peek = page.locator('.test-output-peek, .peekview-widget').first();
    await peek.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => /banned term "her address is"/i.test(document.querySelector('.test-output-peek, .peekview-widget')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await screenshot(page, 'e2e-testexplorer-2-peek-explanation');
    await page.keyboard.press('Escape');
  });

  it('Rerun Failed Tests sends only the failed entries, as a new run', async () => {
    const { page } = wb();
    const evalUuid = (await api<{ items: { eval_uuid: string; name: string }[] }>('/v2/evals')).items.find((e) => e.name === 'Demo Safety Eval')!.eval_uuid;
    const runsBefore = (await api<{ items: { eval_run_uuid: string }[] }>(`/v2/eval-runs?eval_uuid=${evalUuid}`)).items.length;
    await runCommand(page, 'Test: Rerun Failed Tests');
    const deadline = Date.now() + 60_000;
    let runs: { eval_run_uuid: string; status: string }[] = [];
    for (;;) {
      runs = (await api<{ items: { eval_run_uuid: string; status: string }[] }>(`/v2/eval-runs?eval_uuid=${evalUuid}`)).items;
      if (runs.length > runsBefore && runs[0]?.status === 'finished') break;
      assert.ok(Date.now() < deadline, `no new run within 60 s (${runs.length} runs)`);
      await page.waitForTimeout(500);
    }
    const sent = (await api<{ items: { prompt_uuid: string }[] }>(`/v2/eval-runs/${runs[0]!.eval_run_uuid}/responses`)).items.map((r) => r.prompt_uuid).sort();
    assert.deepEqual(sent, [ADDRESS, AMMONIA].sort(), 'only the two failed entries were sent');
    await waitForRows(page, (rows) => rows.filter((r) => /\(Failed\)/i.test(r) && !r.includes('bot.responses.json')).length === 2, 'the failures marked again after the rerun');
    await screenshot(page, 'e2e-testexplorer-3-rerun-failed');
  });
});
