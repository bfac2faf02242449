// The harness library: starts the real VS Code (code-server on Node 24), the local Aymara server
// and Debian Chromium (through playwright-core), and always cleans them up.
//
//   startCodeServer(opts)   -> CodeServer     code-server in its own process group, fresh dirs
//   startAymaraServer(opts) -> AymaraServer   node dist/server.js in its own process group
//   launchBrowser(opts)     -> Browser        headless Chromium with a fresh profile and HOME
//   stopAll()                                 stops everything still running (also on exit/signals)
//
// Every child runs in its own process group (setsid) and is ended as a group, because code-server
// spawns extension hosts, a pty host and an agent host that would otherwise outlive it. Resources
// are tracked in a registry on globalThis, so a copy of this module loaded twice still shares it,
// and SIGINT/SIGTERM/SIGHUP or process exit end whatever is left.
// Typed with JSDoc, checked by tsc (checkJs); TypeScript callers import this file for its types.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanNpmEnv, exists, extensionId, extensionManifest, fatal, freePort, killGroup, log, makeTempDir, removeDir,
  repoRoot, stopGroup, waitFor, withTimeout,
} from './util.mjs';
import { chromiumPath, ensureHost, hostPaths } from './installHost.mjs';

export { repoRoot, extensionId, freePort, waitFor, withTimeout, chromiumPath };

/** Settings that keep a test workbench quiet and deterministic; callers' settings win. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
};

/** Chromium flags that work here as root, headless, offline. */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// ---------------------------------------------------------------------------------------------
// Registry of live resources + cleanup on exit and signals

/** @typedef {{ name: string, pgid?: number, dirs: string[], stop: () => Promise<void> }} Resource */
/** @typedef {{ resources: Set<Resource>, handlersInstalled: boolean, stopping: boolean, signalExitCode?: number }} Registry */

const REGISTRY_KEY = Symbol.for('aymara.harness.registry');
/** @returns {Registry} */
function registry() {
  const g = /** @type {Record<symbol, Registry>} */ (/** @type {unknown} */ (globalThis));
  g[REGISTRY_KEY] ??= { resources: new Set(), handlersInstalled: false, stopping: false };
  return g[REGISTRY_KEY];
}

/** @param {Resource} r */
function track(r) {
  const reg = registry();
  reg.resources.add(r);
  if (!reg.handlersInstalled) {
    reg.handlersInstalled = true;
    // Last resort, synchronous: kill whole groups and remove temp dirs.
    process.on('exit', () => {
      for (const res of registry().resources) {
        killGroup(res.pgid, 'SIGKILL');
        if (!process.env.AYMARA_HARNESS_KEEP) for (const d of res.dirs) rmSync(d, { recursive: true, force: true });
      }
    });
    for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
      process.on(sig, () => {
        const reg2 = registry();
        if (reg2.stopping) return;
        reg2.stopping = true;
        log(`${sig}: stopping what the harness started (${reg2.resources.size} item(s))…`);
        const code = reg2.signalExitCode ?? (sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
        withTimeout(stopAll(), 15_000, 'cleanup').catch(() => undefined).finally(() => process.exit(code));
      });
    }
  }
}

/** @param {Resource} r */
function untrack(r) {
  registry().resources.delete(r);
}

/** @returns {boolean} whether a signal handler is stopping everything (the process is about to exit) */
export function shuttingDown() {
  return registry().stopping;
}

/**
 * Exit code used after SIGINT/SIGTERM/SIGHUP once everything is stopped (default 130/143/129).
 * `npm start` uses 0: Ctrl+C is how a person ends it.
 * @param {number | undefined} code
 */
export function setSignalExitCode(code) {
  registry().signalExitCode = code;
}

/**
 * Registers a temp dir to be removed by stop()/stopAll() or, at the latest, when the process exits
 * (also on Ctrl+C). Returns the function that removes it now.
 * @param {string} dir
 * @returns {() => Promise<void>}
 */
export function trackTempDir(dir) {
  let removed = false;
  /** @type {Resource} */
  const resource = {
    name: `temp dir ${dir}`,
    dirs: [dir],
    stop: async () => {
      if (removed) return;
      removed = true;
      untrack(resource);
      if (!process.env.AYMARA_HARNESS_KEEP) await removeDir(dir);
    },
  };
  track(resource);
  return resource.stop;
}

