/**
 * E2E smoke: the real workbench (code-server + headless Chromium) opens a fixture folder with
 * this repository's extension installed, and the extension's command is offered, runs, and
 * says what it needs.
 */
import * as assert from 'node:assert/strict';
import {
  commandPaletteEntries, explorerRow, harness, notifications, openFile, runCommand, screenshot, useWorkbench, waitForActivation, waitForNotification,
} from './workbench';

const COMMAND_LABEL = 'Aymara: Score Responses File';

describe('e2e smoke: workbench with the extension installed', function () {
  this.timeout(120_000);
  // No key anywhere: the user's own AYMARA_AI_API_KEY must not reach the host.
  const wb = useWorkbench({ fixture: 'smoke', env: { AYMARA_AI_API_KEY: undefined } });

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

  it('runs the command on a responses file: with no key set, it says which origin needs one', async () => {
    const { page, server } = wb();
    await openFile(page, 'responses.json');
    // Nothing said so before the command ran.
    assert.ok(!(await notifications(page)).some((n) => /API key/i.test(n)));
    await runCommand(page, COMMAND_LABEL);
    await waitForActivation(server); // throws if the log says activation failed
    // The command read the file, found no key for the configured origin and said so, with the way out.
    await waitForNotification(page, 'No Aymara API key is set for https://api.aymara.ai. Set one to score files.');
    const toast = page.locator('.notification-toast').filter({ hasText: 'No Aymara API key is set' });
    await toast.getByRole('button', { name: 'Set API Key' }).waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'e2e-smoke-no-key');
  });
});
