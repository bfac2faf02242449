/**
 * The explanations webview with 10,000 responses in Chromium (Debian's, through playwright-core,
 * with the harness's flags): a small page that defines acquireVsCodeApi, loads the production
 * webview script and stylesheet like the panel's HTML does, and receives the `data` message the
 * panel posts. Measured: time from posting to the first card painted (the second animation frame
 * after the first li.card exists, so the frame that holds it has been produced), the number of
 * cards in the DOM, and the frame times while the list is scrolled with mouse-wheel steps for 3 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as HostLib from '../harness/host.mjs';
import type { HostMessage, WebviewModel } from '../../src/core/report/webviewModel';
import { WEBVIEW_STRINGS } from '../../src/core/report/webviewModel';
import { splitData } from '../../src/core/report/webviewParts';
import { boundRow, failedRow, median, percentile, row, thousands, type Row } from './lib/measure';

interface FirstPaint {
  /** The message event reached the page (the structured clone of the model is done). */
  messageMs: number;
  firstCardMs: number;
  frameMs: number;
  paintedMs: number;
  /** Every card in the page's model (the last part handled). */
  completeMs?: number;
  cards: number;
}

interface ScrollResult {
  frames: number[];
  maxCards: number;
  scrolledPx: number;
  lastIndex: number;
}

const WHEEL_STEP_PX = 1500;

function page(scriptPath: string, cssPath: string): string {
  // What the panel's fixed template holds, plus the API VS Code injects into webviews.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>:root { --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; } body { background: #1e1e1e; color: #cccccc; }</style>
<link rel="stylesheet" href="${pathToFileURL(cssPath).href}">
<script>
  // Registered before the webview script's own listener, so it runs first: the message's arrival.
  window.addEventListener('message', () => { window.__arrived ??= performance.now(); });
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__posted.push(m); if (m.type === 'more') window.__onMore?.(m); },
    getState: () => state,
    setState: (s) => { state = s; },
  });