/** Stops every code-server, Aymara server and browser this process started and still runs. */
export async function stopAll() {
  const all = [...registry().resources].reverse();
  await Promise.all(all.map((r) => r.stop().catch((e) => log(`stopping ${r.name} failed: ${e}`))));
}

// ---------------------------------------------------------------------------------------------
// Child processes with captured output

/**
 * Output of a child kept in memory (bounded) and mirrored to a file.
 * @param {string} file
 * @param {string} [echoPrefix]  when set, every line is also printed with this prefix
 */
function outputSink(file, echoPrefix) {
  const MAX = 4 * 1024 * 1024;
  let text = '';
  let pending = '';
  return {
    /** @param {Buffer | string} chunk */
    write(chunk) {
      const s = String(chunk);
      text += s;
      if (text.length > MAX) text = text.slice(text.length - MAX);
      try { writeFileSync(file, s, { flag: 'a' }); } catch { /* dir removed during shutdown */ }
      if (echoPrefix) {
        pending += s;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) process.stdout.write(`${echoPrefix}${l}\n`);
      }
    },
    text: () => text,
  };
}

/**
 * Environment for a host child: the caller's environment minus variables that would change what
 * code-server does (PORT overrides --bind-addr; VSCODE_IPC_HOOK_CLI makes it open files in another
 * instance; PASSWORD/GITHUB_TOKEN/...), minus npm's run-script variables.
 * @param {Record<string, string | undefined>} [extra]
 */
function childEnv(extra = {}) {
  const env = cleanNpmEnv(process.env);
  for (const k of Object.keys(env)) {
    if (/^(VSCODE_|CODE_SERVER_|CS_|ELECTRON_)/.test(k)
      || ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'GITHUB_TOKEN', 'LOG_LEVEL', 'NODE_OPTIONS'].includes(k)) delete env[k];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// The extension under test inside an extensions dir

/**
 * Makes the extension at `extensionPath` an installed extension of `extensionsDir`, under the
 * folder name VS Code itself would use (`publisher.name-version`). "link" (default) is a symlink,
 * so a rebuild followed by "Developer: Reload Window" runs new code; "copy" copies the files the
 * packaged extension would contain (package.json, dist/, media/, README/LICENSE/CHANGELOG).
 * @param {string} extensionsDir
 * @param {{ extensionPath?: string, mode?: 'link' | 'copy' }} [opts]
 * @returns {string} the folder created
 */
export function placeExtension(extensionsDir, { extensionPath = repoRoot, mode = 'link' } = {}) {
  const m = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  const main = typeof m.main === 'string' ? join(extensionPath, m.main) : undefined;
  if (main && !exists(main) && !exists(`${main}.js`)) {
    throw new Error(`The extension's entry ${m.main} does not exist in ${extensionPath}: run \`npm run build\` first.`);
  }
  const dest = join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`.toLowerCase());
  mkdirSync(extensionsDir, { recursive: true });
  rmSync(dest, { recursive: true, force: true });
  if (mode === 'link') {
    symlinkSync(extensionPath, dest, 'dir');
  } else {
    mkdirSync(dest, { recursive: true });
    for (const f of ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', 'dist', 'media']) {
      const src = join(extensionPath, f);
      if (exists(src)) cpSync(src, join(dest, f), { recursive: true, filter: (p) => !p.endsWith('.ts') || p.endsWith('.d.ts') });
    }
  }
  return dest;
}

// ---------------------------------------------------------------------------------------------
// code-server

/**
 * @typedef {object} CodeServerOptions
 * @property {number} [port]            default: a free port
 * @property {string} [host]            default 127.0.0.1
 * @property {Record<string, unknown>} [settings]  user settings (merged over quietSettings)
 * @property {boolean} [quiet]          merge quietSettings under `settings` (default true)
 * @property {Record<string, string | undefined>} [env]  extra environment for the server and
 *           its extension hosts (undefined removes a variable)
 * @property {boolean} [trust]          leave Workspace Trust on (default false: --disable-workspace-trust)
 * @property {boolean} [smokeTestDriver] pass enable-smoke-test-driver so the workbench honours the
 *           `payload` URL parameter (extension tests) (default false)
 * @property {boolean} [withExtension]  install our extension into the extensions dir (default false)
 * @property {'link' | 'copy'} [extensionMode]  how (default 'link')
 * @property {string} [extensionPath]   extension folder to install (default: the repo root)
 * @property {string} [vsix]            a packaged extension (.vsix) to install with code-server's
 *           own `--install-extension` before it starts, as a user installs it (instead of withExtension)
 * @property {boolean} [isolateHome]    HOME points into the temp dir too (default true)
 * @property {string} [label]           name used in messages
 * @property {boolean} [echo]           print the server's output as it comes (default false)
 * @property {number} [startTimeoutMs]  default 60 s
 * @property {boolean} [skipHostCheck]  internal: do not call ensureHost()
 */

/**
 * @typedef {object} CodeServer
 * @property {string} url          http://127.0.0.1:PORT
 * @property {string} host
 * @property {number} port
 * @property {number} pid          process (group) id
 * @property {string} authority    host:port, the remote authority of vscode-remote URIs
 * @property {{ root: string, userData: string, extensions: string, home: string }} dirs
 * @property {(absPath: string) => string} remoteUri  vscode-remote://HOST:PORT/abs/path
 * @property {(folder?: string, payload?: Array<[string, string]>) => string} workbenchUrl
 * @property {() => string} log    everything the server printed so far
 * @property {() => string} extHostLog  the extension host logs (exthost.log files) so far
 * @property {() => boolean} running
 * @property {() => Promise<void>} stop  ends the process group and removes the temp dirs
 */

/**
 * Starts code-server (VS Code server, Node extension host) on Node 24 with fresh temp dirs.
 * @param {CodeServerOptions} [opts]
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(opts = {}) {
  // A port picked by freePort() can be taken by someone else before code-server binds it (tests
  // running side by side): then try another one. A port the caller chose is never changed.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCodeServerOnce(opts);
    } catch (e) {
      const inUse = e instanceof Error && /EADDRINUSE/.test(e.message);
      if (!inUse || opts.port !== undefined || attempt >= 3) throw e;
      log(`port taken before code-server could bind it; retrying on another port`);
    }
  }
}

/**
 * Installs a .vsix into an extensions folder the way a user does (`code-server --install-extension`),
 * and checks that it landed.
 * @param {import('./installHost.mjs').HostPaths} paths
 * @param {{ userData: string, extensions: string }} dirs
 * @param {string} vsix
 * @param {NodeJS.ProcessEnv} env
 */
function installVsix(paths, dirs, vsix, env) {
  if (!exists(vsix)) throw new Error(`No such .vsix: ${vsix}`);
  const r = spawnSync(paths.nodeBin, [paths.codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    encoding: 'utf8', timeout: 120_000, env,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server could not install ${vsix} (exit ${r.status ?? r.signal}): ${out.trim().split('\n').slice(-5).join(' / ')}`);
  }
}

