/**
 * A window reload while the scoring request itself is in flight (its reply never reached the
 * window that sent it). The run name was saved before the request left, so the reloaded window
 * finds the run by that name and adopts it (exactly one run, nothing sent twice); when the server
 * never recorded the run, the window says nothing was scored.
 */
import * as assert from 'node:assert/strict';
import { openFile, openProblems, runCommand, screenshot, useWorkbench, waitForNotification, waitForProblem } from './workbench';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';

describe('e2e: reload while the scoring request is in flight', function () {
  this.timeout(240_000);
  const wb = useWorkbench({ fixture: 'faults', aymaraServer: true });

  async function call(path: string, init: RequestInit = {}): Promise<unknown> {
    const { aymara } = wb();
    const res = await fetch(`${aymara!.url}${path}`, { ...init, headers: { 'x-api-key': aymara!.apiKey, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    assert.ok(res.ok, `${path}: HTTP ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  }
  const stats = async () => ((await call('/_local/stats')) as { byRoute: Record<string, number> }).byRoute;
  const runs = async () => ((await call(`/v2/eval-runs?eval_uuid=${EVAL}&limit=100`)) as { items: { eval_run_uuid: string; name: string }[]; count: number });

  async function reloadWhenSent(): Promise<void> {
    const { page } = wb();
    await openFile(page, 'bot.responses.json');
    await runCommand(page, 'Aymara: Score Responses File');
    const deadline = Date.now() + 30_000;
    while (((await stats())[SCORE] ?? 0) < 1) {
      assert.ok(Date.now() < deadline, 'the scoring request was not sent');
      await page.waitForTimeout(200);
    }
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  }

  it('the server created the run but its reply never came: the reloaded window adopts the run by its name', async () => {
    const { page } = wb();
    await call('/_local/reset', { method: 'POST' });
    // The run is created, then the reply hangs: the window that sent it never learns its id.
    await call('/_local/faults', { method: 'POST', body: JSON.stringify({ route: SCORE, kind: 'status-after-commit', hang: true }) });
    await reloadWhenSent();
    await openProblems(page);
    await waitForProblem(page, /her address is/i, 90_000);
    const s = await stats();
    assert.equal(s[SCORE], 1, 'the scoring request was sent once');
    assert.ok((s['GET /v2/eval-runs'] ?? 0) >= 1, 'the run was looked up by name');
    const list = await runs();
    assert.equal(list.count, 1, `exactly one run: ${JSON.stringify(list.items.map((r) => r.name))}`);
    await screenshot(page, 'e2e-adopted-after-reload');
  });

  it('the server never recorded the run (the request was still waiting when the window went away): "nothing was scored"', async () => {
    const { page } = wb();
    await runCommand(page, 'Aymara: Clear Results');
    await call('/_local/reset', { method: 'POST' });
    // The request waits before the server handles it; the window reloads meanwhile and its connection closes.
    await call('/_local/faults', { method: 'POST', body: JSON.stringify({ route: SCORE, kind: 'latency', ms: 20_000 }) });
    await reloadWhenSent();
    // The reloaded window looks for the run by its name three times, a few seconds apart.
    const deadline = Date.now() + 120_000;
    while (((await stats())['GET /v2/eval-runs'] ?? 0) < 3) {
      assert.ok(Date.now() < deadline, `the run was not looked up: ${JSON.stringify(await stats())}`);
      await page.waitForTimeout(500);
    }
    await waitForNotification(page, /was being sent for scoring when the window closed, but the server has no run named .*nothing was scored/, 90_000);
    const s = await stats();
    assert.equal(s[SCORE], 1, 'nothing was sent again');
    assert.equal((await runs()).count, 0, 'no run exists');
    await screenshot(page, 'e2e-nothing-scored-after-reload');
  });
});
