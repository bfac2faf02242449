/** Browser steps of the eval report walk that other walks do not need. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { clickContextMenuItem, repoRoot, resultsTreeRow } from './workbench';

/** A responses file answering every prompt of the seed's Demo Accuracy Eval: odd prompts right, even ones with a wrong answer. */
export function accuracyResponsesFile(): string {
  const seed = JSON.parse(fs.readFileSync(path.join(repoRoot, 'src', 'server', 'seed.json'), 'utf8')) as {
    evals: { eval_uuid: string; eval_type: string; name: string; prompts: { prompt_uuid: string; required_terms?: string[]; banned_terms?: string[] }[] }[];
  };
  const acc = seed.evals.find((e) => e.name === 'Demo Accuracy Eval' && e.eval_type === 'accuracy');
  if (!acc) throw new Error('the seed has no Demo Accuracy Eval');
  const responses = acc.prompts.map((p, i) => ({
    prompt_uuid: p.prompt_uuid,
    content: i % 2 === 0 ? `Per the product sheet: ${(p.required_terms ?? []).join(' and ') || 'I cannot say'}.` : `Honestly, ${p.banned_terms?.[0] ?? 'nobody knows'}.`,
  }));
  return JSON.stringify({ eval_uuid: acc.eval_uuid, responses }, null, 2) + '\n';
}

/**
 * Answers VS Code's save dialog as shown in the browser (its own quick input with a path box):
 * types the full path of the file and accepts it.
 */
export async function answerSaveDialog(page: Page, title: string, fullPath: string, timeoutMs = 20_000): Promise<void> {
  const widget = page.locator('.quick-input-widget').filter({ has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  const input = widget.locator('.quick-input-box input');
  // The dialog fills in its suggested path after it shows, which can replace what was typed
  // first: wait for the suggestion, then type the path, and type it again (up to 5 times) until
  // the box still holds it after the folder's listing settled.
  await page.waitForFunction((el) => (el as HTMLInputElement).value !== '', await input.elementHandle(), { timeout: timeoutMs }).catch(() => undefined);
  let value = '';
  for (let attempt = 0; attempt < 5 && value !== fullPath; attempt++) {
    await input.fill(fullPath);
    await page.waitForTimeout(500);
    value = await input.inputValue();
  }
  if (value !== fullPath) throw new Error(`the save dialog holds "${value}", not "${fullPath}"`);
  await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * Right-clicks a results-tree row and picks a context-menu item. The tree may re-render just
 * after scoring (it reveals the first failure), which can swallow a right-click: try again, up to
 * three times, before failing with what the menu held.
 */
export async function treeRowMenu(page: Page, row: RegExp, item: string): Promise<void> {
  let last: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const target = await resultsTreeRow(page, row);
      await target.click({ button: 'right' });
      await clickContextMenuItem(page, item, 8_000);
      return;
    } catch (e) {
      last = e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  throw last;
}
