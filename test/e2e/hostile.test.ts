/**
 * Hostile text in prompts, responses, explanations and the eval name, rendered by the real
 * explanations webview in Chromium: it shows as text, nothing runs, nothing is fetched, and the
 * API key is nowhere in the page.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Frame, Request } from 'playwright-core';
import { openFile, repoRoot, runCommand, screenshot, useWorkbench, waitForActivation, waitForWebview } from './workbench';

describe('e2e: hostile text in the explanations webview', function () {
  this.timeout(180_000);
  const seed = path.join(repoRoot, 'test', 'fixtures', 'hostile', 'seed.json');
  const wb = useWorkbench({ fixture: 'hostile', aymaraServer: { args: ['--seed', seed] } });

  it('renders every hostile string inert', async () => {
    const { page, aymara } = wb();
    const requests: string[] = [];
    const onRequest = (r: Request) => requests.push(r.url());
    page.context().on('request', onRequest);

    await openFile(page, 'hostile.responses.json');
    await waitForActivation(wb().server, undefined, 60_000);
    await runCommand(page, 'Aymara: Score Responses File');
    // Scored = the status bar shows the file's pass rate (a fixed pause was too short on a busy machine).
    await page.locator('.statusbar-item').filter({ hasText: /\d+(\.\d+)?%/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Aymara: Show Explanations');
    const frameLocator = await waitForWebview(page, '#aymara-explanations[data-state="ready"] li.card', 60_000);
    await frameLocator.locator('li.card').first().waitFor({ timeout: 20_000 });

    // The webview's own document: the frame that holds #aymara-explanations.
    let frame: Frame | undefined;
    for (const f of page.frames()) {
      if (await f.locator('#aymara-explanations').count().catch(() => 0)) frame = f;
    }
    assert.ok(frame, 'the webview frame');
    const facts = await frame.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      scripts: [...document.querySelectorAll('script')].map((sc) => `${sc.getAttribute('src') ?? ''}|${sc.textContent ?? ''}`),
      imgs: document.querySelectorAll('img').length,
      links: document.querySelectorAll('a').length,
      styles: [...document.querySelectorAll('style')].map((st) => `${st.id}|${st.textContent ?? ''}`),
      bodyVisible: getComputedStyle(document.body).display !== 'none',
      text: document.body.innerText,
      html: document.documentElement.outerHTML,
    }));
    assert.equal(facts.pwned, undefined, 'no injected script ran');
    assert.ok(!facts.scripts.some((sc) => sc.includes('pwned')), `no injected script element: ${facts.scripts.join(' ; ').slice(0, 300)}`);
    assert.equal(facts.scripts.filter((sc) => sc.includes('explanations.js')).length, 1, 'the extension’s own script, once');
    assert.equal(facts.imgs, 0);
    assert.equal(facts.links, 0);
    // VS Code adds its own default-styles element; nothing from the data may add one.
    assert.ok(facts.styles.every((st) => st.startsWith('_defaultStyles|') && !st.includes('display:none')), facts.styles.map((st) => st.slice(0, 60)).join(' ; '));
    assert.ok(facts.bodyVisible, 'injected CSS did not hide the page');
    assert.ok(facts.text.includes('<script>window.__pwned=4</script>'), 'the hostile text is shown as text');
    assert.ok(facts.text.includes('onerror="window.__pwned=1"'));
    assert.ok(!facts.html.includes(aymara!.apiKey), 'the key is not in the webview');
    assert.ok(!requests.some((u) => u.includes('evil.example')), `no request left for the hostile hosts: ${requests.filter((u) => !u.startsWith('http://127.0.0.1')).join(', ')}`);
    // Every request the page made went to this machine.
    const outside = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1|data:|blob:|vscode-|about:)/.test(u) && !/open-vsx\.org|vscode-cdn|marketplace|update\.code/.test(u));
    assert.deepEqual(outside, []);
    page.context().off('request', onRequest);
    await screenshot(page, 'e2e-hostile-webview');
  });
});
