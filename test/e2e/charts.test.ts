/**
 * The explanations view's charts and sort in a real workbench: a Demo Accuracy Eval file (its
 * prompts have categories) scored twice, then the panel: both charts drawn on canvases of real
 * size under the webview's CSP, their text alternatives holding the numbers, and the Sort by
 * select reordering the cards. A picture of the header with the charts goes with the README
 * pictures (test-results/pictures/, or AYMARA_PICTURES_DIR).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { optimisePng } from './pictures/encode';
import { repoRoot, resultsDir, runCommand, scoreFromExplorer, useWorkbench, waitForWebview } from './workbench';

const outDir = path.resolve(repoRoot, process.env.AYMARA_PICTURES_DIR ?? path.join(resultsDir, 'pictures'));
const PROMPT = {
  easy: 'question.b840b082-5ea1-4064-a3be-e6d18d180802',
  obscure: 'question.e5d759ce-8264-45fb-911c-fa50a48da7dc',
  complex: 'question.57ad5144-a577-4ca7-9fbd-d227231d7a8e',
};

function treeRow(page: Page, text: RegExp) {
  return page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row').filter({ hasText: text }).first();
}

/** Size of a canvas and how many of its pixels are not transparent (something was drawn). */
async function canvasInfo(frame: FrameLocator, chart: string): Promise<{ width: number; height: number; inked: number; label: string | null }> {
  return frame.locator(`figure[data-chart="${chart}"] canvas`).evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    const data = ctx ? ctx.getImageData(0, 0, c.width, c.height).data : new Uint8ClampedArray();
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
    const r = c.getBoundingClientRect();
    return { width: r.width, height: r.height, inked, label: c.getAttribute('aria-label') };
  });
}

/**
 * Pixels of the bar chart in (about) one colour: the value of a theme CSS variable as the webview resolves
 * it now (`cssVar`), or a colour given as "rgb(r, g, b)".
 */
async function barPixels(frame: FrameLocator, colourOf: { cssVar: string } | { rgb: string }): Promise<{ colour: string; pixels: number; bodyClass: string }> {
  return frame.locator('figure[data-chart="categories"] canvas').evaluate((c: HTMLCanvasElement, want) => {
    let colour = 'rgb' in want ? want.rgb : '';
    if ('cssVar' in want) {
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(document.body).getPropertyValue(want.cssVar).trim() || 'transparent';
      document.body.append(probe);
      colour = getComputedStyle(probe).color;
      probe.remove();
    }
    const [r, g, b] = (colour.match(/\d+/g) ?? []).map(Number);
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let pixels = 0;
    // Within a small distance: edges are anti-aliased.
    const near = (i: number) => Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) <= 30 && data[i + 3]! >= 200;
    for (let i = 0; i < data.length; i += 4) if (near(i)) pixels++;
    return { colour, pixels, bodyClass: document.body.className };
  }, colourOf);
}

