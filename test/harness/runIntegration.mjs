// Runs the integration suites inside the real Node extension host of VS Code (code-server).
//
// A suite is a folder out/test/integration/<suite>/ whose index.js exports run() (mocha in the
// extension host, see test/integration/runMocha.ts). For each suite this script:
//   1. copies test/fixtures/workspaces/<workspace>/ to a temp dir (tests may modify files),
//   2. starts code-server with the smoke-test driver on a free port, fresh dirs, trust as asked,
//   3. opens the workbench in headless Chromium with a `payload` naming this repo as the extension
//      under development and the suite's index.js as the tests module,
//   4. forwards the host's log (codeAutomationLog) to stdout and waits for codeAutomationExit.
// Optional test/integration/<suite>/suite.json:
//   { "workspace": "<fixture folder name>", "trust": false, "settings": {}, "env": {}, "timeoutSeconds": 300 }
// ("workspace" defaults to the suite name; trust defaults to false = --disable-workspace-trust).
//
// Usage: node test/harness/runIntegration.mjs [suite ...]   (needs `npm run build` first)
// Env: AYMARA_TEST_GREP=<text> runs only matching tests; AYMARA_SUITE_TIMEOUT_SECONDS (default 300)
// bounds a suite without its own timeoutSeconds; AYMARA_HARNESS_VERBOSE=1 prints the whole
// workbench log; AYMARA_HARNESS_KEEP=1 keeps temp dirs.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, shuttingDown, startCodeServer, stopAll, trackTempDir } from './host.mjs';
import { ensureHost } from './installHost.mjs';
import { copySuiteWorkspace, selectSuites, suiteConfig, suiteTestsModule } from './suites.mjs';
import { log, makeTempDir, repoRoot, resultsDir, withTimeout } from './util.mjs';

const verbose = !!process.env.AYMARA_HARNESS_VERBOSE;

/**
 * Lines the workbench logs that are expected on an offline machine and only hide real output.
 * @param {string} line
 */
function isNoise(line) {
  return /ENOTFOUND|open-vsx\.org|marketplace|telemetry|update\.code\.visualstudio|vscode-cdn|ERR_NAME_NOT_RESOLVED|getaddrinfo|Failed to fetch|gallery|\[perf\]|extension recommendations/i.test(line)
    || /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Canceled: Canceled)/.test(line.trim());
}

/**
 * Text of a codeAutomationLog call: VS Code passes a level and either one formatted string or
 * printf-style arguments.
 * @param {unknown} args
 */
function formatArgs(args) {
  if (Array.isArray(args)) return format(...args);
  return typeof args === 'string' ? args : format(args);
}

/**
 * @param {string} suite
 * @returns {Promise<{ suite: string, ok: boolean, seconds: number, detail: string }>}
 */
