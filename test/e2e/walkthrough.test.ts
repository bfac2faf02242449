/**
 * The Get Started walkthrough in the real workbench, followed as a new user would: open it from
 * the palette, press each step's button, and see each step checked by the real event (a key
 * saved, a file scored, the explanations opened, a second run), with the demo file shown beside
 * the walkthrough.
 */
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { editorTab, openFile, runCommand, screenshot, submitInputBox, useWorkbench } from './workbench';

const STEPS = ['setKey', 'score', 'read', 'compare'] as const;

function step(page: Page, id: (typeof STEPS)[number]): Locator {
  return page.locator(`button.getting-started-step[data-step-id$="aymara.${id}"]`);
}

async function checked(page: Page): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const id of STEPS) out[id] = (await step(page, id).getAttribute('aria-checked')) === 'true';
  return out;
}

async function waitChecked(page: Page, id: (typeof STEPS)[number], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await step(page, id).getAttribute('aria-checked')) !== 'true') {
    assert.ok(Date.now() < deadline, `step "${id}" was not checked within ${timeoutMs / 1000} s: ${JSON.stringify(await checked(page))}`);
    await page.waitForTimeout(300);
  }
}

/** Expand a step (its title is a button) and press the link-button in its description. */
async function pressStepButton(page: Page, id: (typeof STEPS)[number], label: string): Promise<void> {
  await step(page, id).click();
  const button = page.locator('.gettingStartedContainer').getByRole('button', { name: label, exact: true }).or(page.locator('.gettingStartedContainer a', { hasText: label })).first();
  await button.waitFor({ state: 'visible', timeout: 20_000 });
  await button.click();
}

describe('e2e: the Get Started walkthrough', function () {
  this.timeout(300_000);
  const wb = useWorkbench({ fixture: 'demo', aymaraServer: true });

  it('each step is checked by its real event: key saved, file scored, explanations read, a second run', async () => {
    const { page, aymara } = wb();
    // The demo file beside the walkthrough: Score Active File acts on it.
    await openFile(page, 'support-bot.responses.json');
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'View: Focus First Editor Group');
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Get Started with Aymara Eval Scoring' }).first();
    await pick.waitFor({ state: 'visible', timeout: 20_000 });
    await pick.click();
    await step(page, 'setKey').waitFor({ state: 'visible', timeout: 30_000 });
    // The environment's key does not count as a saved one: nothing is checked yet.
    assert.deepEqual(await checked(page), { setKey: false, score: false, read: false, compare: false });
    await screenshot(page, 'e2e-walkthrough-1-start');

    await pressStepButton(page, 'setKey', 'Set API Key');
    await submitInputBox(page, aymara!.apiKey);
    await waitChecked(page, 'setKey');

    await pressStepButton(page, 'score', 'Score Active File');
    await waitChecked(page, 'score');

    await pressStepButton(page, 'read', 'Show Explanations');
    await waitChecked(page, 'read');
    await page.locator('iframe.webview').first().waitFor({ state: 'attached', timeout: 30_000 });

    // The explanations opened beside the walkthrough, over the file: bring the file back in that
    // group (its tab there is the last one of that name), then press the last step's button.
    await editorTab(page, 'support-bot.responses.json').last().click();
    await pressStepButton(page, 'compare', 'Score Failed Only');
    await waitChecked(page, 'compare');
    assert.deepEqual(await checked(page), { setKey: true, score: true, read: true, compare: true });
    await screenshot(page, 'e2e-walkthrough-2-all-done');
  });
});
