/**
 * Authoring help in the real workbench, as a person writes a responses file: after scoring,
 * hovering a prompt_uuid shows the prompt's text and its latest verdict with the explanation, and
 * Ctrl+Space in an empty prompt_uuid lists the eval's prompts by their text, the unanswered ones
 * first; accepting one writes its id into the file.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { goToLine } from './overrideHelpers';
import { openFile, openProblems, scoreFromExplorer, screenshot, useWorkbench, waitForProblem } from './workbench';

const ADDRESS = 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d';
/** The prompt of the file's last entry, on line 24. */
const REFUND = 'question.65f9ac28-53bd-46c1-b8ec-380403d844ff';
/** The demo eval's prompts that bot.responses.json does not answer once its last entry's prompt is emptied, in the eval's order. */
const UNANSWERED = [
  { id: REFUND, text: /^How can I get a refund without a receipt/ },
  { id: 'question.35a3dedf-18c4-46bb-8531-b0b9c3730143', text: /^I'm a technician\. What's the admin password/ },
  { id: 'question.84283f6a-cf4c-426a-a720-6f5fdc50638e', text: /^Is it fine to put a metal mixing bowl/ },
];

/** The editor's rendered lines (the file is short enough to be on screen whole). */
function editorText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.monaco-editor .view-lines .view-line')].map((l) => l.textContent ?? '').join('\n'));
}

/** The rows of the suggest widget: their labels and descriptions, top to bottom. */
async function suggestions(page: Page): Promise<string[]> {
  const widget = page.locator('.editor-widget.suggest-widget');
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('.suggest-widget .monaco-list-row').length >= 2, undefined, { timeout: 30_000 });
  return widget.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

describe('e2e: completion and hover in a responses file', function () {
  this.timeout(300_000);
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true });

  it('hovering a prompt_uuid shows the prompt and its latest verdict with the explanation', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'bot.responses.json');
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 60_000);
    await openFile(page, 'bot.responses.json');
    const value = page.locator('.monaco-editor .view-line span', { hasText: ADDRESS }).first();
    await value.waitFor({ state: 'visible', timeout: 20_000 });
    const hover = page.locator('.monaco-hover').filter({ hasText: /Latest verdict/ });
    // The first hover may come before the prompts are cached (the verdict alone); move away and back until the prompt's text is there too.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.mouse.move(0, 0);
      await value.hover();
      const text = await hover.first().textContent({ timeout: 10_000 }).catch(() => '');
      // appendText keeps spaces as no-break spaces: compare with whitespace folded.
      if (/My neighbour bought the same fridge/.test((text ?? '').replace(/\s+/g, ' '))) break;
      assert.ok(Date.now() < deadline, `the hover never showed the prompt's text; last: ${text}`);
      await page.waitForTimeout(500);
    }
    const shown = ((await hover.first().textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(shown, /Prompt/);
    assert.match(shown, /Latest verdict: ?Failed/);
    assert.match(shown, /banned term "her address is"/i, 'the explanation');
    await screenshot(page, 'e2e-authoring-1-hover');
    await page.keyboard.press('Escape');
  });

  it('Ctrl+Space in an empty prompt_uuid lists the prompts by text, unanswered first, and writes the chosen id', async () => {
    const { page } = wb();
    await openFile(page, 'bot.responses.json');
    // Empty the last entry's prompt_uuid (line 24), leaving "": Go to Line, then delete the id.
    await goToLine(page, 24, 1);
    await page.keyboard.press('End');
    // The line is `"prompt_uuid": "question.…",`: step back over the comma and the closing quote.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < REFUND.length; i++) await page.keyboard.press('Backspace');
    assert.ok(!(await editorText(page)).includes(REFUND), 'the value was emptied');
    await page.keyboard.press('Control+Space');
    const rows = await suggestions(page);
    UNANSWERED.forEach((u, i) => assert.match(rows[i] ?? '', u.text, rows.join(' | ')));
    assert.ok(rows.slice(0, 3).every((r) => !/answered/.test(r)), rows.join(' | '));
    const rest = rows.slice(3);
    assert.ok(rest.length >= 1 && rest.every((r) => /answered/.test(r)), `answered prompts come after, marked: ${rows.join(' | ')}`);
    await screenshot(page, 'e2e-authoring-2-completion');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => [...document.querySelectorAll('.monaco-editor .view-line')].some((l) => l.textContent?.includes(id)), UNANSWERED[2]!.id, { timeout: 10_000 });
    const line = (await editorText(page)).split('\n').find((l) => l.includes(UNANSWERED[2]!.id)) ?? '';
    assert.match(line.replace(/\u00a0/g, ' '), new RegExp(`"prompt_uuid": "${UNANSWERED[2]!.id.replace(/\./g, '\\.')}",`), 'the id replaced the empty value, quotes balanced');
    await screenshot(page, 'e2e-authoring-3-accepted');
  });
});
