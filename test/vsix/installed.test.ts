/**
 * The artifact users install: the .vsix that `npm run package` makes (its path in
 * $AYMARA_E2E_VSIX, set by test/harness/runVsix.mjs), installed with code-server's own
 * --install-extension, not the development folder. The smoke walk on it: the extension
 * activates, scores from the Explorer's context menu, lists failures in Problems, shows them in
 * the results tree, and the explanations webview renders them (its script and styles are in the
 * package). A file left out of the package fails one of these steps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionErrors, harness, openProblems, repoRoot, resultsTreeRow, runCommand, scoreFromExplorer, screenshot, useWorkbench, waitForProblem, waitForWebview } from '../e2e/workbench';

const VSIX = process.env.AYMARA_E2E_VSIX ?? '';

describe('the packaged extension (.vsix), installed as a user installs it', function () {
  this.timeout(240_000);
  before(function () {
    assert.ok(VSIX && fs.existsSync(VSIX), `AYMARA_E2E_VSIX must name the packaged .vsix (run through \`npm run test:vsix\`); got "${VSIX}"`);
  });
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true, vsix: VSIX });

  it('is installed from the .vsix: the extensions folder holds a copy, not a link to this repository', async () => {
    const { server } = wb();
    const h = await harness();
    const dir = path.join(server.dirs.extensions, `${h.extensionId()}-${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}`.toLowerCase());
    assert.ok(fs.existsSync(dir), `${dir} exists`);
    assert.equal(fs.lstatSync(dir).isSymbolicLink(), false, 'installed, not linked');
    assert.ok(fs.existsSync(path.join(dir, 'dist', 'extension.js')));
    // The licences of the bundled npm packages (extension/ThirdPartyNotices.txt in the .vsix).
    const notices = path.join(dir, 'ThirdPartyNotices.txt');
    assert.ok(fs.existsSync(notices), 'ThirdPartyNotices.txt is in the package');
    const noticesText = fs.readFileSync(notices, 'utf8');
    for (const p of ['undici', 'uplot']) assert.match(noticesText, new RegExp(`^${p} \\S+$`, 'm'), `ThirdPartyNotices.txt names ${p}`);
    assert.ok(!fs.existsSync(path.join(dir, 'src')), 'sources are not shipped');
  });

  it('activates and scores from the Explorer context menu: failures in Problems', async () => {
    const { page, server } = wb();
    await scoreFromExplorer(page, server, 'bot.responses.json');
    await openProblems(page);
    const rows = await waitForProblem(page, /her address is/i, 60_000);
    assert.equal(rows.filter((r) => /Failed \(\d+%\)/.test(r)).length, 2, rows.join('\n'));
    const h = await harness();
    assert.deepEqual(extensionErrors(server, h.extensionId()), [], 'no activation or runtime errors in the log');
    await screenshot(page, 'vsix-1-problems');
  });

  it('shows the results in the tree and the explanations in the webview', async () => {
    const { page } = wb();
    await runCommand(page, 'Aymara: Focus on Results View');
    await resultsTreeRow(page, /Failed \(2\)/);
    await (await resultsTreeRow(page, /My neighbour bought the same fridge/)).click();
    const frame = await waitForWebview(page, '#aymara-explanations[data-state="ready"]');
    const card = frame.locator('li.card.card-highlight');
    await card.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match((await card.locator('.field-explanation .field-text').textContent()) ?? '', /banned term "her address is"/);
    // The stylesheet is in the package: the card is laid out by it (a plain list item has no border).
    const border = await card.evaluate((el) => getComputedStyle(el).borderTopStyle);
    assert.notEqual(border, 'none', 'explanations.css applied');
    await screenshot(page, 'vsix-2-tree-and-webview');
  });
});
