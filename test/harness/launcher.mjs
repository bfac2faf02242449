// Which VS Code `npm start` opens and which steps `npm test` runs, on which machine. Pure: the
// platform, environment, arguments and file checks come in as parameters, so the unit tests
// (test/unit/launcher.test.ts) can ask as macOS, Windows or Linux. start.mjs and test.mjs pass
// the real ones.
//
// The code-server host (.host/: code-server + a Linux Node) exists for linux-x64 only. There,
// `npm start` uses it unless desktop VS Code is asked for (`npm start -- --desktop` or
// AYMARA_START=desktop); everywhere else `npm start` opens desktop VS Code through its `code`
// command. `npm test` runs the integration suites in code-server on linux-x64 and in desktop VS
// Code (@vscode/test-electron) elsewhere; the browser walks run on linux-x64 only.
import { posix, win32 } from 'node:path';

/** Environment variable that picks what `npm start` opens: desktop | code-server. */
export const START_ENV = 'AYMARA_START';
/** Environment variable naming the `code` command to use instead of the one on PATH. */
export const CODE_ENV = 'AYMARA_CODE';

/**
 * @param {string} platform  process.platform
 * @param {string} arch      process.arch
 * @returns {boolean} whether the code-server host (and so the browser walks) can run here
 */
export function codeServerHostRuns(platform, arch) {
  return platform === 'linux' && arch === 'x64';
}

/**
 * @typedef {{ kind: 'code-server' } | { kind: 'desktop', code: string } | { kind: 'error', message: string }} StartChoice
 */

/**
 * What `npm start` opens.
 * @param {{ platform: string, arch: string, env: Record<string, string | undefined>, argv: string[], codeOnPath: string | undefined }} input
 *   codeOnPath: the `code` command found (findCode), or undefined
 * @returns {StartChoice}
 */
export function choose({ platform, arch, env, argv, codeOnPath }) {
  const flagDesktop = argv.includes('--desktop');
  const flagCodeServer = argv.includes('--code-server');
  if (flagDesktop && flagCodeServer) return { kind: 'error', message: 'Pass either --desktop or --code-server, not both.' };
  const fromEnv = env[START_ENV]?.trim().toLowerCase() || undefined;
  if (fromEnv !== undefined && fromEnv !== 'desktop' && fromEnv !== 'code-server') {
    return { kind: 'error', message: `${START_ENV}=${env[START_ENV]} is not a choice: use ${START_ENV}=desktop or ${START_ENV}=code-server (or leave it unset).` };
  }
  const hostRuns = codeServerHostRuns(platform, arch);
  const mode = flagDesktop ? 'desktop' : flagCodeServer ? 'code-server' : fromEnv ?? (hostRuns ? 'code-server' : 'desktop');
  if (mode === 'code-server') {
    if (hostRuns) return { kind: 'code-server' };
    return { kind: 'error', message: `code-server in the browser is only set up for Linux x64; this machine is ${platform}-${arch}. Run \`npm start\` without --code-server or ${START_ENV} to open desktop VS Code.` };
  }
  if (codeOnPath) return { kind: 'desktop', code: codeOnPath };
  return { kind: 'error', message: missingCode(platform, env, hostRuns) };
}

/**
 * @param {string} platform
 * @param {Record<string, string | undefined>} env
 * @param {boolean} hostRuns
 */
function missingCode(platform, env, hostRuns) {
  if (env[CODE_ENV]) return `${CODE_ENV}=${env[CODE_ENV]} is not a file. Point it at VS Code's \`code\` command, or unset it to use the one on PATH.`;
  const how = platform === 'darwin'
    ? 'Install VS Code (https://code.visualstudio.com), open it, run "Shell Command: Install \'code\' command in PATH" from the Command Palette, then open a new terminal'
    : platform === 'win32'
      ? 'Install VS Code (https://code.visualstudio.com) with "Add to PATH" ticked (the installer\'s default), then open a new terminal'
      : 'Install VS Code (https://code.visualstudio.com; its .deb and .rpm put `code` on PATH)';
  const alt = hostRuns ? ` Or run \`npm start\` without --desktop or ${START_ENV}=desktop for VS Code in the browser (code-server).` : '';
  return `Desktop VS Code's \`code\` command is not on PATH. ${how} and run \`npm start\` again, or set ${CODE_ENV} to the command's full path.${alt}`;
}

/**
 * Finds VS Code's `code` command: $AYMARA_CODE when set (if it is a file), else the first `code`
 * on PATH (on Windows with the extensions of PATHEXT, so `code.cmd`).
 * @param {{ platform: string, env: Record<string, string | undefined>, isFile: (path: string) => boolean }} input
 * @returns {string | undefined}
 */
