// `npm start`: the extension in a real VS Code in your browser, against the local Aymara server.
//   1. builds (npm run build; skip with --no-build),
//   2. installs the host if needed (.host/: code-server + Node 24),
//   3. starts the local Aymara server (dist/server.js) on $AYMARA_SERVER_PORT or a free port,
//   4. copies test/fixtures/workspaces/demo/ to .host/demo-workspace/ the first time (your edits
//      stay there across starts; delete that folder to reset it),
//   5. starts code-server on 127.0.0.1:${PORT:-8080} with this repository's extension installed
//      (a link to the repo: `npm run build` + "Developer: Reload Window" picks up changes), the user
//      setting aymara.apiBaseUrl pointing at the local server, AYMARA_AI_API_KEY set to its key,
//      and Workspace Trust disabled,
//   6. prints the URL to open and runs until Ctrl+C, which stops everything.
import { cpSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setSignalExitCode, shuttingDown, startAymaraServer, startCodeServer, stopAll } from './host.mjs';
import { ensureHost } from './installHost.mjs';
import { hostDir, log, repoRoot, run } from './util.mjs';

const demoFixture = join(repoRoot, 'test', 'fixtures', 'workspaces', 'demo');
const demoWorkspace = join(hostDir, 'demo-workspace');

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

async function main() {
  setSignalExitCode(0); // Ctrl+C is the normal way to stop
  const port = portFrom('PORT', process.env.PORT, 8080);
  const serverPort = portFrom('AYMARA_SERVER_PORT', process.env.AYMARA_SERVER_PORT, 0);

  if (!process.argv.includes('--no-build')) {
    log('building (npm run build)…');
    const b = await run('npm', ['run', '--silent', 'build'], { timeoutMs: 5 * 60_000, what: 'npm run build' });
    if (b.code !== 0) throw new Error(`npm run build failed (exit ${b.code})`);
  }
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing after the build.');
  if (!existsSync(join(repoRoot, 'dist', 'server.js'))) {
    throw new Error('dist/server.js is missing: the local Aymara server (src/server/main.ts) is not built yet.');
  }
  if (!existsSync(demoFixture)) throw new Error('test/fixtures/workspaces/demo/ does not exist yet: there is no demo workspace to open.');
  await ensureHost({ browser: false });

  if (port !== 0 && !(await portIsFree(port))) {
    throw new Error(`Port ${port} on 127.0.0.1 is in use. Stop what uses it or pick another: PORT=8081 npm start`);
  }
  if (serverPort !== 0 && !(await portIsFree(serverPort))) {
    throw new Error(`AYMARA_SERVER_PORT ${serverPort} on 127.0.0.1 is in use.`);
  }

  if (existsSync(demoWorkspace)) {
    log('using .host/demo-workspace/ (kept from an earlier start; delete it to reset the demo files)');
  } else {
    cpSync(demoFixture, demoWorkspace, { recursive: true });
    log('copied the demo workspace to .host/demo-workspace/');
  }

  const aymara = await startAymaraServer({ ...(serverPort ? { port: serverPort } : {}) });
  log(`local Aymara server: ${aymara.url}`);

  const server = await startCodeServer({
    port,
    label: 'code-server',
    withExtension: true,
    extensionMode: 'link',
    trust: false,
    settings: {
      'aymara.apiBaseUrl': aymara.url,
      'workbench.startupEditor': 'readme',
    },
    env: { AYMARA_AI_API_KEY: aymara.apiKey },
  });

  const url = server.workbenchUrl(demoWorkspace);
  console.log('');
  console.log('  Aymara Eval Scoring is running in VS Code (code-server).');
  console.log(`  Open:          ${url}`);
  console.log(`  Aymara API:    ${aymara.url} (local server; its key is given to the extension as AYMARA_AI_API_KEY)`);
  console.log(`  Workspace:     ${demoWorkspace}`);
  console.log(`  Logs:          ${join(server.dirs.root, 'code-server.log')}`);
  console.log('  Press Ctrl+C to stop.');
  console.log('');

  // Run until a signal (host.mjs stops everything and exits) or until a child dies.
  await new Promise((_, reject) => {
    const timer = setInterval(() => {
      if (shuttingDown()) {
        clearInterval(timer); // Ctrl+C: host.mjs is stopping everything and will exit
      } else if (!server.running()) {
        clearInterval(timer);
        reject(new Error(`code-server stopped unexpectedly; last output:\n${server.log().split('\n').slice(-30).join('\n')}`));
      } else if (!aymara.running()) {
        clearInterval(timer);
        reject(new Error(`the local Aymara server stopped unexpectedly; last output:\n${aymara.log().split('\n').slice(-30).join('\n')}`));
      }
    }, 1000);
  });
}

main().catch(async (e) => {
  if (shuttingDown()) return;
  console.error(`[harness] npm start failed: ${e instanceof Error ? e.message : e}`);
  await stopAll();
  process.exit(1);
});
