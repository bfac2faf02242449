// Integration suites: discovery in the build output and their optional suite.json. Shared by the
// code-server runner (runIntegration.mjs) and the desktop runner (runElectron.mjs).
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './util.mjs';

/** Build output of the integration suites: out/test/integration/<suite>/index.js */
export const integrationOut = join(repoRoot, 'out', 'test', 'integration');

/**
 * test/integration/<suite>/suite.json (all optional):
 * @typedef {object} SuiteConfig
 * @property {string} [workspace]  fixture folder under test/fixtures/workspaces/ (default: the suite name)
 * @property {string} [workspaceFile]  a .code-workspace file inside that folder to open instead of
 *   the folder itself (multi-root workspaces)
 * @property {boolean} [trust]     leave Workspace Trust on (default false)
 * @property {Record<string, unknown>} [settings]  user settings
 * @property {Record<string, string>} [env]        environment of the extension host
 * @property {number} [timeoutSeconds]             default 300
 */

/** Sources of the integration suites: test/integration/<suite>/ */
export const integrationSrc = join(repoRoot, 'test', 'integration');

/**
 * Every folder under test/integration/ is a suite and needs its entry point, index.ts, built to
 * out/test/integration/<suite>/index.js. A folder without one is an error, not skipped: its tests
 * would otherwise never run while the run still reports green.
 * @returns {string[]} the suites' names, sorted
 */
export function discoverSuites() {
  if (!existsSync(integrationSrc)) return [];
  const folders = readdirSync(integrationSrc, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const noEntry = folders.filter((f) => !existsSync(join(integrationSrc, f, 'index.ts')));
  if (noEntry.length) {
    throw new Error(
      `${noEntry.map((f) => `test/integration/${f}/`).join(', ')} ${noEntry.length === 1 ? 'has' : 'have'} no index.ts, so ${noEntry.length === 1 ? 'its' : 'their'} tests would never run. `
      + 'Every folder there is a suite: add index.ts (`export function run() { return runMochaIn(__dirname); }`, see test/harness/README.md) or move the folder out of test/integration/.',
    );
  }
  const notBuilt = folders.filter((f) => !existsSync(join(integrationOut, f, 'index.js')));
  if (notBuilt.length) {
    throw new Error(`${notBuilt.map((f) => `out/test/integration/${f}/index.js`).join(', ')} missing: run \`npm run build\` first.`);
  }
  return folders;
}

/** @param {string} suite @returns {SuiteConfig} */
export function suiteConfig(suite) {
  const file = join(repoRoot, 'test', 'integration', suite, 'suite.json');
  if (!existsSync(file)) return {};
  let cfg;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`test/integration/${suite}/suite.json is not valid JSON: ${e instanceof Error ? e.message : e}`);
  }
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error(`test/integration/${suite}/suite.json must hold an object`);
  return cfg;
}

/** @param {string} suite */
export function suiteTestsModule(suite) {
  return join(integrationOut, suite, 'index.js');
}

/**
 * Copies the suite's fixture workspace into `parentDir` and returns the copy's path.
 * @param {string} suite @param {SuiteConfig} cfg @param {string} parentDir
 */
export function copySuiteWorkspace(suite, cfg, parentDir) {
  const name = cfg.workspace ?? suite;
  const fixture = join(repoRoot, 'test', 'fixtures', 'workspaces', name);
  if (!existsSync(fixture)) throw new Error(`fixture workspace test/fixtures/workspaces/${name}/ does not exist`);
  const dest = join(parentDir, name);
  cpSync(fixture, dest, { recursive: true });
  return cfg.workspaceFile ? join(dest, cfg.workspaceFile) : dest;
}

/**
 * Picks the suites to run from command-line names (all when none given).
 * @param {string[]} wanted
 */
export function selectSuites(wanted) {
  const available = discoverSuites();
  if (!available.length) throw new Error('No suites under test/integration/.');
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) throw new Error(`Unknown suite(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  return wanted.length ? wanted : available;
}