export function findCode({ platform, env, isFile }) {
  const explicit = env[CODE_ENV]?.trim();
  if (explicit) return isFile(explicit) ? explicit : undefined;
  const windows = platform === 'win32';
  const path = windows ? win32 : posix;
  // Windows spells it Path; environment names are case-insensitive there.
  const pathVar = windows ? Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] : env.PATH;
  const exts = windows ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase()) : [''];
  for (const dir of (pathVar ?? '').split(windows ? ';' : ':')) {
    const d = dir.trim().replace(/^"(.*)"$/, '$1');
    if (!d) continue;
    for (const ext of exts) {
      const candidate = path.join(d, `code${ext}`);
      if (isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * How to start a command with arguments without a shell. On Windows a .cmd or .bat (VS Code's
 * `code.cmd`, `npm.cmd`) only runs through cmd.exe, so the line is built here with each argument
 * quoted; an argument cmd.exe would change (a double quote, a percent sign, a line break) is refused.
 * @param {string} command
 * @param {string[]} args
 * @param {{ platform: string, env: Record<string, string | undefined> }} where
 * @returns {{ file: string, args: string[], windowsVerbatimArguments: boolean }}
 */
export function spawnSpec(command, args, { platform, env }) {
  if (platform !== 'win32' || !/\.(cmd|bat)$/i.test(command)) return { file: command, args, windowsVerbatimArguments: false };
  for (const a of [command, ...args]) {
    if (/["%\r\n]/.test(a)) throw new Error(`Cannot pass ${JSON.stringify(a)} to ${command} through cmd.exe (it holds " or % or a line break); move the folder to a path without them.`);
  }
  const line = [command, ...args].map((a) => `"${a}"`).join(' ');
  return { file: env.ComSpec || env.COMSPEC || 'cmd.exe', args: ['/d', '/s', '/c', `"${line}"`], windowsVerbatimArguments: true };
}

/**
 * Arguments for desktop VS Code: a window of its own (fresh user-data and extensions dirs, so
 * the user's settings and extensions stay out), this repository as the extension under
 * development, Workspace Trust off as with code-server, and `--wait` so that closing the window
 * ends `npm start`.
 * @param {{ repoRoot: string, workspace: string, userDataDir: string, extensionsDir: string }} dirs
 * @returns {string[]}
 */
export function desktopArgs({ repoRoot, workspace, userDataDir, extensionsDir }) {
  return [
    '--new-window',
    '--wait',
    `--user-data-dir=${userDataDir}`,
    `--extensions-dir=${extensionsDir}`,
    `--extensionDevelopmentPath=${repoRoot}`,
    '--disable-workspace-trust',
    '--skip-welcome',
    '--skip-release-notes',
    workspace,
  ];
}

/**
 * Environment for desktop VS Code (`npm start`, the integration suites): without the variables
 * of the VS Code or debugger that may run this script (its integrated terminal, a launch
 * configuration) or of npm, which would make the new one misbehave.
 * @param {Record<string, string | undefined>} env
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string | undefined>}
 */
export function desktopEnv(env, extra = {}) {
  /** @type {Record<string, string | undefined>} */
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(ELECTRON_RUN_AS_NODE|VSCODE_IPC_HOOK|VSCODE_PID|VSCODE_CWD|VSCODE_NLS_CONFIG|VSCODE_INSPECTOR_OPTIONS)/.test(k)) continue;
    if (k === 'NODE_OPTIONS') continue; // e.g. a debugger's bootloader, which would attach to VS Code's processes
    if (/^npm_/i.test(k) || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return { ...out, ...extra };
}

/**
 * @typedef {{ script: string, skip?: string }} TestStep
 *   an npm script to run in order; with `skip`, the one-line reason it does not run here
 */

/**
 * The steps of `npm test`, in order: type-check, lint, dependency check (when the project has
 * that script), build, unit tests, integration suites (code-server on linux-x64, desktop VS Code
 * through @vscode/test-electron elsewhere), browser walks (linux-x64 only).
 * @param {{ platform: string, arch: string, scripts: Record<string, string> }} input
 * @returns {TestStep[]}
 */
export function testSteps({ platform, arch, scripts }) {
  const hostRuns = codeServerHostRuns(platform, arch);
  /** @type {TestStep[]} */
  const steps = [{ script: 'typecheck' }, { script: 'lint' }];
  if (scripts['check:deps']) steps.push({ script: 'check:deps' });
  steps.push({ script: 'build' }, { script: 'test:unit' });
  if (hostRuns) {
    steps.push({ script: 'test:integration' }, { script: 'test:e2e' });
    if (scripts['test:vsix']) steps.push({ script: 'test:vsix' });
  } else {
    steps.push(
      { script: 'test:electron' },
      { script: 'test:e2e', skip: `browser walks skipped: they drive code-server with Chromium, set up for Linux x64 only (CI runs them); this machine is ${platform}-${arch}.` },
    );
  }
  return steps;
}
