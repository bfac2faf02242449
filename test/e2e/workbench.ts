/**
 * Helpers for end-to-end tests that drive the real VS Code workbench (code-server) in headless
 * Chromium, as a person would. They run in plain Node under mocha (`npm run test:e2e`).
 *
 * Typical test:
 *
 *   import { clickContextMenuItem, openProblems, problemRows, rightClickExplorerItem, useWorkbench } from './workbench';
 *
 *   describe('score from the explorer', function () {
 *     const wb = useWorkbench({ fixture: 'demo', aymaraServer: true });   // before/after hooks
 *     it('shows failures in Problems', async () => {
 *       const { page } = wb();
 *       await rightClickExplorerItem(page, 'responses.json');
 *       await clickContextMenuItem(page, 'Score Responses File');
 *       await openProblems(page);
 *       await waitFor(async () => (await problemRows(page)).length > 0, { timeoutMs: 30_000, what: 'problems' });
 *     });
 *   });
 *
 * Every wait has a timeout and says what it waited for. On a failed test useWorkbench() saves a
 * screenshot and the logs under test-results/e2e/<test title>/.
 *
 * Selectors are those of VS Code 1.139's workbench (code-server 4.139.1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type * as HostLib from '../harness/host.mjs';
import { failureDigest, saveFailureArtefacts } from './failureArtefacts';

export type { AymaraServer, CodeServer, LaunchedBrowser } from '../harness/host.mjs';

/** The repository root: the nearest folder up from here whose package.json is the extension's. */
export const repoRoot: string = (() => {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'aymara-eval-scoring') return dir;
      } catch { /* keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`Cannot find the repository root above ${__dirname}`);
    dir = up;
  }
})();

/** Where screenshots and logs go (gitignored). */
export const resultsDir = path.join(repoRoot, 'test-results');

let hostLib: Promise<typeof HostLib> | undefined;
/**
 * The harness library (test/harness/host.mjs), loaded at run time as an ES module so that the
 * test bundle does not inline it: one copy, one registry of processes to clean up.
 */
export function harness(): Promise<typeof HostLib> {
  const url = pathToFileURL(path.join(repoRoot, 'test', 'harness', 'host.mjs')).href;
  hostLib ??= import(url) as Promise<typeof HostLib>;
  return hostLib;
}

// ------------------------------------------------------------------------------------------
// Sessions: code-server + (optionally) the local Aymara server + Chromium

export interface WorkbenchOptions {
  /** name of a folder under test/fixtures/workspaces/, copied to a temp dir (tests may edit it) */
  fixture?: string;
  /** or an absolute folder to open as is */
  workspace?: string;
  /** start dist/server.js too and point the extension at it (aymara.apiBaseUrl + AYMARA_AI_API_KEY) */
  aymaraServer?: boolean | HostLib.AymaraServerOptions;
  /** more user settings */
  settings?: Record<string, unknown>;
  /** more environment for code-server and its extension host */
  env?: Record<string, string | undefined>;
  /** leave Workspace Trust on (default false) */
  trust?: boolean;
  /** install this repository's extension (default true) */
  withExtension?: boolean;
  /** install another extension folder instead of this repository */
  extensionPath?: string;
  /** install this packaged extension (.vsix) with code-server's --install-extension instead of the folder */
  vsix?: string;
  viewport?: { width: number; height: number };
  /** how long to wait for the workbench (default 60 s) */
  readyTimeoutMs?: number;
}

export interface WorkbenchSession {
  server: HostLib.CodeServer;
  aymara: HostLib.AymaraServer | undefined;
  browser: HostLib.LaunchedBrowser;
  page: Page;
  /** absolute path of the opened folder (a temp copy of the fixture) */
  workspace: string;
  /** saves test-results/<name>.png and returns its path */
  screenshot(name: string): Promise<string>;
  /** stops Chromium, code-server, the Aymara server; removes temp dirs */
  close(): Promise<void>;
}

/**
 * Starts everything and opens the workbench on the workspace folder; resolves when the workbench
 * is ready (see waitForWorkbench). Always call close() (useWorkbench does it for you).
 */
export async function startWorkbench(opts: WorkbenchOptions = {}): Promise<WorkbenchSession> {
  const h = await harness();
  const cleanups: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  };
  let server: HostLib.CodeServer | undefined;
  let browser: HostLib.LaunchedBrowser | undefined;
  let aymara: HostLib.AymaraServer | undefined;
  try {
    let workspace = opts.workspace;
    if (!workspace) {
      const fixture = opts.fixture ?? 'smoke';
      const src = path.join(repoRoot, 'test', 'fixtures', 'workspaces', fixture);
      if (!fs.existsSync(src)) throw new Error(`No fixture workspace test/fixtures/workspaces/${fixture}/`);
      const tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `aymara-e2e-${fixture}-`));
      cleanups.push(h.trackTempDir(tmp));
      workspace = path.join(tmp, fixture);
      fs.cpSync(src, workspace, { recursive: true });
    }

    const settings: Record<string, unknown> = { ...(opts.settings ?? {}) };
    const env: Record<string, string | undefined> = { ...(opts.env ?? {}) };
    if (opts.aymaraServer) {
      aymara = await h.startAymaraServer(typeof opts.aymaraServer === 'object' ? opts.aymaraServer : {});
      const a = aymara;
      cleanups.push(() => a.stop());
      settings['aymara.apiBaseUrl'] ??= aymara.url;
      env.AYMARA_AI_API_KEY ??= aymara.apiKey;
    }

    const srv = await h.startCodeServer({
      label: 'e2e code-server',
      withExtension: opts.vsix ? false : (opts.withExtension ?? true),
      ...(opts.extensionPath ? { extensionPath: opts.extensionPath } : {}),
      ...(opts.vsix ? { vsix: opts.vsix } : {}),
      trust: opts.trust ?? false,
      settings,
      env,
    });
    server = srv;
    cleanups.push(() => srv.stop());
    const br = await h.launchBrowser(opts.viewport ? { viewport: opts.viewport } : {});
    browser = br;
    cleanups.push(() => br.close());
    const { page } = br;
    await openWorkbench(page, srv, workspace, opts.readyTimeoutMs);
    return {
      server: srv,
      aymara,
      browser: br,
      page,
      workspace,
      screenshot: (name) => screenshot(page, name),
      close,
    };
  } catch (e) {
    if (server && browser) {
      const b = browser;
      const partial: WorkbenchSession = {
        server, aymara, browser: b, page: b.page, workspace: '', screenshot: (n) => screenshot(b.page, n), close,
      };
      const dir = await saveFailureArtefacts(resultsDir, partial, `startup failure ${new Date().toISOString()}`).catch(() => undefined);
      if (dir) console.log(`      workbench did not start; screenshot and logs: ${path.relative(repoRoot, dir)}/`);
    } else if (server) {
      console.log(`      last lines of the code-server log:\n${server.log().split('\n').slice(-30).join('\n')}`);
    }
    await close();
    throw e;
  }
}

