/** Page helpers of the Override Verdict… walk: the Aymara status bar item, the quick fix menu, the quick input. */
import type { Page } from 'playwright-core';
import { harness } from './workbench';

/** The Aymara status bar item's text, e.g. "50%  4  3" (pass rate, failures, passes). */
export async function aymaraStatus(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item[id$="aymara.status"]').first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  return ((await item.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Failure count shown by the status bar (the number after the pass rate). */
export async function statusFailures(page: Page): Promise<number> {
  const m = /%\s+(\d+)\s+(\d+)/.exec(await aymaraStatus(page));
  if (!m) throw new Error(`The Aymara status bar item shows no counts: "${await aymaraStatus(page)}"`);
  return Number(m[1]);
}

/** Go to line:column in the active editor with Ctrl+G. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('Control+G');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`); // Ctrl+G opens Quick Open with the ":" (go to line) prefix
  await input.press('Enter'); // on the box itself, wherever the page's focus went
  await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** Ctrl+. in the editor, then the quick fix with this title; returns the titles the menu offered. */
export async function pickQuickFix(page: Page, title: string): Promise<string[]> {
  const rows = page.locator('.action-widget .monaco-list-row');
  const h = await harness();
  let titles: string[] = [];
  await h.waitFor(
    async () => {
      if (!(await rows.first().isVisible().catch(() => false))) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+.');
        await rows.first().waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      }
      titles = await rows.evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
      return titles.some((t) => t.includes(title)) || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: `the quick fix "${title}" after Ctrl+.` },
  );
  await rows.filter({ hasText: title }).first().click();
  return titles;
}

/** Answer the visible quick pick by clicking the row with this label. */
export async function pickQuickInput(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) });
  await row.first().waitFor({ state: 'visible', timeout: 20_000 });
  await row.first().click();
}

/** Type into the visible input box (replacing its value) and press Enter in it. */
export async function answerInputBox(page: Page, text: string, titlePattern: RegExp): Promise<void> {
  const title = page.locator('.quick-input-widget .quick-input-title');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const h = await harness();
  await h.waitFor(async () => titlePattern.test((await title.textContent().catch(() => '')) ?? '') || undefined, { timeoutMs: 20_000, intervalMs: 200, what: `an input box titled ${String(titlePattern)}` });
  await input.fill(text);
  await input.press('Enter'); // on the box itself, wherever the page's focus went
}
