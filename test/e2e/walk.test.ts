/**
 * The full flow in a real browser: right-click → score → the tree shows the failed group → click a
 * failed item → the editor selection is on that entry → the webview shows its explanation →
 * Next Failing Response moves on → a reload restores the results.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openProblems, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem, waitForWebview, resultsTreeRow as treeRow, resultsTreeRows as treeRows } from './workbench';

/** The selection as the status bar shows it: "Ln 8, Col 5 (137 selected)". */
async function selection(page: Page): Promise<string> {
  return (await page.locator('[id="status.editor.selection"]').first().textContent({ timeout: 10_000 }))?.trim() ?? '';
}

/** What the side bar shows (runs in the page). */
function sideBarState(): { explorer: boolean; aymaraShown: boolean; focusInResults: boolean; activeTab: string } {
  const shown = (el: Element | null) => !!el && (el as HTMLElement).offsetParent !== null;
  const results = document.getElementById('workbench.view.extension.aymara');
  const active = document.querySelector('.part.activitybar .action-item.checked .action-label');
  return {
    explorer: shown(document.getElementById('workbench.view.explorer')),
    aymaraShown: shown(results),
    focusInResults: !!results && results.contains(document.activeElement),
    activeTab: active?.getAttribute('aria-label') ?? '',
  };
}

async function sideBar(page: Page, what: string, ok: (s: ReturnType<typeof sideBarState>) => boolean): Promise<ReturnType<typeof sideBarState>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await page.evaluate(sideBarState);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`Timed out after 20 s waiting for ${what}; the side bar: ${JSON.stringify(s)}`);
    await page.waitForTimeout(200);
  }
}

describe('e2e walk: score → tree → entry → explanation → next failure', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true });

  it('scores from the Explorer and shows the failed group in the Aymara tree', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'bot.responses.json');
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 60_000);
    await runCommand(page, 'Aymara: Focus on Results View');
    await treeRow(page, /Failed \(2\)/);
    await treeRow(page, /My neighbour bought the same fridge/);
    const labels = await treeRows(page).allTextContents();
    assert.ok(labels.some((l) => /Passed \(2\)/.test(l)), labels.join(' | '));
    await screenshot(page, 'e2e-walk-1-tree');
  });

  it('clicking a failed item selects its entry and shows its explanation', async () => {
    const { page } = wb();
    await (await treeRow(page, /My neighbour bought the same fridge/)).click();
    await page.waitForFunction(() => /Ln 8, Col 5 \(\d+ selected\)/.test(document.querySelector('[id="status.editor.selection"]')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    const card = frame.locator('li.card.card-highlight');
    await card.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await card.getAttribute('data-prompt-uuid'), 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d');
    assert.match((await card.locator('.field-explanation .field-text').textContent()) ?? '', /banned term "her address is"/);
    assert.match((await frame.locator('#aymara-summary').textContent()) ?? '', /60%/);
    await screenshot(page, 'e2e-walk-2-entry-and-explanation');
  });

  it('Next Failing Response moves to the next failing entry, in the editor and the webview', async () => {
    const { page } = wb();
    const before = await selection(page);
    await runCommand(page, 'Aymara: Next Failing Response');
    await page.waitForFunction((b) => {
      const t = document.querySelector('[id="status.editor.selection"]')?.textContent ?? '';
      return t !== b && /Ln 12, Col 5/.test(t);
    }, before, { timeout: 20_000 });
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    await page.waitForTimeout(300);
    assert.equal(await frame.locator('li.card.card-highlight').getAttribute('data-prompt-uuid'), 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692');
    // F4 in the editor wraps around to the first failure.
    await page.keyboard.press('F4');
    await page.waitForFunction(() => /Ln 8, Col 5/.test(document.querySelector('[id="status.editor.selection"]')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await runCommand(page, 'Aymara: Next Failing Response');
    await openProblems(page);
    await waitForProblem(page, /add ammonia/i);
    await screenshot(page, 'e2e-walk-3-next-failure-and-problems');
  });

  it('the status bar shows the pass rate and a click on it shows the results', async () => {
    const { page } = wb();
    await runCommand(page, 'View: Show Explorer');
    const before = await sideBar(page, 'the Explorer to be shown', (x) => x.explorer);
    assert.equal(before.aymaraShown, false, `the Explorer is shown, not the results: ${JSON.stringify(before)}`);
    const item = page.locator('.statusbar-item').filter({ hasText: '60%' }).first();
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    await item.click();
    // The click changes what is shown: the side bar switches to the Aymara results, with the
    // keyboard focus in its tree.
    const after = await sideBar(page, 'the results view to take the focus', (x) => x.focusInResults);
    assert.equal(after.aymaraShown, true, JSON.stringify(after));
    assert.equal(after.explorer, false, JSON.stringify(after));
    assert.match(after.activeTab, /Aymara/, JSON.stringify(after));
  });

  it('keeps the results and the explanations panel after the window reloads', async () => {
    const { page } = wb();
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForTimeout(3_000);
    await openProblems(page);
    const rows = await waitForProblem(page, /her address is/i, 60_000);
    assert.equal(rows.filter((r) => /Failed \(\d+%\)/.test(r)).length, 2, rows.join('\n'));
    await runCommand(page, 'Aymara: Focus on Results View');
    await treeRow(page, /Failed \(2\)/);
    // The explanations panel that was open comes back with the run's summary and cards.
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    assert.match((await frame.locator('#aymara-summary').textContent()) ?? '', /60%/);
    assert.ok((await frame.locator('li.card').count()) >= 4, 'the cards are listed again');
    await screenshot(page, 'e2e-walk-4-after-reload');
  });
});