/** @param {CodeServerOptions} opts @returns {Promise<CodeServer>} */
async function startCodeServerOnce(opts) {
  const {
    host = '127.0.0.1', settings = {}, quiet = true, env = {}, trust = false, smokeTestDriver = false,
    withExtension = false, extensionMode = 'link', extensionPath = repoRoot, isolateHome = true,
    label = 'code-server', echo = false, startTimeoutMs = 60_000, skipHostCheck = false,
  } = opts;
  const paths = skipHostCheck ? hostPaths() : await ensureHost({ browser: false, quiet: true });
  const port = opts.port ?? await freePort();
  const root = await makeTempDir('aymara-vscode');
  const dirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    home: join(root, 'home'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.home, join(root, 'xdg-config'), join(root, 'xdg-data'), join(root, 'xdg-cache')]) {
    mkdirSync(d, { recursive: true });
  }
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...(quiet ? quietSettings : {}), ...settings }, null, 2) + '\n');
  if (withExtension) placeExtension(dirs.extensions, { extensionPath, mode: extensionMode });
  const xdg = { XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data'), XDG_CACHE_HOME: join(root, 'xdg-cache') };
  if (opts.vsix) installVsix(paths, dirs, opts.vsix, childEnv({ ...xdg, ...(isolateHome ? { HOME: dirs.home } : {}) }));

  const args = [
    paths.codeServerEntry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--reconnection-grace-time', '5',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
  ];
  if (!trust) args.push('--disable-workspace-trust');
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');

  const logFile = join(root, 'code-server.log');
  const out = outputSink(logFile, echo ? `[${label}] ` : undefined);
  const child = spawn(paths.nodeBin, args, {
    cwd: root,
    detached: true, // own process group (setsid), ended as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({
      ...xdg,
      ...(isolateHome ? { HOME: dirs.home } : {}),
      ...env,
    }),
  });
  child.stdout?.on('data', (d) => out.write(d));
  child.stderr?.on('data', (d) => out.write(d));
  let exited = false;
  /** @type {string} */
  let exitInfo = '';
  const exitedPromise = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      resolveExit(undefined);
    });
  });
  child.on('error', (e) => { exited = true; exitInfo = e.message; });
  const pgid = child.pid;

  let stopped = false;
  /** @type {Resource} */
  const resource = {
    name: `${label} (pid ${pgid}, port ${port})`,
    pgid,
    dirs: [root],
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopGroup(pgid);
      await withTimeout(exitedPromise, 5_000, 'code-server exit').catch(() => undefined);
      untrack(resource);
      if (!process.env.AYMARA_HARNESS_KEEP) await removeDir(root);
      else log(`kept ${root} (AYMARA_HARNESS_KEEP)`);
    },
  };
  track(resource);

  const url = `http://${host}:${port}`;
  const authority = `${host}:${port}`;
  /** @type {CodeServer} */
  const server = {
    url,
    host,
    port,
    pid: pgid ?? 0,
    authority,
    dirs,
    remoteUri: (absPath) => `vscode-remote://${authority}${absPath.startsWith('/') ? '' : '/'}${absPath}`,
    workbenchUrl: (folder, payload) => {
      // Slashes stay readable in the folder path; everything else is encoded.
      const parts = [];
      // A .code-workspace file opens as a (multi-root) workspace, anything else as a folder.
      const param = folder?.endsWith('.code-workspace') ? 'workspace' : 'folder';
      if (folder) parts.push(`${param}=${encodeURIComponent(folder).replace(/%2F/g, '/')}`);
      if (payload) parts.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `${url}/${parts.length ? `?${parts.join('&')}` : ''}`;
    },
    log: () => out.text(),
    extHostLog: () => readExtHostLogs(dirs.userData),
    running: () => !exited && !stopped,
    stop: resource.stop,
  };

  try {
    await waitFor(async () => {
      if (exited) throw fatal(`code-server exited during start (${exitInfo})`);
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return res.ok;
    }, { timeoutMs: startTimeoutMs, intervalMs: 150, what: `code-server /healthz on ${url}` });
  } catch (e) {
    const output = out.text();
    await server.stop();
    if (/EADDRINUSE/.test(output)) throw new Error(`code-server could not listen on ${host}:${port}: EADDRINUSE (port in use)`);
    process.stderr.write(`[harness] ${label} failed to start; its output:\n${indent(output)}\n`);
    throw e;
  }
  return server;
}

