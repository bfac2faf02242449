/**
 * A run of 1,500 responses in the explanations panel of a real workbench: the page gets the first
 * cards with the summary and the rest in parts (webviewParts.ts). Checked in the browser: every
 * response is counted while at most a window of cards is in the DOM, a filter lists the matching
 * cards of every part, and when the file is scored again the panel shows the new run with that
 * filter, listing the same cards once all parts are in (a filtered view waits for them).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { generateResponsesFile } from '../bench/lib/generate';
import { openFile, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForWebview } from './workbench';

const N = 1_500;
const FILE = 'many.responses.json';

async function matchCount(frame: FrameLocator): Promise<string> {
  return ((await frame.locator('#aymara-match-count').textContent({ timeout: 10_000 })) ?? '').trim();
}

async function waitForCount(page: Page, frame: FrameLocator, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await matchCount(frame).catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`Timed out after 30 s waiting for ${what}; the count says "${text}"`);
    await page.waitForTimeout(200);
  }
}

async function verdictsInDom(frame: FrameLocator): Promise<string[]> {
  return frame.locator('#aymara-cards li.card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.verdict ?? ''));
}

describe('e2e: explanations for a large run, sent in parts', function () {
  this.timeout(300_000);
  const workspace = mkdtempSync(join(tmpdir(), 'aymara-e2e-many-'));
  writeFileSync(join(workspace, FILE), generateResponsesFile(N).text);
  const wb = useWorkbench({ workspace, aymaraServer: true });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  let passed = 0;

  it(`counts all ${N.toLocaleString('en-US')} responses and keeps only a window of cards in the DOM`, async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, FILE);
    await openFile(page, FILE);
    await runCommand(page, 'Aymara: Show Explanations');
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]', 60_000);
    await waitForCount(page, frame, new RegExp(`^${N} of ${N} responses$`), `all ${N} responses`);
    assert.equal(await frame.locator('#aymara-explanations').getAttribute('data-loading'), null, 'every part is in');
    const cards = await frame.locator('#aymara-cards li.card').count();
    assert.ok(cards > 0 && cards <= 500, `${cards} cards in the DOM`);
    assert.match((await frame.locator('#aymara-show-more').textContent()) ?? '', /Show more/);
  });

  it('a filter lists the matching cards of every part, and keeps listing them when the file is scored again', async () => {
    const { page, server } = wb();
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    const option = frame.locator('#aymara-explanations label[data-filter="passed"]');
    const label = ((await option.locator('.filter-count').textContent()) ?? '').trim();
    passed = Number(label);
    // Most responses pass: the passed cards are in the later parts (failures come first).
    assert.ok(passed > 1_000 && passed < N, `the Passed option's count: "${label}"`);
    await option.click();
    await waitForCount(page, frame, new RegExp(`^${passed} of ${N} responses$`), `${passed} passed responses`);
    assert.deepEqual([...new Set(await verdictsInDom(frame))], ['passed']);
    await screenshot(page, 'e2e-many-1-filtered');

    // Scored again, the panel follows the new run with the filter kept: a filtered view waits for
    // every part, then lists the matching cards of all of them.
    const firstRun = await frame.locator('#aymara-explanations').getAttribute('data-run');
    await scoreFromExplorer(page, server, FILE);
    const deadline = Date.now() + 60_000;
    while ((await frame.locator('#aymara-explanations').getAttribute('data-run')) === firstRun) {
      if (Date.now() > deadline) throw new Error('Timed out after 60 s waiting for the panel to show the new run');
      await page.waitForTimeout(200);
    }
    await waitForCount(page, frame, new RegExp(`^${passed} of ${N} responses$`), `${passed} passed responses of the new run`);
    assert.equal(await frame.locator('#aymara-explanations label[data-filter="passed"] input').isChecked(), true, 'the filter is kept');
    // Updates of the run on screen that follow (the results being saved) keep the cards listed.
    for (const until = Date.now() + 3_000; Date.now() < until; ) {
      assert.deepEqual([...new Set(await verdictsInDom(frame))], ['passed']);
      await page.waitForTimeout(100);
    }
    assert.equal(await frame.locator('#aymara-no-match').isVisible(), false);
    await screenshot(page, 'e2e-many-2-new-run-filtered');
  });
});