/**
 * Registers mocha hooks in the current describe(): starts a session before the tests, saves a
 * screenshot + logs when a test fails, closes everything after. Returns a getter for the session.
 */
export function useWorkbench(opts: WorkbenchOptions = {}): () => WorkbenchSession {
  let session: WorkbenchSession | undefined;
  before(async function () {
    this.timeout((opts.readyTimeoutMs ?? 60_000) + 120_000);
    session = await startWorkbench(opts);
  });
  afterEach(async function () {
    if (session && this.currentTest?.state === 'failed') {
      const dir = await saveFailureArtefacts(resultsDir, session, this.currentTest.fullTitle());
      console.log(`      screenshot and logs: ${path.relative(repoRoot, dir)}/`);
      // A CI run's clone (and so these files) may be gone when someone reads its output.
      if (process.env.CI) console.log(await failureDigest(session, dir));
    }
  });
  after(async function () {
    this.timeout(60_000);
    await session?.close();
    session = undefined;
  });
  return () => {
    if (!session) throw new Error('The workbench session is not running (did before() fail?)');
    return session;
  };
}

// ------------------------------------------------------------------------------------------
// Workbench

/**
 * Navigates to the workbench with `folder` open and waits until it is ready: the UI is rendered
 * (waitForWorkbench) and the extension host has started and run its startup activations
 * (waitForExtensionHost), so the extensions' menus, commands and views are registered.
 */
export async function openWorkbench(page: Page, server: HostLib.CodeServer, folder: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await waitForWorkbench(page, timeoutMs);
  await waitForExtensionHost(server, timeoutMs);
}

/**
 * Waits for the extension host's "Eager extensions activated" log line. Before it, contributed
 * menu items (e.g. the Explorer context menu entry) and views may be missing.
 */
export async function waitForExtensionHost(server: HostLib.CodeServer, timeoutMs = 60_000): Promise<void> {
  const h = await harness();
  await h.waitFor(() => server.extHostLog().includes('Eager extensions activated'), {
    timeoutMs, intervalMs: 250, what: 'the extension host to start ("Eager extensions activated" in its log)',
  });
}

