/**
 * E2E smoke: the real workbench (code-server + headless Chromium) opens a fixture folder with
 * this repository's extension installed, and the extension's command is offered and runs.
 */
import * as assert from 'node:assert/strict';
import {
  commandPaletteEntries, explorerRow, harness, openFile, runCommand, screenshot, useWorkbench, waitForActivation,
} from './workbench';

const COMMAND_LABEL = 'Aymara: Score Responses File';

describe('e2e smoke: workbench with the extension installed', function () {
  this.timeout(120_000);
  const wb = useWorkbench({ fixture: 'smoke' });

  it('opens the fixture folder in the Explorer', async () => {
    const { page } = wb();
    await explorerRow(page, 'responses.json').first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await explorerRow(page, 'responses.json').count(), 1);
  });

  it(`offers "${COMMAND_LABEL}" in the command palette`, async () => {
    const { page } = wb();
    const h = await harness();
    let entries: string[] = [];
    await h.waitFor(async () => {
      entries = await commandPaletteEntries(page, COMMAND_LABEL);
      return entries.some((e) => e.startsWith(COMMAND_LABEL));
    }, { timeoutMs: 30_000, intervalMs: 1_000, what: `"${COMMAND_LABEL}" in the command palette` }).catch((e: Error) => {
      throw new Error(`${e.message}; the palette showed: ${entries.join(' | ') || '(nothing)'}`);
    });
    await screenshot(page, 'e2e-smoke-palette');
  });

  it('activates the extension when the command runs on a responses file', async () => {
    const { page, server } = wb();
    await openFile(page, 'responses.json');
    await runCommand(page, COMMAND_LABEL);
    await waitForActivation(server); // throws if the log says activation failed
    assert.doesNotMatch(server.extHostLog(), /command 'aymara\.scoreFile' not found/i);
    // Close whatever the command asked for (an input box or a picker) so the workbench is left idle.
    await page.keyboard.press('Escape');
  });
});
