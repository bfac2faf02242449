/**
 * The results tree's own buttons, clicked in a real browser: the inline Score button (beaker) on a
 * file row scores that file even with no editor open (it used to say "Open a responses file…" and
 * score nothing), and Clear Results in the row's context menu clears that file.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clickContextMenuItem, notifications, openProblems, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem } from './workbench';

function treeRows(page: Page) {
  return page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row');
}

describe('e2e: the results tree\'s row buttons', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true });

  /** Runs the local server holds, asked over its API. */
  async function runCount(): Promise<number> {
    const { aymara } = wb();
    assert.ok(aymara);
    const res = await fetch(`${aymara.url}/v2/eval-runs?limit=100`, { headers: { 'x-api-key': aymara.apiKey } });
    return ((await res.json()) as { count: number }).count;
  }

  it('the inline Score button on a file row scores that file, with no editor open', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'bot.responses.json');
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 60_000);
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Aymara: Focus on Results View');

    const row = treeRows(page).filter({ hasText: /bot\.responses\.json/ }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // The run row is labelled with the run's name, which is unique per run.
    const runRow = treeRows(page).filter({ hasText: /bot\.responses\.json · \d{4}-/ }).first();
    const runBefore = (await runRow.textContent({ timeout: 10_000 })) ?? '';
    const before = await runCount();
    await row.hover();
    const beaker = row.locator('.actions .action-label[aria-label^="Score Responses File"]');
    await beaker.click({ timeout: 10_000 });

    await page.waitForFunction(
      (old) => [...document.querySelectorAll('[id="workbench.view.extension.aymara"] .monaco-list-row')].some((r) => /bot\.responses\.json · \d{4}-/.test(r.textContent ?? '') && r.textContent !== old),
      runBefore,
      { timeout: 60_000 },
    );
    assert.equal(await runCount(), before + 1, 'one new run on the server');
    const seen = await notifications(page, { openCenter: true });
    assert.ok(!seen.some((t) => /Open a responses file/.test(t)), seen.join(' | '));
    await screenshot(page, 'e2e-tree-beaker-scored');
  });

  it('Clear Results in a file row\'s context menu clears that file', async () => {
    const { page } = wb();
    const row = treeRows(page).filter({ hasText: /bot\.responses\.json/ }).first();
    await row.click({ button: 'right' });
    await clickContextMenuItem(page, 'Clear Results');
    await page.locator('[id="workbench.view.extension.aymara"]').getByText('No results yet.').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await treeRows(page).filter({ hasText: /bot\.responses\.json/ }).count(), 0);
    await screenshot(page, 'e2e-tree-row-cleared');
  });
});
