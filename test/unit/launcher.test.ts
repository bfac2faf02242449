/**
 * The platform choices of `npm start` and `npm test` (test/harness/launcher.mjs), asked as each
 * operating system would ask them: which VS Code opens, what the user is told when desktop VS
 * Code's `code` command is missing, how `code` is found and started (code.cmd on Windows goes
 * through cmd.exe), and which test steps run where.
 */
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '../../..');

type Env = Record<string, string | undefined>;
type StartChoice = { kind: 'code-server' } | { kind: 'desktop'; code: string } | { kind: 'error'; message: string };
interface Launcher {
  choose(input: { platform: string; arch: string; env: Env; argv: string[]; codeOnPath: string | undefined }): StartChoice;
  findCode(input: { platform: string; env: Env; isFile: (p: string) => boolean }): string | undefined;
  spawnSpec(command: string, args: string[], where: { platform: string; env: Env }): { file: string; args: string[]; windowsVerbatimArguments: boolean };
  desktopArgs(dirs: { repoRoot: string; workspace: string; userDataDir: string; extensionsDir: string }): string[];
  desktopEnv(env: Env, extra?: Record<string, string>): Env;
  testSteps(input: { platform: string; arch: string; scripts: Record<string, string> }): { script: string; skip?: string }[];
}

let L: Launcher;
before(async () => {
  L = (await import(pathToFileURL(join(ROOT, 'test', 'harness', 'launcher.mjs')).href)) as Launcher;
});

const mac = { platform: 'darwin', arch: 'arm64' };
const win = { platform: 'win32', arch: 'x64' };
const linux = { platform: 'linux', arch: 'x64' };
const MAC_CODE = '/usr/local/bin/code';
const WIN_CODE = 'C:\\Users\\Ann Lee\\AppData\\Local\\Programs\\Microsoft VS Code\\bin\\code.cmd';

function errorOf(c: StartChoice): string {
  assert.equal(c.kind, 'error', `expected an error, got ${JSON.stringify(c)}`);
  return (c as { message: string }).message;
}

describe('npm start: which VS Code opens (launcher.choose)', () => {
  it('Linux x64 keeps code-server in the browser by default, even with `code` installed', () => {
    assert.deepEqual(L.choose({ ...linux, env: {}, argv: [], codeOnPath: '/usr/bin/code' }), { kind: 'code-server' });
  });

  it('Linux x64 opens desktop VS Code when asked with --desktop or AYMARA_START=desktop', () => {
    assert.deepEqual(L.choose({ ...linux, env: {}, argv: ['--desktop'], codeOnPath: '/usr/bin/code' }), { kind: 'desktop', code: '/usr/bin/code' });
    assert.deepEqual(L.choose({ ...linux, env: { AYMARA_START: 'Desktop ' }, argv: [], codeOnPath: '/usr/bin/code' }), { kind: 'desktop', code: '/usr/bin/code' });
    // The flag wins over the environment.
    assert.deepEqual(L.choose({ ...linux, env: { AYMARA_START: 'desktop' }, argv: ['--code-server'], codeOnPath: '/usr/bin/code' }), { kind: 'code-server' });
  });

  it('macOS and Windows open desktop VS Code through its `code` command', () => {
    assert.deepEqual(L.choose({ ...mac, env: {}, argv: [], codeOnPath: MAC_CODE }), { kind: 'desktop', code: MAC_CODE });
    assert.deepEqual(L.choose({ ...win, env: {}, argv: [], codeOnPath: WIN_CODE }), { kind: 'desktop', code: WIN_CODE });
  });

  it('says how to get `code` on PATH on each OS when it is missing', () => {
    const onMac = errorOf(L.choose({ ...mac, env: {}, argv: [], codeOnPath: undefined }));
    assert.match(onMac, /`code` command is not on PATH/);
    assert.match(onMac, /Shell Command: Install 'code' command in PATH/);
    assert.match(onMac, /AYMARA_CODE/);
    assert.doesNotMatch(onMac, /code-server/, 'macOS has no code-server to fall back on');
    const onWin = errorOf(L.choose({ ...win, env: {}, argv: [], codeOnPath: undefined }));
    assert.match(onWin, /"Add to PATH"/);
    assert.match(onWin, /new terminal/);
    const onLinux = errorOf(L.choose({ ...linux, env: {}, argv: ['--desktop'], codeOnPath: undefined }));
    assert.match(onLinux, /without --desktop/, 'on Linux x64 the browser path is offered instead');
  });

  it('names AYMARA_CODE when it points at nothing', () => {
    const m = errorOf(L.choose({ ...mac, env: { AYMARA_CODE: '/opt/nothing/code' }, argv: [], codeOnPath: undefined }));
    assert.match(m, /AYMARA_CODE=\/opt\/nothing\/code is not a file/);
  });

  it('refuses code-server where it is not set up, and says what to do instead', () => {
    for (const where of [mac, win, { platform: 'linux', arch: 'arm64' }]) {
      const m = errorOf(L.choose({ ...where, env: {}, argv: ['--code-server'], codeOnPath: '/x/code' }));
      assert.match(m, /Linux x64/);
      assert.match(m, new RegExp(`${where.platform}-${where.arch}`));
      assert.match(m, /without --code-server/);
    }
    assert.equal(errorOf(L.choose({ ...win, env: { AYMARA_START: 'code-server' }, argv: [], codeOnPath: WIN_CODE })).includes('Linux x64'), true);
  });

  it('Linux on another architecture opens desktop VS Code by default', () => {
    assert.deepEqual(L.choose({ platform: 'linux', arch: 'arm64', env: {}, argv: [], codeOnPath: '/usr/bin/code' }), { kind: 'desktop', code: '/usr/bin/code' });
    assert.doesNotMatch(errorOf(L.choose({ platform: 'linux', arch: 'arm64', env: {}, argv: [], codeOnPath: undefined })), /without --desktop/);
  });

  it('rejects an unknown AYMARA_START and both flags at once', () => {
    assert.match(errorOf(L.choose({ ...linux, env: { AYMARA_START: 'browser' }, argv: [], codeOnPath: undefined })), /AYMARA_START=browser is not a choice: use AYMARA_START=desktop or AYMARA_START=code-server/);
    assert.match(errorOf(L.choose({ ...linux, env: {}, argv: ['--desktop', '--code-server'], codeOnPath: '/usr/bin/code' })), /either --desktop or --code-server/);
  });
});