async function runSuite(suite) {
  const started = Date.now();
  /** @type {import('./suites.mjs').SuiteConfig} */
  let cfg;
  try {
    cfg = suiteConfig(suite);
  } catch (e) {
    return { suite, ok: false, seconds: 0, detail: e instanceof Error ? e.message : String(e) };
  }
  const workspaceName = cfg.workspace ?? suite;
  const timeoutMs = (cfg.timeoutSeconds ?? Number(process.env.AYMARA_SUITE_TIMEOUT_SECONDS || 300)) * 1000;
  const wsRoot = await makeTempDir(`aymara-ws-${suite}`);
  const removeWorkspace = trackTempDir(wsRoot);
  let workspace;
  try {
    workspace = copySuiteWorkspace(suite, cfg, wsRoot);
  } catch (e) {
    await removeWorkspace();
    return { suite, ok: false, seconds: 0, detail: e instanceof Error ? e.message : String(e) };
  }

  log(`suite ${suite}: workspace ${workspaceName}, trust ${cfg.trust ? 'on' : 'off'}, timeout ${timeoutMs / 1000} s`);
  /** @type {import('./host.mjs').CodeServer | undefined} */
  let server;
  /** @type {import('./host.mjs').LaunchedBrowser | undefined} */
  let browser;
  /** @type {string[]} */
  const workbenchLog = [];
  try {
    server = await startCodeServer({
      label: `suite ${suite}`,
      smokeTestDriver: true,
      trust: !!cfg.trust,
      settings: cfg.settings ?? {},
      env: {
        ...(process.env.AYMARA_TEST_GREP ? { AYMARA_TEST_GREP: process.env.AYMARA_TEST_GREP } : {}),
        ...(cfg.env ?? {}),
      },
    });
    browser = await launchBrowser();
    const { page } = browser;

    /** @type {(v: { code: number, logs: unknown }) => void} */
    let onExit = () => undefined;
    const exited = new Promise((resolveExit) => { onExit = resolveExit; });
    await page.exposeFunction('codeAutomationLog', (/** @type {string} */ level, /** @type {unknown} */ args) => {
      const text = formatArgs(args);
      workbenchLog.push(`[${level}] ${text}`);
      if (verbose || !isNoise(text)) process.stdout.write(`  ${text.replace(/\n/g, '\n  ')}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code, /** @type {unknown} */ logs) => {
      onExit({ code: Number(code), logs });
    });

    const srv = server;
    const serverDied = new Promise((_, reject) => {
      const t = setInterval(() => {
        if (!srv.running()) { clearInterval(t); reject(new Error('code-server exited while the suite ran')); }
      }, 500);
      exited.finally(() => clearInterval(t));
    });

    const testsModule = suiteTestsModule(suite);
    /** @type {Array<[string, string]>} */
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsModule)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(server.workbenchUrl(workspace, payload), { waitUntil: 'domcontentloaded' });
    const result = /** @type {{ code: number, logs: unknown }} */ (await withTimeout(
      /** @type {Promise<{ code: number, logs: unknown }>} */ (Promise.race([exited, serverDied])),
      timeoutMs,
      `suite ${suite} to finish (no codeAutomationExit; wrong extensionTestsPath, or a test hangs)`,
    ));
    if (result.code !== 0) {
      await saveArtefacts(suite, server, browser, workbenchLog, result.logs);
      return { suite, ok: false, seconds: (Date.now() - started) / 1000, detail: `extension host exit code ${result.code}` };
    }
    return { suite, ok: true, seconds: (Date.now() - started) / 1000, detail: '' };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (shuttingDown()) return { suite, ok: false, seconds: (Date.now() - started) / 1000, detail: 'interrupted' };
    if (server) await saveArtefacts(suite, server, browser, workbenchLog, undefined);
    return { suite, ok: false, seconds: (Date.now() - started) / 1000, detail: msg };
  } finally {
    await browser?.close();
    await server?.stop();
    await removeWorkspace();
  }
}

/**
 * On failure: prints the tail of the server log and browser errors, and saves a screenshot and all
 * logs under test-results/integration-<suite>/.
 * @param {string} suite
 * @param {import('./host.mjs').CodeServer} server
 * @param {import('./host.mjs').LaunchedBrowser | undefined} browser
 * @param {string[]} workbenchLog
 * @param {unknown} exitLogs
 */
async function saveArtefacts(suite, server, browser, workbenchLog, exitLogs) {
  const dir = join(resultsDir, `integration-${suite}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'code-server.log'), server.log());
    writeFileSync(join(dir, 'exthost.log'), server.extHostLog());
    writeFileSync(join(dir, 'workbench.log'), workbenchLog.join('\n'));
    // Every log of the server side (extension host, output channels such as the extension's own).
    const logs = join(server.dirs.userData, 'logs');
    if (existsSync(logs)) cpSync(logs, join(dir, 'logs'), { recursive: true });
    if (Array.isArray(exitLogs)) {
      for (const l of exitLogs) {
        if (l && typeof l.relativePath === 'string' && typeof l.contents === 'string') {
          const f = join(dir, 'web-logs', l.relativePath.replace(/\.\.+/g, '_'));
          mkdirSync(join(f, '..'), { recursive: true });
          writeFileSync(f, l.contents);
        }
      }
    }
    if (browser) {
      await withTimeout(browser.page.screenshot({ path: join(dir, 'screenshot.png') }), 10_000, 'screenshot').catch(() => undefined);
      writeFileSync(join(dir, 'browser-console.log'), browser.consoleErrors().join('\n'));
    }
  } catch (e) {
    log(`could not save artefacts: ${e}`);
  }
  const tail = server.log().split('\n').slice(-40).join('\n    ');
  process.stderr.write(`[harness] suite ${suite}: last lines of the code-server log:\n    ${tail}\n`);
  const extTail = server.extHostLog().split('\n').filter((l) => /error|fail|exception/i.test(l)).slice(-20).join('\n    ');
  if (extTail) process.stderr.write(`[harness] suite ${suite}: errors in the extension host log:\n    ${extTail}\n`);
  if (browser) {
    const errs = browser.consoleErrors().filter((l) => !isNoise(l)).slice(-15).join('\n    ');
    if (errs) process.stderr.write(`[harness] suite ${suite}: browser console errors:\n    ${errs}\n`);
  }
  process.stderr.write(`[harness] suite ${suite}: logs and a screenshot are in ${join(basename(resultsDir), `integration-${suite}`)}/\n`);
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js does not exist: run `npm run build` first.');
  }
  const suites = selectSuites(wanted);
  await ensureHost();

  const results = [];
  for (const suite of suites) {
    const r = await runSuite(suite);
    if (shuttingDown()) {
      // Ctrl+C / SIGTERM: host.mjs is stopping everything and exits with 130/143.
      await new Promise(() => undefined);
    }
    results.push(r);
    log(`suite ${suite}: ${r.ok ? 'PASSED' : 'FAILED'} in ${r.seconds.toFixed(1)} s${r.detail ? ` (${r.detail})` : ''}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log('');
  for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.suite} (${r.seconds.toFixed(1)} s)${r.detail ? ` - ${r.detail}` : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main()
  .then(async (code) => { await stopAll(); process.exit(code); })
  .catch(async (e) => {
    console.error(`[harness] ${e instanceof Error ? e.message : e}`);
    await stopAll();
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
