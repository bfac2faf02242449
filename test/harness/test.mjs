// `npm test`: the project's npm scripts in order, stopping at the first that fails. Which steps
// run on this machine is decided in launcher.mjs (testSteps): on Linux x64 the integration
// suites run in code-server and the browser walks run too; on macOS and Windows the suites run
// in desktop VS Code (@vscode/test-electron) and the browser walks are skipped with a note.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSpec, testSteps } from './launcher.mjs';
import { repoRoot } from './util.mjs';

/**
 * The command that runs `npm run <script>`: the npm that started this script (npm_execpath, run
 * with this Node, so no shell is needed), else `npm` on PATH.
 * @param {string} script
 */
function npmRun(script) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) return { file: process.execPath, args: [npmCli, 'run', script], windowsVerbatimArguments: false };
  return spawnSpec(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', script], { platform: process.platform, env: process.env });
}

function main() {
  const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts ?? {};
  const steps = testSteps({ platform: process.platform, arch: process.arch, scripts });
  const started = Date.now();
  for (const step of steps) {
    if (step.skip) {
      console.log(`\nnpm test: ${step.skip}`);
      continue;
    }
    console.log(`\nnpm test: npm run ${step.script}`);
    const cmd = npmRun(step.script);
    const r = spawnSync(cmd.file, cmd.args, { cwd: repoRoot, stdio: 'inherit', windowsVerbatimArguments: cmd.windowsVerbatimArguments });
    if (r.error) {
      console.error(`npm test: could not run "npm run ${step.script}": ${r.error.message}`);
      return 1;
    }
    if (r.status !== 0) {
      const left = steps.slice(steps.indexOf(step) + 1).filter((s) => !s.skip).map((s) => s.script);
      console.error(`\nnpm test: "npm run ${step.script}" failed (${r.signal ? `signal ${r.signal}` : `exit code ${r.status}`})${left.length ? `; not run: ${left.join(', ')}` : ''}.`);
      return r.status || 1;
    }
  }
  console.log(`\nnpm test: all steps passed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return 0;
}

process.exit(main());
