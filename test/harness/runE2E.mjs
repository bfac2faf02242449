// Runs the end-to-end tests: mocha in plain Node over out/test/e2e/**/*.test.js. The tests start
// code-server, the local Aymara server and Chromium themselves through the harness library
// (test/e2e/workbench.ts -> test/harness/host.mjs), which also cleans them up.
//
// Usage: node test/harness/runE2E.mjs [extra mocha args, e.g. --grep "palette"]   (after `npm run build`)
// Env: AYMARA_E2E_TIMEOUT_MINUTES (default 40) bounds the whole run.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureHost } from './installHost.mjs';
import { log, repoRoot } from './util.mjs';

const e2eOut = join(repoRoot, 'out', 'test', 'e2e');

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return findTests(p);
    return d.isFile() && d.name.endsWith('.test.js') ? [p] : [];
  }).sort();
}

async function main() {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js does not exist: run `npm run build` first.');
  const files = findTests(e2eOut);
  if (!files.length) throw new Error('No out/test/e2e/**/*.test.js: run `npm run build` first.');
  await ensureHost();
  const totalMs = Number(process.env.AYMARA_E2E_TIMEOUT_MINUTES ?? 40) * 60_000;
  const mochaBin = join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const args = [
    mochaBin, '--ui', 'bdd', '--reporter', 'spec', '--timeout', '120000', '--exit', '--forbid-only',
    ...process.argv.slice(2),
    ...files.map((f) => relative(repoRoot, f)),
  ];
  log(`e2e: ${files.length} file(s), overall limit ${totalMs / 60_000} min`);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  // Ctrl+C reaches mocha too (same process group); its harness handlers stop what it started.
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(sig, () => child.kill(sig));
  const timer = setTimeout(() => {
    console.error(`[harness] e2e run exceeded ${totalMs / 60_000} min: stopping mocha`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  }, totalMs);
  const code = await new Promise((resolveCode) => child.on('exit', (c, s) => resolveCode(c ?? (s ? 1 : 0))));
  clearTimeout(timer);
  return /** @type {number} */ (code);
}

main().then((code) => process.exit(code)).catch((e) => {
  console.error(`[harness] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