/**
 * Ready = the workbench is rendered, the remote connection is up (status bar shows the folder's
 * explorer) and no "connecting" progress remains.
 */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await expectVisible(page.locator('.monaco-workbench'), timeoutMs, 'the workbench (.monaco-workbench) to render');
  await expectVisible(page.locator('.monaco-workbench .part.statusbar'), timeoutMs, 'the status bar');
  await expectVisible(page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .activitybar'), timeoutMs, 'the activity bar');
  // The explorer is the default view when a folder is open; its rows mean the remote file system answers.
  await openExplorer(page, timeoutMs);
}

/**
 * Shows the Explorer view and waits for its first row (the folder is non-empty). Retries: right
 * after a (re)load the workbench may not take keys yet, and another view container (e.g. the
 * extension's own) may be showing. Alternates Ctrl+Shift+E with a click on the activity bar icon
 * (a click only when the Explorer is not showing: clicking the active icon hides the side bar).
 */
export async function openExplorer(page: Page, timeoutMs = 30_000): Promise<void> {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  const icon = page.locator('.part.activitybar a.action-label[aria-label^="Explorer"]');
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; !(await rows.first().isVisible().catch(() => false)); attempt++) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for a row in the Explorer (.explorer-folders-view .monaco-list-row)`);
    }
    if (attempt % 2 === 0) await page.keyboard.press('Control+Shift+E');
    else await icon.first().click({ timeout: 2_000 }).catch(() => undefined);
    await rows.first().waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
  }
}

/** The rows of the Aymara results tree (the side bar's Results view). */
export function resultsTreeRows(page: Page): Locator {
  return page.locator('[id="workbench.view.extension.aymara"] .monaco-list-row');
}

/** The first row of the results tree whose text matches, once it is visible. */
export async function resultsTreeRow(page: Page, text: RegExp, timeoutMs = 30_000): Promise<Locator> {
  const row = resultsTreeRows(page).filter({ hasText: text }).first();
  await expectVisible(row, timeoutMs, `the results tree row ${text}`);
  return row;
}

/** The Explorer row of a file or folder, by its exact name. */
export function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
  });
}

/**
 * Score a file as a user does: right-click it in the Explorer, choose Score Responses File. Waits
 * first for the extension host to know the extension (before that, under load, the menu has no
 * Aymara item yet).
 */
export async function scoreFromExplorer(page: Page, server: HostLib.CodeServer, name: string): Promise<void> {
  await waitForActivation(server, undefined, 60_000);
  // Once in CI the workbench opened this menu without the items whose "when" reads the file's
  // name (ours; every other item was there), well after activation. As a person would, close it
  // and right-click again, twice at most; a menu still without the item fails as before.
  for (let attempt = 1; ; attempt++) {
    await rightClickExplorerItem(page, name);
    const item = page.locator('.monaco-menu .action-item .action-label', { hasText: /^\s*Score Responses File\s*$/ });
    if (attempt === 3 || (await item.first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) break;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1_000);
  }
  await clickContextMenuItem(page, 'Score Responses File');
}

/** Right-clicks an Explorer row by file name and waits for the context menu. */
export async function rightClickExplorerItem(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  await openExplorer(page, timeoutMs);
  const row = explorerRow(page, name);
  await expectVisible(row.first(), timeoutMs, `the Explorer row "${name}"`);
  await row.first().click({ button: 'right', timeout: timeoutMs });
  await expectVisible(page.locator('.monaco-menu .action-item').first(), timeoutMs, 'the context menu (.monaco-menu)');
}

/** Labels of the open context menu's items. */
export async function contextMenuItems(page: Page): Promise<string[]> {
  const labels = await page.locator('.monaco-menu .action-item .action-label').allTextContents();
  return labels.map((l) => l.trim()).filter(Boolean);
}

/** Clicks the item of the open context menu whose label is exactly `label`. */
export async function clickContextMenuItem(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  const item = page.locator('.monaco-menu .action-item').filter({
    has: page.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  });
  try {
    await expectVisible(item.first(), timeoutMs, `the context menu item "${label}"`);
  } catch (e) {
    const seen = await contextMenuItems(page).catch(() => []);
    throw new Error(`${(e as Error).message}; the menu has: ${seen.join(' | ') || '(no menu)'}`);
  }
  // Menus ignore a click that comes right after they open (the opening right-click's release):
  // give the menu a moment, as a person would.
  await page.waitForTimeout(500);
  await item.first().click({ timeout: timeoutMs });
}

// ------------------------------------------------------------------------------------------
// Command palette

/** Opens the command palette (F1) and types `query`; the quick-input list updates. */
export async function openCommandPalette(page: Page, query = '', timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await expectVisible(input, timeoutMs, 'the command palette (F1)');
  await input.fill(`>${query}`);
}

/** Labels of the rows the command palette shows for `query` (the palette is closed afterwards). */
export async function commandPaletteEntries(page: Page, query: string, timeoutMs = 20_000): Promise<string[]> {
  await openCommandPalette(page, query, timeoutMs);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => undefined);
  const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  await page.keyboard.press('Escape');
  return labels;
}

/**
 * Runs a command through the palette as a person would: F1, type the label (e.g.
 * "Aymara: Score Responses File"), wait for a row whose label starts with it, press Enter.
 * Retries while the palette does not list it yet (extensions still registering).
 */
export async function runCommand(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    await openCommandPalette(page, label, timeoutMs);
    // Exact label first ("Category: Title"); rows also carry data-quick-input-id = the command id.
    const match = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
    const found = await match.first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    if (found) {
      await match.first().click({ timeout: timeoutMs });
      await input.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
      return;
    }
    seen = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').trim())).catch(() => []);
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(`The command palette never listed "${label}" (within ${timeoutMs / 1000} s); it showed: ${seen.slice(0, 8).join(' | ') || '(nothing)'}`);
    }
    await page.waitForTimeout(500);
  }
}

/**
 * Types `value` into the input box a command opened (e.g. Set API Key's) and presses Enter on it,
 * then waits for the box to close: it closes only once the extension accepted the value. Enter
 * goes to the box itself, not to whatever holds the page's focus (the walkthrough page may take
 * it back while its step's media loads). Fails saying what the box still showed.
 */
export async function submitInputBox(page: Page, value: string, timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await expectVisible(input, timeoutMs, 'an input box');
  await input.fill(value);
  await input.press('Enter');
  const closed = await input.waitFor({ state: 'hidden', timeout: timeoutMs }).then(() => true, () => false);
  if (!closed) {
    const shown = (await page.locator('.quick-input-widget').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
    throw new Error(`The input box did not accept the value within ${Math.round(timeoutMs / 1000)} s; it showed: ${shown || '(nothing)'}`);
  }
}

/** Opens a file of the workspace by name through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await expectVisible(input, timeoutMs, 'Quick Open (Ctrl+P)');
  await input.fill(name);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(path.basename(name))}$`) }),
  });
  await expectVisible(row.first(), timeoutMs, `"${name}" in Quick Open`);
  await row.first().click();
  // The active tab, not just a tab: the file may already be open behind another one, and a
  // command run next acts on the active editor.
  await expectVisible(editorTab(page, path.basename(name)).and(page.locator('.tab.active')), timeoutMs, `"${name}" as the active editor tab`);
  // Its text on screen, as a person sees it before acting on it (the tab shows before the file is read).
  await expectVisible(page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').first(), timeoutMs, `the text of "${name}"`);
}