</script>
<title>Aymara explanations</title>
</head>
<body class="vscode-dark">
<main id="aymara-explanations" class="aymara-root" data-state="loading" aria-busy="true"></main>
<script src="${pathToFileURL(scriptPath).href}"></script>
</body>
</html>`;
}

export async function benchWebview(repoRoot: string, scriptPath: string, cssPath: string, model: WebviewModel, details: Record<string, unknown>): Promise<Row[]> {
  const n = model.cards.length.toLocaleString('en-US');
  const size = thousands(model.cards.length);
  let host: typeof HostLib;
  try {
    host = (await import(pathToFileURL(join(repoRoot, 'test', 'harness', 'host.mjs')).href)) as typeof HostLib;
  } catch (e) {
    return [failedRow(`webview.firstCard.${size}`, `webview with ${n} responses`, 'ms', '–', `harness: ${(e as Error).message}`)];
  }
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-webview-'));
  const html = join(tmp, 'explanations.html');
  writeFileSync(html, page(scriptPath, cssPath));
  const strings = Object.fromEntries(WEBVIEW_STRINGS.map((s) => [s, s]));
  // Posted as the panel posts it: the first part, then the rest a part at a time (webviewParts.ts).
  const msgs: HostMessage[] = splitData({ type: 'data', model, strings }, 1);
  let browser: HostLib.LaunchedBrowser | undefined;
  try {
    browser = await host.launchBrowser({ viewport: { width: 900, height: 1000 } });
    const p = browser.page;
    const paints: FirstPaint[] = [];
    const reps = 5;
    for (let i = 0; i < reps + 1; i++) {
      await p.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await p.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      // The parts are handed to the page first and the page settles: an evaluate's large argument
      // keeps the page's thread busy for a few hundred ms after the call, which is the harness's
      // cost, not the view's.
      await p.evaluate((m) => {
        (window as unknown as { __parts: unknown }).__parts = m;
      }, msgs);
      await p.evaluate(() => new Promise((res) => setTimeout(res, 200)));
      const r = await p.evaluate(
        () =>
          new Promise<FirstPaint>((resolve) => {
            const m = (window as unknown as { __parts: HostMessage[] }).__parts;
            const t0 = performance.now();
            const w = window as unknown as { __arrived?: number; __complete?: number };
            w.__arrived = undefined;
            w.__complete = undefined;
            // Every card in the page's model: the root is ready and no longer loading.
            const root = document.getElementById('aymara-explanations')!;
            const done = new MutationObserver(() => {
              if (root.dataset.state !== 'ready' || root.dataset.loading !== undefined) return;
              done.disconnect();
              w.__complete = performance.now() - t0;
            });
            done.observe(root, { attributes: true, attributeFilter: ['data-state', 'data-loading'] });
            const mo = new MutationObserver(() => {
              if (!document.querySelector('li.card')) return;
              mo.disconnect();
              const firstCard = performance.now();
              requestAnimationFrame(() => {
                const frame = performance.now();
                requestAnimationFrame(() =>
                  resolve({ messageMs: (w.__arrived ?? Number.NaN) - t0, firstCardMs: firstCard - t0, frameMs: frame - t0, paintedMs: performance.now() - t0, cards: document.querySelectorAll('li.card').length }),
                );
              });
            });
            mo.observe(document.body, { childList: true, subtree: true });
            // As the panel does: the first part now, the next one each time the page asks for more.
            let i = 0;
            (window as unknown as { __onMore?: () => void }).__onMore = () => setTimeout(() => i < m.length && window.postMessage(m[i++], '*'), 0);
            window.postMessage(m[i++], '*');
          }),
      );
      // Every part handled before the next load or the scrolling.
      r.completeMs = await p.evaluate(async () => {
        const w = window as unknown as { __complete?: number };
        while (w.__complete === undefined) await new Promise((res) => setTimeout(res, 5));
        return w.__complete;
      });
      if (i > 0) paints.push(r); // the first load warms up the browser
    }

    // Scroll smoothness on the last load: wheel steps for ~3 s while recording frame intervals.
    await p.waitForTimeout(500);
    await p.mouse.move(450, 600);
    await p.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __maxCards: number; __rec: boolean };
      const list = document.getElementById('aymara-cards');
      w.__frames = [];
      w.__maxCards = 0;
      w.__rec = true;
      let last = performance.now();
      const tick = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        w.__maxCards = Math.max(w.__maxCards, list?.childElementCount ?? 0);
        if (w.__rec) requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(tick);
      });
    });
    const startY = await p.evaluate(() => window.scrollY);
    const t0 = Date.now();
    // Fast wheel steps, so that the window grows (100 cards at a time) several times while scrolling.
    while (Date.now() - t0 < 3_000) {
      await p.mouse.wheel(0, WHEEL_STEP_PX);
      await p.waitForTimeout(16);
    }
    const scroll = await p.evaluate((y0) => {
      const w = window as unknown as { __frames: number[]; __maxCards: number; __rec: boolean };
      w.__rec = false;
      const cards = [...document.querySelectorAll<HTMLElement>('li.card')];
      const visible = cards.find((c) => c.getBoundingClientRect().bottom > 0);
      return { frames: w.__frames, maxCards: w.__maxCards, scrolledPx: window.scrollY - y0, lastIndex: Number(visible?.dataset.index ?? -1) } as ScrollResult;
    }, startY);
    const errors = browser.consoleErrors();
    const frames = scroll.frames;
    const over50 = frames.filter((f) => f > 50).length / Math.max(1, frames.length);
    details.webview = { paints, scroll: { ...scroll, frames: frames.map((f) => Math.round(f * 10) / 10) }, errors };
    if (errors.length) throw new Error(`page errors: ${errors.slice(0, 3).join(' / ')}`);
    const maxCards = Math.max(scroll.maxCards, ...paints.map((x) => x.cards));
    return [
      boundRow(`webview.firstCard.${size}`, `webview ${n} responses: time to first card painted (Chromium, median of ${paints.length})`, median(paints.map((x) => x.paintedMs)), 'ms', { max: 100 }),
      row(`webview.firstCard.${size}.message`, `  of which the first message reaching the page (its structured clone)`, median(paints.map((x) => x.messageMs)), 'ms'),
      row(`webview.allCards.${size}`, `webview ${n} responses: every card in the page's model (the last part handled)`, median(paints.map((x) => x.completeMs ?? Number.NaN)), 'ms'),
      boundRow('webview.domCards', `webview: most li.card in the DOM (first render and while scrolling)`, maxCards, 'cards', { max: 1000 }, '≤ 1000 (≪ 10,000)'),
      row('webview.scrollFrame', `webview: scrolling 3 s, ${WHEEL_STEP_PX} px wheel steps (${Math.round(scroll.scrolledPx / 1000)}k px, to card ${scroll.lastIndex}): p50 frame time`, median(frames), 'ms'),
      row('webview.scrollFrame.p95', `webview: scrolling: p95 frame time (${frames.length} frames)`, percentile(frames, 95), 'ms'),
      row('webview.scrollFrame.over50ms', `webview: scrolling: share of frames over 50 ms`, over50 * 100, '%'),
    ];
  } catch (e) {
    return [failedRow(`webview.firstCard.${size}`, `webview with ${n} responses`, 'ms', '–', (e as Error).message)];
  } finally {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
