/**
 * Eval reports in a real browser: score the demo file, Generate Report from its row in the results
 * tree, and read the report view (passing summary, failing summary, improvement advice); score an
 * accuracy-eval file written from the seed and see its prompt categories as a table; then the
 * view's Export as Markdown button writes the report through VS Code's save dialog.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openProblems, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem, waitForWebview } from './workbench';
import { accuracyResponsesFile, answerSaveDialog, treeRowMenu } from './reportHelpers';

const DEMO = 'support-bot.responses.json';
const KETTLE = 'kettle.responses.json';

describe('e2e: eval report', function () {
  this.timeout(300_000);
  const wb = useWorkbench({ fixture: 'demo', aymaraServer: true });

  async function generateFromTree(name: RegExp): Promise<void> {
    const { page } = wb();
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Aymara: Focus on Results View');
    await treeRowMenu(page, name, 'Generate Report');
  }

  it('score the demo file, Generate Report from the results tree: the view shows the passing and failing summaries and the advice', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, DEMO);
    await openProblems(page);
    await waitForProblem(page, /Failed/, 60_000);
    await generateFromTree(/support-bot\.responses\.json/);

    const frame = await waitForWebview(page, '#aymara-report[data-state="ready"]', 60_000);
    const part = frame.locator('section.report-part[data-kind="run"]');
    assert.equal(await part.count(), 1, 'one run');
    assert.match((await part.locator('h2').textContent()) ?? '', /support-bot\.responses\.json/);
    assert.match((await part.locator('.summary[data-summary="passing"] .summary-text').first().textContent()) ?? '', /^Local stand-in report: \d+ of \d+ scored responses passed/);
    assert.match((await part.locator('.summary[data-summary="failing"] .summary-text').first().textContent()) ?? '', /scored responses failed/);
    assert.match((await part.locator('.summary[data-summary="advice"] .summary-text').first().textContent()) ?? '', /Do not use these banned terms/);
    assert.equal(await frame.locator('table.category-table').count(), 0, 'a safety eval has no category table');
    await screenshot(page, 'e2e-report-1-safety-view');
  });

  it('an accuracy eval\'s report shows its prompt categories as a table (category → passing, failing, advice)', async () => {
    const { page, server, workspace } = wb();
    fs.writeFileSync(path.join(workspace, KETTLE), accuracyResponsesFile());
    await scoreFromExplorer(page, server, KETTLE);
    await waitForProblem(page, /required term/i, 60_000);
    await generateFromTree(/kettle\.responses\.json/);

    const frame = await waitForWebview(page, '#aymara-report[data-state="ready"] table.category-table', 60_000);
    const rows = frame.locator('table.category-table tbody tr');
    assert.equal(await rows.count(), 10, 'one row per prompt category');
    const obscure = frame.locator('table.category-table tr[data-category="obscure"]');
    assert.equal((await obscure.locator('th').textContent())?.trim(), 'obscure');
    assert.match((await obscure.locator('td[data-summary="failing"]').textContent()) ?? '', /1 of 1 scored responses failed/);
    assert.match((await obscure.locator('td[data-summary="advice"]').textContent()) ?? '', /Include these required terms: "portugal"/);
    assert.deepEqual(await frame.locator('table.category-table thead th').allTextContents(), ['Category', 'Passing summary', 'Failing summary', 'Improvement advice']);
    await frame.locator('table.category-table').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-report-2-accuracy-categories');
  });

  it('Export as Markdown in the view writes the report through the save dialog', async () => {
    const { page, workspace } = wb();
    const frame = await waitForWebview(page, '#aymara-report-export');
    // Keyboard: the button takes focus and Enter presses it.
    await frame.locator('#aymara-report-export').focus();
    await frame.locator('#aymara-report-export').press('Enter');
    // A name no file in the folder starts with, so the dialog completes nothing.
    const target = path.join(workspace, 'walk-report.md');
    await answerSaveDialog(page, 'Export Report as Markdown', target);
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(target) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(fs.existsSync(target), `${target} was written`);
    const text = fs.readFileSync(target, 'utf8');
    assert.match(text, /^# Aymara eval report\n/);
    assert.match(text, /\| Category \| Failing summary \|\n\| --- \| --- \|\n(\| .+ \|\n)*\| obscure \| 1 of 1 scored responses failed/);
    assert.match(text, /### Improvement advice/);
    await screenshot(page, 'e2e-report-3-exported');
  });

  it('in a high-contrast theme the view follows the theme: the category table keeps visible borders', async () => {
    const { page, workspace } = wb();
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default High Contrast' }));
    const frame = await waitForWebview(page, 'table.category-table');
    await frame.locator('body.vscode-high-contrast').waitFor({ state: 'attached', timeout: 30_000 });
    const cell = frame.locator('table.category-table tbody td').first();
    const style = await cell.evaluate((el) => ({ width: getComputedStyle(el).borderTopWidth, color: getComputedStyle(el).borderTopColor }));
    assert.notEqual(style.width, '0px', JSON.stringify(style));
    assert.notEqual(style.color, 'rgba(0, 0, 0, 0)', `a visible border: ${JSON.stringify(style)}`);
    await frame.locator('table.category-table').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-report-4-high-contrast');
  });
});