/** The editor tab of a file by name (tabs split the name into "responses" + ".json"; match the resource name). */
export function editorTab(page: Page, name: string): Locator {
  return page.locator(`.tabs-container .tab[data-resource-name=${JSON.stringify(name)}]`);
}

// ------------------------------------------------------------------------------------------
// Problems panel

/** Opens the Problems panel (Ctrl+Shift+M, or the View command if the key did not show it). */
export async function openProblems(page: Page, timeoutMs = 20_000): Promise<Locator> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    const shown = await panel.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (!shown) await runCommand(page, 'View: Focus Problems', timeoutMs);
  }
  await expectVisible(panel, timeoutMs, 'the Problems panel (.markers-panel)');
  return panel;
}

/**
 * Text of every row of the Problems panel (file rows and marker rows), from their aria-label,
 * which holds the message, the source and the position, e.g.
 * "Error: responses[0]: fails … Aymara … at line 4 column 7". Call openProblems first.
 */
export async function problemRows(page: Page): Promise<string[]> {
  const rows = page.locator('.markers-panel .monaco-list-row');
  return rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
}

/** Waits until the Problems panel has a row matching `pattern`; returns all rows then. */
export async function waitForProblem(page: Page, pattern: RegExp | string, timeoutMs = 30_000): Promise<string[]> {
  const h = await harness();
  await openProblems(page, timeoutMs);
  let last: string[] = [];
  try {
    return await h.waitFor(async () => {
      last = await problemRows(page);
      return last.some((r) => (typeof pattern === 'string' ? r.includes(pattern) : pattern.test(r))) ? last : undefined;
    }, { timeoutMs, intervalMs: 300, what: `a Problems row matching ${String(pattern)}` });
  } catch (e) {
    throw new Error(`${(e as Error).message}; rows: ${last.join(' | ') || '(none)'}`);
  }
}

