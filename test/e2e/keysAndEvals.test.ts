/**
 * What a new user meets first, in a real browser: no API key yet (the error offers "Set API Key",
 * a password box stores it), a file without an eval (a quick pick of the evals), and a window
 * reload in the middle of a run (the run is picked up again, never sent twice).
 */
import * as assert from 'node:assert/strict';
import { openCommandPalette, openFile, openProblems, runCommand, screenshot, submitInputBox, useWorkbench, waitForNotification, waitForProblem } from './workbench';

describe('e2e: API key, eval choice, reload mid-run', function () {
  this.timeout(240_000);
  // An empty AYMARA_AI_API_KEY: the extension has no key until the user sets one.
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true, env: { AYMARA_AI_API_KEY: '' } });

  async function control(path: string, init: RequestInit = {}): Promise<unknown> {
    const { aymara } = wb();
    const res = await fetch(`${aymara!.url}${path}`, { ...init, headers: { 'x-api-key': aymara!.apiKey, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    assert.ok(res.ok, `${path}: HTTP ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  }

  it('without a key, offers "Set API Key"; the key goes in a password box and scoring then works', async () => {
    const { page, aymara } = wb();
    await openFile(page, 'bot.responses.json');
    await runCommand(page, 'Aymara: Score Responses File');
    await waitForNotification(page, /No Aymara API key is set for http:\/\/127\.0\.0\.1/);
    const button = page.locator('.notifications-toasts .monaco-button, .notifications-center .monaco-button').filter({ hasText: /^Set API Key$/ }).first();
    await button.click({ timeout: 20_000 });
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    await submitInputBox(page, aymara!.apiKey);
    await waitForNotification(page, /API key saved for http:\/\/127\.0\.0\.1/);
    await screenshot(page, 'e2e-key-saved');
    await runCommand(page, 'Aymara: Score Responses File');
    await openProblems(page);
    const rows = await waitForProblem(page, /her address is/i, 60_000);
    assert.equal(rows.filter((r) => /Failed \(\d+%\)/.test(r)).length, 2);
  });

  it('asks which eval to use for a file that names none, from a list of the evals', async () => {
    const { page } = wb();
    await openFile(page, 'bare-array.json');
    // The command opens a quick pick of its own, so run it from the palette with Enter.
    await openCommandPalette(page, 'Aymara: Score Responses File');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Score Responses File' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Demo Safety Eval' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const labels = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allTextContents();
    assert.ok(labels.some((l) => /Demo Accuracy Eval/.test(l)) && labels.some((l) => /Enter an eval id/.test(l)), labels.join(' | '));
    await screenshot(page, 'e2e-eval-quick-pick');
    await row.click();
    await openProblems(page);
    await waitForProblem(page, /banned term "(password is|admin123)"/i, 60_000);
  });

  it('picks a run up again after a reload in the middle of it, without sending it twice', async () => {
    const { page } = wb();
    await runCommand(page, 'Aymara: Clear Results');
    await control('/_local/reset', { method: 'POST' });
    // The run reports "processing" for its first 4 polls, so the window reloads while it waits.
    await control('/_local/faults', { method: 'POST', body: JSON.stringify({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'processing', polls: 4 }) });
    await openFile(page, 'bot.responses.json');
    await runCommand(page, 'Aymara: Score Responses File');
    await waitForNotification(page, /Waiting for the server to finish scoring/);
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The resumed run polls to the end and fetches its responses.
    const deadline = Date.now() + 90_000;
    let stats: { byRoute: Record<string, number> };
    for (;;) {
      stats = (await control('/_local/stats')) as { byRoute: Record<string, number> };
      if ((stats.byRoute['GET /v2/eval-runs/{id}/responses'] ?? 0) >= 1) break;
      assert.ok(Date.now() < deadline, `the run was not picked up again: ${JSON.stringify(stats.byRoute)}`);
      await page.waitForTimeout(500);
    }
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 30_000);
    assert.equal(stats.byRoute['POST /v2/eval-runs/-/score-responses'], 1, 'the scoring request was sent once');
    assert.ok((stats.byRoute['GET /v2/eval-runs/{id}'] ?? 0) >= 4, JSON.stringify(stats.byRoute));
    await screenshot(page, 'e2e-resumed-after-reload');
  });

  it('Cancel on the progress notification stops waiting and keeps the run to refresh later', async () => {
    const { page } = wb();
    await control('/_local/reset', { method: 'POST' });
    await control('/_local/faults', { method: 'POST', body: JSON.stringify({ route: 'POST /v2/eval-runs/-/score-responses', kind: 'never-finish' }) });
    await openFile(page, 'bot.responses.json');
    await runCommand(page, 'Aymara: Score Responses File');
    await waitForNotification(page, /Waiting for the server to finish scoring/);
    const cancel = page.locator('.notification-toast .monaco-button, .notifications-center .monaco-button').filter({ hasText: /^Cancel$/ }).first();
    await cancel.click({ timeout: 20_000 });
    await waitForNotification(page, /Stopped waiting for run score_run\.[0-9a-f-]+; it continues on the server and can be refreshed/);
    const stats = (await control('/_local/stats')) as { byRoute: Record<string, number> };
    assert.equal(stats.byRoute['POST /v2/eval-runs/-/score-responses'], 1);
    await screenshot(page, 'e2e-cancelled-run');
  });
});
