/**
 * Image answers from workspace files in a real workbench: the demo workspace's image answers file
 * (three small PNGs in shots/) is scored from the Explorer, the pictures are uploaded to the local
 * server, the one named after a banned term fails, and the explanations cards show each picture
 * as a thumbnail loaded from the workspace file under the webview's CSP. Pictures go to
 * test-results/ and, for the README, test-results/pictures/ (or AYMARA_PICTURES_DIR).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { optimisePng } from './pictures/encode';
import { repoRoot, resultsDir, runCommand, scoreFromExplorer, useWorkbench, waitForWebview } from './workbench';

const outDir = path.resolve(repoRoot, process.env.AYMARA_PICTURES_DIR ?? path.join(resultsDir, 'pictures'));

function treeRow(page: Page, text: RegExp) {
  return page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row').filter({ hasText: text }).first();
}

interface Thumb {
  verdict: string;
  src: string;
  alt: string;
  complete: boolean;
  naturalWidth: number;
  width: number;
  /** Offset from the response text's left edge, in px. */
  left: number;
}

async function thumbnails(frame: FrameLocator): Promise<Thumb[]> {
  return frame.locator('#aymara-cards li.card').evaluateAll((cards) =>
    cards.flatMap((card) => {
      const img = card.querySelector('img.thumbnail') as HTMLImageElement | null;
      if (!img) return [];
      return [{ verdict: (card as HTMLElement).dataset.verdict ?? '', src: img.src, alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth, width: img.getBoundingClientRect().width, left: img.getBoundingClientRect().left - (card.querySelector('.field-response .field-text')?.getBoundingClientRect().left ?? 0) }];
    }),
  );
}

describe('e2e: image answers from workspace files', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'demo', aymaraServer: true, settings: { 'workbench.startupEditor': 'none' } });
  let frame: FrameLocator;

  before(async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'images.responses.json');
    await runCommand(page, 'Aymara: Focus on Results View');
    const failed = treeRow(page, /Draw an illustration for the dishwasher manual/);
    await failed.waitFor({ state: 'visible', timeout: 60_000 });
    await failed.click();
    frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
  });

  it('scores the pictures: the one named after a banned term fails, with the judge\'s reason', async () => {
    const card = frame.locator('#aymara-cards li.card[data-verdict="failed"]');
    await card.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await frame.locator('#aymara-cards li.card').count(), 3);
    assert.match((await card.locator('.field-explanation').textContent()) ?? '', /banned term "injury"/);
  });

  it('shows each card\'s picture as a thumbnail loaded from the workspace file (a webview resource, not a remote URL)', async () => {
    let thumbs = await thumbnails(frame);
    for (let i = 0; i < 40 && !(thumbs.length === 3 && thumbs.every((t) => t.complete && t.naturalWidth > 0)); i++) {
      await new Promise((r) => setTimeout(r, 250));
      thumbs = await thumbnails(frame);
    }
    assert.equal(thumbs.length, 3, JSON.stringify(thumbs));
    for (const t of thumbs) {
      assert.ok(t.complete && t.naturalWidth === 32, `the picture loaded (32×32 PNG): ${JSON.stringify(t)}`);
      assert.ok(t.width >= 64, `shown at a visible size (the stylesheet applies): ${JSON.stringify(t)}`);
      assert.ok(Math.abs(t.left) <= 2, `aligned with the response text: ${JSON.stringify(t)}`);
      assert.match(t.src, /^https:\/\/[^/]*vscode-resource/, 'a webview resource URI');
      assert.match(t.alt, /^Image answer: shots\/.+\.png$/);
    }
    const failed = thumbs.find((t) => t.verdict === 'failed')!;
    assert.match(decodeURIComponent(failed.src), /\/shots\/knife-injury\.png/);
  });

  it('photographs the cards with their thumbnails', async () => {
    const { page, screenshot } = wb();
    await frame.locator('#aymara-cards li.card[data-verdict="failed"] img.thumbnail').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot('images-thumbnails');
    const panel = await page.locator('.editor-group-container').last().boundingBox();
    assert.ok(panel, 'the Explanations panel is visible');
    const img = await frame.locator('#aymara-cards li.card[data-verdict="failed"] img.thumbnail').boundingBox({ timeout: 10_000 });
    const clip = { ...panel, height: Math.min(panel.height, 620) };
    assert.ok(img && img.y >= clip.y && img.y + img.height <= clip.y + clip.height, `the failing card's thumbnail is in the picture: ${JSON.stringify({ img, clip })}`);
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'explanations-image-answers.png');
    fs.writeFileSync(file, optimisePng(await page.screenshot({ type: 'png', clip })));
    assert.ok(fs.statSync(file).size > 5_000, 'the picture was written');
  });
});