// ------------------------------------------------------------------------------------------
// Notifications

/**
 * Texts of notifications. In headless Chromium information messages often do not pop up as
 * toasts, but are announced in the aria alert region; this reads toasts, the aria alerts, and
 * (openCenter: true) the Notifications center ("Notifications: Show Notifications").
 */
export async function notifications(page: Page, opts: { openCenter?: boolean } = {}): Promise<string[]> {
  const texts: string[] = [];
  texts.push(...await page.locator('.notification-toast .notification-list-item-message').allTextContents());
  texts.push(...await page.locator('.monaco-aria-container .monaco-alert, .monaco-aria-container [role="alert"]').allTextContents());
  if (opts.openCenter) {
    await runCommand(page, 'Notifications: Show Notifications');
    const items = page.locator('.notifications-center .notification-list-item-message');
    await items.first().waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
    texts.push(...await items.allTextContents());
    await page.keyboard.press('Escape');
  }
  return [...new Set(texts.map((t) => t.trim()).filter(Boolean))];
}

/**
 * Waits until a notification matches `pattern`: polls toasts and aria alerts, and every few
 * seconds also the Notifications center (opening it moves focus, so not on every poll).
 */
export async function waitForNotification(page: Page, pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
  const test = (t: string) => (typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t));
  const deadline = Date.now() + timeoutMs;
  let nextCenter = Date.now() + 2_000;
  let last: string[] = [];
  for (;;) {
    const openCenter = Date.now() >= nextCenter;
    if (openCenter) nextCenter = Date.now() + 4_000;
    last = await notifications(page, { openCenter });
    const hit = last.find(test);
    if (hit) return hit;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for a notification matching ${String(pattern)}; seen: ${last.join(' | ') || '(none)'}`);
    }
    await page.waitForTimeout(400);
  }
}

// ------------------------------------------------------------------------------------------
// Webviews, screenshots, extension host

/**
 * The DOM of a webview: the outer `iframe.webview.ready`, then its `iframe#active-frame`.
 * With several webviews open, `nth` picks one (default: the last one, usually the newest).
 */
export function webviewFrame(page: Page, nth = -1): FrameLocator {
  const outer = page.locator('iframe.webview.ready');
  const chosen = nth === -1 ? outer.last() : outer.nth(nth);
  return chosen.contentFrame().locator('iframe#active-frame').contentFrame();
}

/** Waits until a webview exists and an element matching `selector` is visible inside it. */
export async function waitForWebview(page: Page, selector: string, timeoutMs = 30_000): Promise<FrameLocator> {
  await expectVisible(page.locator('iframe.webview.ready').last(), timeoutMs, 'a webview (iframe.webview.ready)');
  const frame = webviewFrame(page);
  await expectVisible(frame.locator(selector).first(), timeoutMs, `"${selector}" inside the webview`);
  return frame;
}

/** Saves a PNG of the page to test-results/<name>.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}

/**
 * Waits until the extension host log says the extension was activated
 * ("ExtensionService#_doActivateExtension <id>") and did not fail: VS Code logs
 * "Activating extension <id> failed" right after a throwing activate() or a broken bundle, so
 * after the start line this keeps watching for `settleMs` (default 1.5 s) before it resolves.
 * Default id: this repository's extension.
 */
export async function waitForActivation(server: HostLib.CodeServer, id?: string, timeoutMs = 30_000, settleMs = 1_500): Promise<void> {
  const h = await harness();
  const extId = (id ?? h.extensionId()).toLowerCase();
  const started = `_doactivateextension ${extId}`;
  const failed = new RegExp(`activating extension '?${escapeRegExp(extId)}'? failed[^\n]*(\n[^\n]*){0,3}`, 'i');
  const check = (): void => {
    const m = failed.exec(server.extHostLog());
    if (m) throw Object.assign(new Error(`The extension host failed to activate ${extId}:\n${m[0]}`), { fatal: true });
  };
  await h.waitFor(() => { check(); return server.extHostLog().toLowerCase().includes(started); }, {
    timeoutMs, intervalMs: 300, what: `the extension host to activate ${extId}`,
  });
  const until = Date.now() + settleMs;
  while (Date.now() < until) {
    check();
    await new Promise((r) => setTimeout(r, 250));
  }
  check();
}

/** Extension host log lines that look like errors of the given extension (for assertions). */
export function extensionErrors(server: HostLib.CodeServer, id: string): string[] {
  return server.extHostLog().split('\n').filter((l) => /\[error\]/i.test(l) && l.toLowerCase().includes(id.toLowerCase()));
}

async function expectVisible(locator: Locator, timeoutMs: number, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
