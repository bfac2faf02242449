// `npm start`: the extension in a real VS Code, against the local Aymara server.
//   1. builds (node esbuild.mjs, as `npm run build`; skip with --no-build),
//   2. copies test/fixtures/workspaces/demo/ to .host/demo-workspace/ the first time (your edits
//      stay there across starts; delete that folder to reset it),
//   3. starts the local Aymara server (dist/server.js) on $AYMARA_SERVER_PORT or a free port,
//   4. opens VS Code with the demo workspace, the user setting aymara.apiBaseUrl pointing at the
//      local server, AYMARA_AI_API_KEY set to its key, and Workspace Trust disabled:
//      - Linux x64 (default): code-server on 127.0.0.1:${PORT:-8080} with this repository's
//        extension installed (a link to the repo: `npm run build` + "Developer: Reload Window"
//        picks up changes; the first start installs code-server + Node 24 into .host/); prints
//        the URL to open and runs until Ctrl+C, which stops everything;
//      - macOS, Windows, or `npm start -- --desktop` / AYMARA_START=desktop: desktop VS Code
//        through its `code` command (or $AYMARA_CODE), in a window of its own (fresh user-data
//        and extensions dirs) with this repository as the extension under development; runs
//        until that window is closed or Ctrl+C.
//   The choice is made in launcher.mjs (choose).
// `node test/harness/start.mjs --prepare-demo` only does step 2 (the VS Code launch configuration uses it).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { quietSettings, setSignalExitCode, shuttingDown, startAymaraServer, startCodeServer, stopAll, trackTempDir } from './host.mjs';
import { ensureHost } from './installHost.mjs';
import { choose, desktopArgs, desktopEnv, findCode, spawnSpec } from './launcher.mjs';
import { hostDir, log, makeTempDir, repoRoot } from './util.mjs';

const demoFixture = join(repoRoot, 'test', 'fixtures', 'workspaces', 'demo');
const demoWorkspace = join(hostDir, 'demo-workspace');
const argv = process.argv.slice(2);

/** @param {string} name @param {string | undefined} value @param {number} fallback */
function portFrom(name, value, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${value} is not a port number`);
  return n;
}

/** @param {number} port @returns {Promise<boolean>} */
function portIsFree(port) {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** @param {string} p */
function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function build() {
  log('building (npm run build)…');
  const b = spawnSync(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'inherit', timeout: 5 * 60_000 });
  if (b.error) throw new Error(`npm run build could not run: ${b.error.message}`);
  if (b.status !== 0) throw new Error(`npm run build failed (${b.signal ? `signal ${b.signal}` : `exit ${b.status}`})`);
}

function checkBuilt() {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` (or leave out --no-build).');
  if (!existsSync(join(repoRoot, 'dist', 'server.js'))) {
    throw new Error('dist/server.js is missing: the local Aymara server (src/server/main.ts) is not built yet.');
  }
}

function prepareDemoWorkspace() {
  if (!existsSync(demoFixture)) throw new Error('test/fixtures/workspaces/demo/ does not exist yet: there is no demo workspace to open.');
  if (existsSync(demoWorkspace)) {
    log('using .host/demo-workspace/ (kept from an earlier start; delete it to reset the demo files)');
  } else {
    cpSync(demoFixture, demoWorkspace, { recursive: true });
    log('copied the demo workspace to .host/demo-workspace/');
  }
}

/**
 * Resolves when `done()` says so; rejects when a process we depend on stops unexpectedly.
 * @param {() => boolean} done
 * @param {{ name: string, running: () => boolean, log: () => string }[]} watched
 */
function runUntil(done, watched) {
  return new Promise((resolveRun, reject) => {
    const timer = setInterval(() => {
      if (shuttingDown()) {
        clearInterval(timer); // Ctrl+C: host.mjs is stopping everything and will exit
        return;
      }
      if (done()) {
        clearInterval(timer);
        resolveRun(undefined);
        return;
      }
      const dead = watched.find((w) => !w.running());
      if (dead) {
        clearInterval(timer);
        reject(new Error(`${dead.name} stopped unexpectedly; last output:\n${dead.log().split('\n').slice(-30).join('\n')}`));
      }
    }, 1000);
  });
}

