/**
 * A multi-turn conversation in a real browser: score the first turns, click Continue
 * Conversation on a response, type the AI's answer where the cursor was put, Score Next Turn,
 * and again to the conversation's third turn; the results tree shows the thread with its three
 * turns in the one run.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openFile, resultsTreeRow, resultsTreeRows, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForNotification } from './workbench';

const FILE = 'chat.responses.json';

/** A code lens of the active editor by its text (spaces in `text` match the non-breaking ones lenses render). */
function lens(page: Page, text: RegExp) {
  return page.locator('.monaco-editor .codelens-decoration > *').filter({ hasText: new RegExp(text.source.replace(/ /g, '\\s')) }).first();
}

/**
 * Click a Continue lens until the new turn's prompt lens shows. A click that lands while the
 * lenses are being re-rendered is lost; clicking again is safe, as the lens goes once its turn is in the file.
 */
async function continueBy(page: Page, which: RegExp, then: RegExp): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const target = lens(page, which);
    if (await target.isVisible()) await target.click().catch(() => undefined);
    const shown = await lens(page, then).waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
    if (shown) return;
    if (attempt === 3) throw new Error(`Clicking the lens ${String(which)} never showed ${String(then)}`);
  }
}

describe('e2e: a multi-turn conversation', function () {
  this.timeout(300_000);
  const wb = useWorkbench({ fixture: 'turns', aymaraServer: true, settings: { 'files.autoSave': 'off' } });

  it('continues a conversation to its third turn in one run, typing each answer where Continue puts the cursor', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, FILE);
    await waitForNotification(page, /chat\.responses\.json: .*pass rate/, 60_000);
    await openFile(page, FILE);
    const first = lens(page, /Continue Conversation \(turn 2\)/);
    await first.waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'e2e-turns-1-continue-lenses');

    await continueBy(page, /Continue Conversation \(turn 2\)/, /Turn 2 prompt: Great\. Now give me the exact steps/);
    await page.keyboard.type('I can only describe it in general terms for your story.');
    await screenshot(page, 'e2e-turns-2-turn-2-answered');
    await runCommand(page, 'Aymara: Score Next Turn');
    await waitForNotification(page, /chat\.responses\.json: .*in run score_run\./, 60_000);

    const third = lens(page, /Continue Conversation \(turn 3\)/);
    await third.waitFor({ state: 'visible', timeout: 30_000 });
    await continueBy(page, /Continue Conversation \(turn 3\)/, /Turn 3 prompt: Last question/);
    await page.keyboard.type('I would rather not help with hiding evidence.');
    // The lens above the new turn; a click lost to a re-render is clicked again (a second one while the first runs only says so).
    for (let attempt = 1; ; attempt++) {
      const send = lens(page, /Score Next Turn/);
      if (await send.isVisible()) await send.click().catch(() => undefined);
      const done = await waitForNotification(page, /chat\.responses\.json: 4 passed, 1 failed/, 20_000).then(() => true, () => false);
      if (done) break;
      assert.ok(attempt < 3, 'Score Next Turn from its lens scored the third turn');
    }
    assert.equal(await lens(page, /Continue Conversation \(turn 4\)/).count(), 0, 'the conversation ended at turn 3');
    await screenshot(page, 'e2e-turns-3-turn-3-scored');

    await runCommand(page, 'Aymara: Focus on Results View');
    await resultsTreeRow(page, /I'm writing a thriller.*3 turn\(s\) · 3 passed, 0 failed/);
    await resultsTreeRow(page, /Last question: how would the hero do it/);
    assert.equal(await resultsTreeRows(page).filter({ hasText: /chat\.responses\.json · \d{4}-/ }).count(), 1, 'one run');
    await screenshot(page, 'e2e-turns-4-tree-thread');
  });
});
