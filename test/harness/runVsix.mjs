// Packages the extension as users get it (`npm run package`, into a temporary folder) and runs the
// smoke walk on that .vsix installed with code-server's own --install-extension
// (test/vsix/installed.test.ts). Packaging rebuilds dist/ for production; the development build
// is put back afterwards, so later runs of the other suites find what they expect.
//
// Usage: node test/harness/runVsix.mjs   (after `npm run build`, which builds the walk itself)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHost } from './installHost.mjs';
import { log, repoRoot } from './util.mjs';

/**
 * `npm run <script> -- ...args` with the npm that started this script, else npm on PATH.
 * @param {string} script @param {string[]} args
 */
function npm(script, args) {
  const npmCli = process.env.npm_execpath;
  const [file, pre] = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  return spawnSync(file, [...pre, 'run', script, ...(args.length ? ['--', ...args] : [])], { cwd: repoRoot, stdio: 'inherit', shell: process.platform === 'win32' });
}

async function main() {
  const walk = join(repoRoot, 'out', 'test', 'vsix', 'installed.test.js');
  if (!existsSync(walk)) throw new Error('out/test/vsix/installed.test.js does not exist: run `npm run build` first.');
  await ensureHost();
  const dir = mkdtempSync(join(tmpdir(), 'aymara-vsix-'));
  const vsix = join(dir, 'aymara-eval-scoring.vsix');
  try {
    log('vsix: npm run package');
    const packed = npm('package', ['--out', vsix]);
    // The development build back in dist/ (sourcemaps, test hooks), whatever packaging did.
    const rebuilt = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    if (packed.status !== 0 || !existsSync(vsix)) throw new Error(`\`npm run package\` failed (exit ${packed.status ?? packed.signal})`);
    if (rebuilt.status !== 0) throw new Error('rebuilding dist/ after packaging failed');
    const mochaBin = join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const child = spawn(process.execPath, [mochaBin, '--ui', 'bdd', '--reporter', 'spec', '--timeout', '120000', '--exit', '--forbid-only', walk], {
      cwd: repoRoot, stdio: 'inherit', env: { ...process.env, AYMARA_E2E_VSIX: vsix },
    });
    for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(sig, () => child.kill(sig));
    return await new Promise((resolveCode) => child.on('exit', (c, s) => resolveCode(c ?? (s ? 1 : 0))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(/** @type {number} */ (code))).catch((e) => {
  console.error(`[harness] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