/** @param {number} port @param {number} serverPort */
async function startInCodeServer(port, serverPort) {
  await ensureHost({ browser: false });
  if (port !== 0 && !(await portIsFree(port))) {
    throw new Error(`Port ${port} on 127.0.0.1 is in use. Stop what uses it or pick another: PORT=8081 npm start`);
  }
  if (serverPort !== 0 && !(await portIsFree(serverPort))) throw new Error(`AYMARA_SERVER_PORT ${serverPort} on 127.0.0.1 is in use.`);
  prepareDemoWorkspace();
  const aymara = await startAymaraServer({ ...(serverPort ? { port: serverPort } : {}) });
  log(`local Aymara server: ${aymara.url}`);
  const server = await startCodeServer({
    port,
    label: 'code-server',
    withExtension: true,
    extensionMode: 'link',
    trust: false,
    settings: { 'aymara.apiBaseUrl': aymara.url, 'workbench.startupEditor': 'readme' },
    env: { AYMARA_AI_API_KEY: aymara.apiKey },
  });
  console.log('');
  console.log('  Aymara Eval Scoring is running in VS Code (code-server).');
  console.log(`  Open:          ${server.workbenchUrl(demoWorkspace)}`);
  console.log(`  Aymara API:    ${aymara.url} (local server; its key is given to the extension as AYMARA_AI_API_KEY)`);
  console.log(`  Workspace:     ${demoWorkspace}`);
  console.log(`  Logs:          ${join(server.dirs.root, 'code-server.log')}`);
  console.log('  Press Ctrl+C to stop.');
  console.log('');
  await runUntil(() => false, [
    { name: 'code-server', running: () => server.running(), log: () => server.log() },
    { name: 'the local Aymara server', running: () => aymara.running(), log: () => aymara.log() },
  ]);
}

/** @param {string} code the `code` command @param {number} serverPort */
async function startInDesktop(code, serverPort) {
  if (serverPort !== 0 && !(await portIsFree(serverPort))) throw new Error(`AYMARA_SERVER_PORT ${serverPort} on 127.0.0.1 is in use.`);
  prepareDemoWorkspace();
  const aymara = await startAymaraServer({ ...(serverPort ? { port: serverPort } : {}) });
  log(`local Aymara server: ${aymara.url}`);
  const root = await makeTempDir('aymara-desktop');
  trackTempDir(root);
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    ...quietSettings,
    'aymara.apiBaseUrl': aymara.url,
    'workbench.startupEditor': 'readme',
  }, null, 2) + '\n');

  const args = desktopArgs({ repoRoot, workspace: demoWorkspace, userDataDir, extensionsDir });
  const cmd = spawnSpec(code, args, { platform: process.platform, env: process.env });
  log(`opening desktop VS Code: ${code}`);
  const child = spawn(cmd.file, cmd.args, {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: desktopEnv(process.env, { AYMARA_AI_API_KEY: aymara.apiKey }),
    windowsVerbatimArguments: cmd.windowsVerbatimArguments,
  });
  /** @type {string | undefined} */
  let ended;
  child.on('error', (e) => { ended = `could not run ${code}: ${e.message}`; });
  child.on('exit', (c, s) => { ended = s ? `signal ${s}` : `exit code ${c}`; });
  console.log('');
  console.log('  Aymara Eval Scoring is running in desktop VS Code (its own window: fresh settings and extensions).');
  console.log(`  Aymara API:    ${aymara.url} (local server; its key is given to the extension as AYMARA_AI_API_KEY)`);
  console.log(`  Workspace:     ${demoWorkspace}`);
  console.log('  Close that VS Code window (or press Ctrl+C) to stop.');
  console.log('');
  await runUntil(() => ended !== undefined, [
    { name: 'the local Aymara server', running: () => aymara.running(), log: () => aymara.log() },
  ]);
  if (ended !== 'exit code 0') throw new Error(`VS Code (${code}) ended with ${ended}.`);
  log('the VS Code window was closed; stopping the local server');
}

async function main() {
  if (argv.includes('--prepare-demo')) {
    prepareDemoWorkspace();
    console.log(demoWorkspace);
    return;
  }
  setSignalExitCode(0); // Ctrl+C is the normal way to stop
  const choice = choose({
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    argv,
    codeOnPath: findCode({ platform: process.platform, env: process.env, isFile }),
  });
  if (choice.kind === 'error') throw new Error(choice.message);
  const port = portFrom('PORT', process.env.PORT, 8080);
  const serverPort = portFrom('AYMARA_SERVER_PORT', process.env.AYMARA_SERVER_PORT, 0);
  if (!argv.includes('--no-build')) build();
  checkBuilt();
  if (choice.kind === 'code-server') await startInCodeServer(port, serverPort);
  else await startInDesktop(choice.code, serverPort);
}

main().then(async () => {
  await stopAll();
  process.exit(0);
}).catch(async (e) => {
  if (shuttingDown()) return;
  console.error(`[harness] npm start failed: ${e instanceof Error ? e.message : e}`);
  await stopAll();
  process.exit(1);
});
