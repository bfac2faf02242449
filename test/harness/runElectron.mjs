// Runs the same integration suites in desktop VS Code (Electron), through @vscode/test-electron.
// For machines with internet (it downloads VS Code into .vscode-test/) or a local VS Code
// (VSCODE_EXECUTABLE_PATH=/path/to/code). It cannot run on an offline machine: there, use
// `npm run test:integration` (code-server + Chromium).
//
// Usage: node test/harness/runElectron.mjs [suite ...]   (after `npm run build`)
// Env: VSCODE_EXECUTABLE_PATH  a VS Code binary to use instead of downloading one
//      VSCODE_VERSION          version to download (default "stable")
//      AYMARA_TEST_GREP        run only matching tests
//      AYMARA_INSPECT_EXTENSIONS=<port>  the extension host waits for a debugger on that port
//                              (the launch configuration "Extension Tests (debug the host)")
// This is what `npm test` runs for the integration layer on macOS and Windows.
// A suite argument may hold several names separated by spaces (as a launch configuration passes them).
// On Linux without $DISPLAY it runs VS Code under `xvfb-run -a` when that is installed.
//
// Suites are read exactly as runIntegration.mjs reads them (test/integration/<suite>/suite.json:
// workspace, trust, settings, env, timeoutSeconds). VS Code is spawned here, not through
// runTests(), so that trust can stay on for a suite that asks for it and so that a hung run is
// ended as a process group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { desktopEnv } from './launcher.mjs';
import { copySuiteWorkspace, selectSuites, suiteConfig, suiteTestsModule } from './suites.mjs';
import { exists, killGroup, log, makeTempDir, removeDir, repoRoot, stopGroup } from './util.mjs';

/** @returns {Promise<string>} the VS Code executable to run */
async function vscodeExecutable() {
  if (process.env.VSCODE_EXECUTABLE_PATH) {
    if (!exists(process.env.VSCODE_EXECUTABLE_PATH)) throw new Error(`VSCODE_EXECUTABLE_PATH=${process.env.VSCODE_EXECUTABLE_PATH} does not exist`);
    return process.env.VSCODE_EXECUTABLE_PATH;
  }
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  const version = process.env.VSCODE_VERSION ?? 'stable';
  log(`getting VS Code ${version} (cached in .vscode-test/)…`);
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: join(repoRoot, '.vscode-test'), timeout: 60_000 });
  } catch (e) {
    throw new Error(`Could not download VS Code ${version} (${e instanceof Error ? e.message : e}). Without internet set VSCODE_EXECUTABLE_PATH, or run \`npm run test:integration\` (code-server).`);
  }
}

/** @returns {string[]} command prefix that gives VS Code a display on Linux */
function displayPrefix() {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return [];
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0) return ['xvfb-run', '-a'];
  log('no $DISPLAY and no xvfb-run: VS Code will probably fail to open a window (apt-get install -y xvfb)');
  return [];
}

/** @returns {string[]} VS Code's flag that makes the extension host wait for a debugger, when asked */
function inspectArgs() {
  const port = process.env.AYMARA_INSPECT_EXTENSIONS?.trim();
  if (!port) return [];
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`AYMARA_INSPECT_EXTENSIONS=${port} is not a port number`);
  log(`the extension host waits for a debugger on port ${port}`);
  return [`--inspect-brk-extensions=${port}`];
}

/**
 * @param {string} exe
 * @param {string} suite
 * @returns {Promise<{ suite: string, ok: boolean, seconds: number, detail: string }>}
 */
async function runSuite(exe, suite) {
  const started = Date.now();
  /** @type {import('./suites.mjs').SuiteConfig} */
  let cfg;
  try {
    cfg = suiteConfig(suite);
  } catch (e) {
    return { suite, ok: false, seconds: 0, detail: e instanceof Error ? e.message : String(e) };
  }
  const root = await makeTempDir(`aymara-electron-${suite}`);
  try {
    const workspace = copySuiteWorkspace(suite, cfg, root);
    const userData = join(root, 'user-data');
    const extensions = join(root, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(extensions, { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      ...(cfg.settings ?? {}),
    }, null, 2));
    const args = [
      workspace,
      '--no-sandbox',
      '--disable-gpu-sandbox',
      '--disable-updates',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      `--user-data-dir=${userData}`,
      `--extensions-dir=${extensions}`,
      `--extensionDevelopmentPath=${repoRoot}`,
      `--extensionTestsPath=${suiteTestsModule(suite)}`,
      ...(cfg.trust ? [] : ['--disable-workspace-trust']),
      ...inspectArgs(),
    ];
    const prefix = displayPrefix();
    const [cmd, ...cmdArgs] = [...prefix, exe, ...args];
    const env = desktopEnv(process.env, cfg.env ?? {});
    log(`suite ${suite}: desktop VS Code, workspace ${cfg.workspace ?? suite}, trust ${cfg.trust ? 'on' : 'off'}`);
    const child = spawn(/** @type {string} */ (cmd), cmdArgs, { env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    // Ctrl+C or an error exit: end VS Code's whole group and remove the temp dirs.
    const onExit = () => {
      killGroup(child.pid, 'SIGKILL');
      rmSync(root, { recursive: true, force: true });
    };
    process.once('exit', onExit);
    const timeoutMs = (cfg.timeoutSeconds ?? 300) * 1000;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const code = await new Promise((resolveCode) => {
      timer = setTimeout(() => {
        log(`suite ${suite}: no result after ${timeoutMs / 1000} s, stopping VS Code`);
        void stopGroup(child.pid).then(() => resolveCode(-1));
      }, timeoutMs);
      child.on('error', (e) => { log(`could not start ${cmd}: ${e.message}`); resolveCode(-2); });
      child.on('exit', (c, s) => resolveCode(c ?? (s ? 128 : 1)));
    });
    clearTimeout(timer);
    process.removeListener('exit', onExit);
    await stopGroup(child.pid, 2000); // helpers VS Code left behind
    const seconds = (Date.now() - started) / 1000;
    if (code === 0) return { suite, ok: true, seconds, detail: '' };
    const detail = code === -1 ? `timed out after ${timeoutMs / 1000} s` : code === -2 ? 'VS Code did not start' : `exit code ${code}`;
    return { suite, ok: false, seconds, detail };
  } catch (e) {
    return { suite, ok: false, seconds: (Date.now() - started) / 1000, detail: e instanceof Error ? e.message : String(e) };
  } finally {
    await removeDir(root);
  }
}

async function main() {
  if (!exists(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js does not exist: run `npm run build` first.');
  const suites = selectSuites(process.argv.slice(2).flatMap((a) => a.split(/\s+/)).filter((a) => a && !a.startsWith('-')));
  const exe = await vscodeExecutable();
  const results = [];
  for (const suite of suites) {
    const r = await runSuite(exe, suite);
    results.push(r);
    log(`suite ${suite}: ${r.ok ? 'PASSED' : 'FAILED'} in ${r.seconds.toFixed(1)} s${r.detail ? ` (${r.detail})` : ''}`);
  }
  const passed = results.filter((r) => r.ok).length;
  console.log('');
  for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.suite} (${r.seconds.toFixed(1)} s)${r.detail ? ` - ${r.detail}` : ''}`);
  console.log(`${passed} passed, ${results.length - passed} failed`);
  return passed === results.length ? 0 : 1;
}

for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => process.exit(130));

main().then((code) => process.exit(code)).catch((e) => {
  console.error(`[harness] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