/** @param {string} userDataDir @returns {string} */
function readExtHostLogs(userDataDir) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir @param {number} depth */
  const walk = (dir, depth) => {
    if (depth > 6) return;
    let entries;
    try { entries = readdirSync(dir); } catch { return; }
    for (const e of entries) {
      const p = join(dir, e);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (e === 'exthost.log' || e === 'remoteexthost.log') found.push(p);
    }
  };
  walk(join(userDataDir, 'logs'), 0);
  return found.sort().map((f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } }).join('\n');
}

/** @param {string} text */
function indent(text) {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// The local Aymara server (dist/server.js)

/**
 * @typedef {object} AymaraServerOptions
 * @property {number} [port]       default: a free port
 * @property {string} [apiKey]     the key the server accepts (default $AYMARA_LOCAL_API_KEY, else "demo-key")
 * @property {string[]} [args]     more arguments for dist/server.js
 * @property {Record<string, string | undefined>} [env]
 * @property {boolean} [echo]      print the server's output as it comes
 * @property {number} [startTimeoutMs] default 30 s
 */
/**
 * @typedef {object} AymaraServer
 * @property {string} url     the URL the server printed, e.g. http://127.0.0.1:41234
 * @property {number} port
 * @property {string} apiKey  the key it accepts
 * @property {number} pid
 * @property {() => string} log
 * @property {() => boolean} running
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the local Aymara-compatible server (`node dist/server.js --port N`) and waits for the line
 * that announces its URL.
 * @param {AymaraServerOptions} [opts]
 * @returns {Promise<AymaraServer>}
 */
export async function startAymaraServer(opts = {}) {
  const { args = [], env = {}, echo = false, startTimeoutMs = 30_000 } = opts;
  // The key goes to the server through its environment (AYMARA_LOCAL_API_KEY), not argv, so it
  // does not show in `ps`.
  const apiKey = opts.apiKey ?? process.env.AYMARA_LOCAL_API_KEY ?? 'demo-key';
  const script = join(repoRoot, 'dist', 'server.js');
  if (!exists(script)) throw new Error('dist/server.js does not exist: run `npm run build` first (it builds src/server/main.ts).');
  const port = opts.port ?? await freePort();
  const logDir = await makeTempDir('aymara-server');
  const out = outputSink(join(logDir, 'server.log'), echo ? '[aymara-server] ' : undefined);
  const fullArgs = [script, '--port', String(port), ...args];
  const child = spawn(process.execPath, fullArgs, {
    cwd: repoRoot, detached: true, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv({ AYMARA_LOCAL_API_KEY: apiKey, ...env }),
  });
  child.stdout?.on('data', (d) => out.write(d));
  child.stderr?.on('data', (d) => out.write(d));
  let exitInfo = '';
  const exited = new Promise((r) => child.on('exit', (code, signal) => {
    exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
    r(undefined);
  }));
  child.on('error', (e) => { exitInfo = e.message; });
  const pgid = child.pid;
  let stopped = false;
  /** @type {Resource} */
  const resource = {
    name: `aymara server (pid ${pgid}, port ${port})`,
    pgid,
    dirs: [logDir],
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopGroup(pgid, 3000);
      untrack(resource);
      await removeDir(logDir);
    },
  };
  track(resource);
  try {
    const url = await waitFor(() => {
      if (exitInfo) throw fatal(`dist/server.js exited during start (${exitInfo})`);
      const m = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+/.exec(out.text());
      return m ? m[0] : undefined;
    }, { timeoutMs: startTimeoutMs, intervalMs: 100, what: 'dist/server.js to print its URL' });
    const actualPort = Number(new URL(url).port);
    return {
      url: url.replace('localhost', '127.0.0.1'),
      port: actualPort,
      apiKey,
      pid: pgid ?? 0,
      log: () => out.text(),
      running: () => !exitInfo && !stopped,
      stop: async () => { await resource.stop(); await withTimeout(exited, 3000, 'server exit').catch(() => undefined); },
    };
  } catch (e) {
    process.stderr.write(`[harness] dist/server.js failed to start; its output:\n${indent(out.text())}\n`);
    await resource.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium through playwright-core

/**
 * @typedef {object} BrowserOptions
 * @property {{ width: number, height: number }} [viewport]  default 1400x900
 * @property {boolean} [headless]   default true (set AYMARA_HEADED=1 to watch, needs a display)
 * @property {number} [timeoutMs]   default action timeout for the page (default 20 s)
 * @property {boolean} [consoleToStdout]  print the page's console errors as they come
 */
/**
 * @typedef {object} LaunchedBrowser
 * @property {import('playwright-core').Browser} browser
 * @property {import('playwright-core').BrowserContext} context
 * @property {import('playwright-core').Page} page
 * @property {() => string[]} consoleErrors  console errors and page errors seen so far
 * @property {() => Promise<void>} close
 */

/**
 * Launches Debian's Chromium headless (never a downloaded browser) with a fresh profile and HOME.
 * @param {BrowserOptions} [opts]
 * @returns {Promise<LaunchedBrowser>}
 */
export async function launchBrowser(opts = {}) {
  const { viewport = { width: 1400, height: 900 }, timeoutMs = 20_000, consoleToStdout = false } = opts;
  const headless = opts.headless ?? !process.env.AYMARA_HEADED;
  const executablePath = chromiumPath();
  if (!exists(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Install it: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  const { chromium } = await import('playwright-core');
  const home = await makeTempDir('aymara-chromium-home');
  const browser = await chromium.launch({
    executablePath,
    headless,
    args: chromiumFlags,
    timeout: 60_000,
    env: childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') }),
    handleSIGINT: false, // our own handlers stop everything in order
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  /** @type {Resource} */
  const resource = {
    name: 'chromium',
    dirs: [home],
    stop: async () => {
      if (closed) return;
      closed = true;
      await withTimeout(browser.close(), 10_000, 'closing Chromium').catch(() => undefined);
      untrack(resource);
      await removeDir(home);
    },
  };
  track(resource);
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    errors.push(m.text());
    if (consoleToStdout) process.stdout.write(`[browser] ${m.text()}\n`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { browser, context, page, consoleErrors: () => [...errors], close: resource.stop };
}

/** The extension's manifest (package.json of the repo root). */
export function manifest() {
  return extensionManifest();
}
