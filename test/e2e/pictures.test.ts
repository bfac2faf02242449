/**
 * The README's pictures, taken by a real walk through the workbench at a fixed window size and
 * theme: score the demo file, then photograph Problems, the Aymara tree, the Explanations panel,
 * the three side by side (the hero picture), and a short animation of the walk.
 *
 * In `npm test` the pictures go to test-results/pictures/ and the test checks that each one was
 * made (a PNG or GIF of the expected size); `npm run docs:images` runs the same walk with
 * AYMARA_PICTURES_DIR=docs/images to refresh the checked-in pictures after a UI change.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { encodeAnimation, optimisePng, pngSize } from './pictures/encode';
import { clickContextMenuItem, openProblems, repoRoot, resultsDir, rightClickExplorerItem, runCommand, useWorkbench, waitForProblem, waitForWebview, waitForActivation } from './workbench';

const VIEWPORT = { width: 1280, height: 800 };
const outDir = path.resolve(repoRoot, process.env.AYMARA_PICTURES_DIR ?? path.join(resultsDir, 'pictures'));

describe('README pictures: the walk that takes them', function () {
  this.timeout(240_000);
  const wb = useWorkbench({
    fixture: 'demo',
    aymaraServer: true,
    viewport: VIEWPORT,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'editor.minimap.enabled': false,
      'window.commandCenter': false,
      'chat.commandCenter.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
  });
  const frames: Buffer[] = [];
  const written: string[] = [];

  before(() => fs.mkdirSync(outDir, { recursive: true }));

  async function frame(page: Page): Promise<void> {
    frames.push(await page.screenshot({ type: 'png' }));
  }

  async function picture(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
    const png = await page.screenshot({ type: 'png', ...(clip ? { clip } : {}) });
    const file = path.join(outDir, `${name}.png`);
    fs.writeFileSync(file, optimisePng(png));
    written.push(file);
  }

  it('scores the demo file from the Explorer and photographs Problems', async () => {
    const { page, server } = wb();
    await waitForActivation(server, undefined, 60_000); // its menu items are there once the extension host knows it
    await frame(page);
    await rightClickExplorerItem(page, 'support-bot.responses.json');
    await frame(page);
    await clickContextMenuItem(page, 'Score Responses File');
    await frame(page);
    await openProblems(page);
    await waitForProblem(page, /Failed \(\d+%\)/, 60_000);
    await page.waitForTimeout(500);
    await frame(page);
    const panel = await page.locator('#workbench\\.parts\\.panel').boundingBox();
    assert.ok(panel, 'the Problems panel is visible');
    await picture(page, 'problems', panel);
  });

  it('photographs the Aymara tree and the Explanations panel', async () => {
    const { page } = wb();
    await runCommand(page, 'Aymara: Focus on Results View');
    const failed = page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row').filter({ hasText: /Failed \(\d+\)/ }).first();
    await failed.waitFor({ state: 'visible', timeout: 30_000 });
    await frame(page);
    const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
    assert.ok(sidebar, 'the side bar is visible');
    await picture(page, 'tree', sidebar);
    const entry = page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row').filter({ hasText: /tape the latch|bleach/i }).first();
    await entry.click();
    const webview = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    await webview.locator('li.card.card-highlight').waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForTimeout(500);
    await frame(page);
    await picture(page, 'hero');
    const panel = await page.locator('.editor-group-container').last().boundingBox();
    assert.ok(panel, 'the Explanations panel is visible');
    await picture(page, 'explanations', panel);
  });

  it('writes the animation and every picture has the size it was taken at', () => {
    const gif = path.join(outDir, 'walkthrough.gif');
    fs.writeFileSync(gif, encodeAnimation(frames, { width: 960, delayMs: 1200 }));
    written.push(gif);
    for (const file of written) {
      const bytes = fs.readFileSync(file);
      const size = pngSize(bytes) ?? gifSize(bytes);
      assert.ok(size && size.width >= 200 && size.height >= 200, `${path.relative(repoRoot, file)} is a picture of at least 200×200 (got ${JSON.stringify(size)})`);
    }
    assert.deepEqual(pngSize(fs.readFileSync(path.join(outDir, 'hero.png'))), VIEWPORT);
    assert.equal(frames.length >= 5, true, `the animation has ${frames.length} frames`);
  });
});

function gifSize(b: Buffer): { width: number; height: number } | undefined {
  return b.subarray(0, 6).toString('latin1').startsWith('GIF8') ? { width: b.readUInt16LE(6), height: b.readUInt16LE(8) } : undefined;
}