/** Choose a colour theme through Preferences: Color Theme. */
async function pickTheme(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .quick-input-box input').fill(name);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

async function firstPrompts(frame: FrameLocator, n: number): Promise<string[]> {
  return (await frame.locator('#aymara-cards li.card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.promptUuid ?? ''))).slice(0, n);
}

describe('e2e: explanations charts and sort', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'charts', aymaraServer: true, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.startupEditor': 'none' } });
  let frame: FrameLocator;

  // The walk's setup: score the file twice and open its explanations from a response's row.
  before(async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'kettle.responses.json');
    await runCommand(page, 'Aymara: Focus on Results View');
    await treeRow(page, /Failed \(3\)/).waitFor({ state: 'visible', timeout: 60_000 });
    await scoreFromExplorer(page, server, 'kettle.responses.json');
    await runCommand(page, 'Aymara: Focus on Results View');
    const entry = treeRow(page, /Where is the KettlePro 3000 assembled/);
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
  });

  it('draws the trend and category charts after the cards, with the numbers in their text alternative', async () => {
    // The trend appears once the second run is in (the panel follows it).
    await frame.locator('#aymara-charts[data-drawn="true"] figure[data-chart="trend"]').waitFor({ state: 'attached', timeout: 60_000 });
    for (const chart of ['trend', 'categories']) {
      let c = await canvasInfo(frame, chart);
      for (let i = 0; i < 20 && c.inked === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        c = await canvasInfo(frame, chart);
      }
      assert.ok(c.width > 100 && c.height > 50, `${chart} canvas has a real size: ${JSON.stringify(c)}`);
      assert.ok(c.inked > 500, `${chart} canvas has something drawn on it: ${c.inked} pixels`);
    }
    assert.equal((await canvasInfo(frame, 'trend')).label, 'Pass rate over the last 2 runs: from 50% to 50%.');
    assert.equal((await canvasInfo(frame, 'categories')).label, 'Pass rate by category, 6 categories: lowest contextual (0%), highest complex (100%).');
    const rows = async (chart: string) =>
      frame.locator(`figure[data-chart="${chart}"] table.chart-data tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    const trend = await rows('trend');
    assert.deepEqual(trend.map((r) => r.slice(2)), [['50%', '3', '3'], ['50%', '3', '3']]);
    assert.deepEqual(await rows('categories'), [
      ['complex', '100%', '1', '0', '0'],
      ['contextual', '0%', '0', '1', '0'],
      ['easy', '100%', '1', '0', '0'],
      ['obscure', '0%', '0', '1', '0'],
      ['opinion', '0%', '0', '1', '0'],
      ['unanswerable', '100%', '1', '0', '0'],
    ]);
  });

  it('photographs the header with the charts', async () => {
    const { page } = wb();
    await frame.locator('#aymara-summary').evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    const panel = await page.locator('.editor-group-container').last().boundingBox();
    assert.ok(panel, 'the Explanations panel is visible');
    const clip = { ...panel, height: Math.min(panel.height, 560) };
    // The picture shows the charts: the trend chart's canvas lies within it.
    const chart = await frame.locator('figure[data-chart="trend"] canvas').boundingBox({ timeout: 10_000 });
    assert.ok(chart && chart.height > 50 && chart.y >= clip.y && chart.y + chart.height <= clip.y + clip.height, `the trend chart is in the picture: ${JSON.stringify({ chart, clip })}`);
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'explanations-charts.png');
    fs.writeFileSync(file, optimisePng(await page.screenshot({ type: 'png', clip })));
    assert.ok(fs.statSync(file).size > 5_000, 'the picture was written');
  });

  it('draws in the theme\'s colours and follows a switch to a high-contrast theme and back', async () => {
    const { page } = wb();
    const dark = await barPixels(frame, { cssVar: '--vscode-charts-blue' });
    assert.ok(dark.pixels > 500, `bars in the dark theme's chart colour: ${JSON.stringify(dark)}`);
    // High contrast: the bars get an outline in the theme's contrast border colour.
    await pickTheme(page, 'Dark High Contrast');
    let hc = await barPixels(frame, { cssVar: '--vscode-contrastBorder' });
    for (let i = 0; i < 40 && !(hc.bodyClass.includes('vscode-high-contrast') && hc.pixels > 100); i++) {
      await page.waitForTimeout(250);
      hc = await barPixels(frame, { cssVar: '--vscode-contrastBorder' });
    }
    assert.ok(hc.bodyClass.includes('vscode-high-contrast'), hc.bodyClass);
    assert.ok(hc.pixels > 100, `bars outlined in the contrast border colour: ${JSON.stringify(hc)}`);
    const panel = await page.locator('.editor-group-container').last().boundingBox();
    if (panel) fs.writeFileSync(path.join(outDir, 'explanations-charts-high-contrast.png'), optimisePng(await page.screenshot({ type: 'png', clip: { ...panel, height: Math.min(panel.height, 560) } })));
    // Back to the dark theme: the outlines go.
    await pickTheme(page, 'Dark Modern');
    let back = await barPixels(frame, { rgb: hc.colour });
    for (let i = 0; i < 40 && (back.bodyClass.includes('high-contrast') || back.pixels > 20); i++) {
      await page.waitForTimeout(250);
      back = await barPixels(frame, { rgb: hc.colour });
    }
    assert.ok(back.pixels <= 20 && !back.bodyClass.includes('high-contrast'), `outlines gone after switching back: ${JSON.stringify(back)}`);
  });

  it('sorts the cards by file order, category and back by verdict with the Sort by select', async () => {
    const sort = frame.locator('select#aymara-sort');
    assert.equal(await sort.inputValue(), 'verdict');
    assert.equal((await firstPrompts(frame, 1))[0], PROMPT.obscure, 'failures first: the first failing entry');
    await sort.selectOption('file');
    await frame.locator(`#aymara-cards li.card[data-index="0"][data-prompt-uuid="${PROMPT.easy}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    assert.deepEqual(await firstPrompts(frame, 2), [PROMPT.easy, PROMPT.obscure]);
    await sort.selectOption('category');
    await frame.locator(`#aymara-cards li.card[data-index="0"][data-prompt-uuid="${PROMPT.complex}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    // The keyboard reaches it: focus it and move back up to the first order.
    await sort.focus();
    await sort.press('Home');
    await frame.locator(`#aymara-cards li.card[data-index="0"][data-prompt-uuid="${PROMPT.obscure}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await sort.inputValue(), 'verdict');
  });
});
