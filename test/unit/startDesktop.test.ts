/**
 * `npm start` in desktop VS Code (the macOS and Windows path, and `--desktop` on Linux), run for
 * real with a stand-in for VS Code's `code` command (AYMARA_CODE): the stand-in checks what a
 * VS Code window would get (arguments, fresh dirs, user settings, the key in its environment)
 * and asks the local server for the evals with that key, then exits as a closed window does.
 * Needs `npm run build` (dist/server.js). POSIX only: the stand-in is a script with a shebang.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const START = join(ROOT, 'test', 'harness', 'start.mjs');

const STAND_IN = `
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith('--' + name + '='))?.slice(name.length + 3);
const userData = flag('user-data-dir');
const settings = JSON.parse(fs.readFileSync(path.join(userData, 'User', 'settings.json'), 'utf8'));
const key = process.env.AYMARA_AI_API_KEY;
fetch(settings['aymara.apiBaseUrl'] + '/v2/evals', { headers: { 'x-api-key': key || '' } }).then(async (r) => {
  const body = await r.json();
  fs.writeFileSync(process.env.AYMARA_STAND_IN_REPORT, JSON.stringify({
    args, settings, userData, keyGiven: !!key, status: r.status, evals: (body.items || []).map((e) => e.name),
    extensionsDirExists: fs.existsSync(flag('extensions-dir')),
    inherited: Object.keys(process.env).filter((k) => /^(npm_|VSCODE_PID|ELECTRON_RUN_AS_NODE)/.test(k)),
  }));
  process.exit(0);
}, (e) => { fs.writeFileSync(process.env.AYMARA_STAND_IN_REPORT, JSON.stringify({ error: String(e) })); process.exit(3); });
`;

interface Report {
  args: string[];
  settings: Record<string, unknown>;
  userData: string;
  keyGiven: boolean;
  status: number;
  evals: string[];
  extensionsDirExists: boolean;
  inherited: string[];
  error?: string;
}

function runStart(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [START, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not end; output:\n${out}`));
    }, 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, out });
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), r(true)));
    s.once('error', () => r(false));
  });
}

describe('npm start -- --desktop (with a stand-in for `code`)', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'aymara-start-desktop-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens `code` with a fresh window, this extension, the demo workspace, the server URL and key; closing it stops everything', async () => {
    const standIn = join(dir, 'code');
    writeFileSync(standIn, `#!${process.execPath}\n${STAND_IN}`, { mode: 0o755 });
    const report = join(dir, 'report.json');
    const env: NodeJS.ProcessEnv = { ...process.env, AYMARA_CODE: standIn, AYMARA_STAND_IN_REPORT: report, npm_lifecycle_event: 'start', VSCODE_PID: '1' };
    delete env.AYMARA_START;
    const { code, out } = await runStart(env, ['--desktop', '--no-build']);
    assert.equal(code, 0, out);
    assert.match(out, /running in desktop VS Code/);
    assert.match(out, /the VS Code window was closed; stopping the local server/);
    const r = JSON.parse(readFileSync(report, 'utf8')) as Report;
    assert.equal(r.error, undefined);
    assert.ok(r.args.includes(`--extensionDevelopmentPath=${ROOT}`), r.args.join(' '));
    assert.ok(r.args.includes('--wait') && r.args.includes('--new-window') && r.args.includes('--disable-workspace-trust'));
    assert.equal(r.args.at(-1), join(ROOT, '.host', 'demo-workspace'));
    assert.ok(existsSync(join(ROOT, '.host', 'demo-workspace', 'support-bot.responses.json')), 'the demo workspace is in place');
    assert.ok(r.userData.startsWith(tmpdir()), `a fresh user-data dir: ${r.userData}`);
    assert.ok(r.extensionsDirExists, 'a fresh extensions dir');
    assert.match(String(r.settings['aymara.apiBaseUrl']), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(r.settings['workbench.startupEditor'], 'readme');
    assert.ok(r.keyGiven, 'AYMARA_AI_API_KEY is in VS Code\'s environment');
    assert.equal(r.status, 200, 'the local server accepts that key');
    assert.ok(r.evals.includes('Demo Safety Eval'), r.evals.join(', '));
    assert.deepEqual(r.inherited, [], 'no npm or VS Code variables of the calling shell');
    // After the window closed: the server is gone and the temp dirs too.
    assert.equal(await portAnswers(Number(new URL(String(r.settings['aymara.apiBaseUrl'])).port)), false, 'the local server stopped');
    assert.equal(existsSync(dirname(r.userData)), false, 'the temp dirs are removed');
  });

  it('without a `code` command, says how to get one and starts nothing', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath), AYMARA_START: 'desktop' };
    delete env.AYMARA_CODE;
    const { code, out } = await runStart(env, ['--no-build']);
    assert.equal(code, 1, out);
    assert.match(out, /npm start failed: Desktop VS Code's `code` command is not on PATH\./);
    assert.match(out, /without --desktop or AYMARA_START=desktop for VS Code in the browser/);
    assert.doesNotMatch(out, /local Aymara server:/, 'nothing was started');
  });
});