describe('npm start: finding and starting `code`', () => {
  it('finds the first `code` on PATH on macOS and Linux', () => {
    const files = new Set(['/opt/homebrew/bin/code', '/usr/local/bin/code']);
    const found = L.findCode({ platform: 'darwin', env: { PATH: '/usr/bin::/usr/local/bin:/opt/homebrew/bin' }, isFile: (p) => files.has(p) });
    assert.equal(found, '/usr/local/bin/code');
    assert.equal(L.findCode({ platform: 'linux', env: { PATH: '/usr/bin' }, isFile: (p) => files.has(p) }), undefined);
    assert.equal(L.findCode({ platform: 'linux', env: {}, isFile: () => true }), undefined, 'no PATH, nothing found');
  });

  it('finds code.cmd on Windows through Path (any case) and PATHEXT, quoted entries included', () => {
    const dir = 'C:\\Users\\Ann Lee\\AppData\\Local\\Programs\\Microsoft VS Code\\bin';
    const seen: string[] = [];
    const found = L.findCode({
      platform: 'win32',
      env: { Path: `C:\\Windows\\system32;"${dir}"`, PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      isFile: (p) => (seen.push(p), p === WIN_CODE),
    });
    assert.equal(found, WIN_CODE);
    assert.ok(seen.includes('C:\\Windows\\system32\\code.exe'), `looked at ${seen.join(', ')}`);
    assert.ok(!seen.some((p) => p.includes('/')), 'Windows paths use backslashes');
  });

  it('takes AYMARA_CODE as given, and only when it is a file', () => {
    assert.equal(L.findCode({ platform: 'win32', env: { AYMARA_CODE: 'D:\\VSCode\\bin\\code.cmd', Path: '' }, isFile: () => true }), 'D:\\VSCode\\bin\\code.cmd');
    assert.equal(L.findCode({ platform: 'darwin', env: { AYMARA_CODE: '/nope/code', PATH: '/usr/local/bin' }, isFile: (p) => p === MAC_CODE }), undefined);
  });

  it('starts code.cmd through cmd.exe with every argument quoted, and other commands directly', () => {
    const args = ['--user-data-dir=C:\\Users\\Ann Lee\\Temp\\aymara (1)', '--wait', 'C:\\work & play\\demo'];
    const spec = L.spawnSpec(WIN_CODE, args, { platform: 'win32', env: { ComSpec: 'C:\\Windows\\system32\\cmd.exe' } });
    assert.equal(spec.file, 'C:\\Windows\\system32\\cmd.exe');
    assert.deepEqual(spec.args.slice(0, 3), ['/d', '/s', '/c']);
    assert.equal(spec.args[3], `""${WIN_CODE}" "${args[0]}" "--wait" "${args[2]}""`);
    assert.equal(spec.windowsVerbatimArguments, true);
    assert.deepEqual(L.spawnSpec('C:\\VS Code\\Code.exe', args, { platform: 'win32', env: {} }), { file: 'C:\\VS Code\\Code.exe', args, windowsVerbatimArguments: false });
    assert.deepEqual(L.spawnSpec(MAC_CODE, args, { platform: 'darwin', env: {} }), { file: MAC_CODE, args, windowsVerbatimArguments: false });
  });

  it('refuses an argument cmd.exe would rewrite (%, ")', () => {
    assert.throws(() => L.spawnSpec(WIN_CODE, ['C:\\100%\\demo'], { platform: 'win32', env: {} }), /Cannot pass "C:\\\\100%\\\\demo" to .*code\.cmd through cmd\.exe/);
    assert.throws(() => L.spawnSpec(WIN_CODE, ['a"b'], { platform: 'win32', env: {} }), /through cmd\.exe/);
  });

  it('opens its own window: fresh dirs, this repository under development, trust off, waiting for the window', () => {
    const a = L.desktopArgs({ repoRoot: '/repo', workspace: '/repo/.host/demo-workspace', userDataDir: '/tmp/u', extensionsDir: '/tmp/e' });
    for (const want of ['--new-window', '--wait', '--user-data-dir=/tmp/u', '--extensions-dir=/tmp/e', '--extensionDevelopmentPath=/repo', '--disable-workspace-trust']) {
      assert.ok(a.includes(want), `${want} in ${a.join(' ')}`);
    }
    assert.equal(a.at(-1), '/repo/.host/demo-workspace', 'the folder to open comes last');
  });

  it('gives desktop VS Code the key and none of the variables of a VS Code, debugger or npm around it', () => {
    const env = L.desktopEnv(
      { PATH: '/bin', HOME: '/h', VSCODE_PID: '1', VSCODE_IPC_HOOK: 'x', ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '--require boot.js', npm_config_cache: '/c', npm_lifecycle_event: 'start', INIT_CWD: '/w' },
      { AYMARA_AI_API_KEY: 'k' },
    );
    assert.deepEqual(env, { PATH: '/bin', HOME: '/h', AYMARA_AI_API_KEY: 'k' });
  });
});

describe('npm test: which steps run where (launcher.testSteps)', () => {
  const names = (steps: { script: string; skip?: string }[]) => steps.filter((s) => !s.skip).map((s) => s.script);

  it('Linux x64: everything, integration in code-server and the browser walks', () => {
    assert.deepEqual(names(L.testSteps({ ...linux, scripts: {} })), ['typecheck', 'lint', 'build', 'test:unit', 'test:integration', 'test:e2e']);
  });

  it('Linux x64: the packaged extension\'s walk last, when the project has that script', () => {
    assert.deepEqual(names(L.testSteps({ ...linux, scripts: { 'test:vsix': 'node test/harness/runVsix.mjs' } })).slice(-3), ['test:integration', 'test:e2e', 'test:vsix']);
    for (const where of [mac, win]) assert.ok(!names(L.testSteps({ ...where, scripts: { 'test:vsix': 'x' } })).includes('test:vsix'), `not on ${where.platform}: it drives code-server`);
  });

  it('runs the dependency check after lint when the project has that script', () => {
    assert.deepEqual(names(L.testSteps({ ...linux, scripts: { 'check:deps': 'depcruise src' } })), ['typecheck', 'lint', 'check:deps', 'build', 'test:unit', 'test:integration', 'test:e2e']);
  });

  it('macOS and Windows: integration suites in desktop VS Code, browser walks skipped with a one-line reason', () => {
    for (const where of [mac, win]) {
      const steps = L.testSteps({ ...where, scripts: {} });
      assert.deepEqual(names(steps), ['typecheck', 'lint', 'build', 'test:unit', 'test:electron']);
      const skipped = steps.filter((s) => s.skip);
      assert.equal(skipped.length, 1);
      assert.equal(skipped[0]!.script, 'test:e2e');
      assert.match(skipped[0]!.skip!, new RegExp(`browser walks skipped: .*Linux x64 only.*${where.platform}-${where.arch}`));
      assert.doesNotMatch(skipped[0]!.skip!, /\n/);
    }
  });

  it('every step it names is an npm script of this project', async () => {
    const { readFileSync } = await import('node:fs');
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const where of [linux, mac, win]) {
      for (const s of L.testSteps({ ...where, scripts })) assert.ok(scripts[s.script], `npm run ${s.script} (${where.platform})`);
    }
    assert.equal(scripts.test, 'node test/harness/test.mjs', 'npm test runs these steps');
  });
});
