import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertEnvelope, call, repoRoot } from './helpers';

const script = join(repoRoot(), 'dist', 'server.js');

interface Started {
  child: ChildProcess;
  line: string;
  url: string;
  output: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, AYMARA_LOCAL_API_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^.*listening on (http:\/\/\S+).*$/m.exec(out);
      if (m) resolve({ child, line: m[0], url: m[1]!, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000).unref();
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('local server: command line (dist/server.js)', function () {
  this.timeout(20_000);
  before(function () {
    if (!existsSync(script)) this.skip();
  });

  it('prints one line with its URL and the demo key, answers requests and stops on SIGTERM', async () => {
    const s = await start(['--port', '0']);
    try {
      assert.match(s.line, /^Aymara local server listening on http:\/\/127\.0\.0\.1:\d+ \(API key: demo-key\)$/);
      assert.equal((await call(s.url, '/v2/evals')).json.count, 5);
    } finally {
      s.child.kill('SIGTERM');
    }
    assert.equal(await exitOf(s.child), 0);
    assert.equal(s.output().trim().split('\n').length, 1);
  });

  it('never prints a key given through AYMARA_LOCAL_API_KEY or --api-key', async () => {
    const secret = 'sk-local-7f3a9c';
    const s = await start(['--port=0', '--latency', '5'], { AYMARA_LOCAL_API_KEY: secret });
    try {
      assert.match(s.line, /\(API key from AYMARA_LOCAL_API_KEY\)/);
      assert.equal((await call(s.url, '/v2/evals', { key: secret })).status, 200);
      assertEnvelope(await call(s.url, '/v2/evals'), 401, 'auth.invalid_key');
    } finally {
      s.child.kill('SIGINT');
    }
    assert.equal(await exitOf(s.child), 0);
    assert.doesNotMatch(s.output(), new RegExp(secret));

    const f = await start(['--port', '0', '--api-key', secret]);
    f.child.kill('SIGTERM');
    await exitOf(f.child);
    assert.match(f.line, /\(API key from --api-key\)/);
    assert.doesNotMatch(f.output(), new RegExp(secret));
  });

  it('refuses a non-loopback host and unknown arguments with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--host', '0.0.0.0'], /--host must be one of 127\.0\.0\.1, ::1, localhost \(loopback only\), got "0\.0\.0\.0"/],
      [['--bogus'], /unknown argument "--bogus"/],
    ];
    for (const [args, message] of cases) {
      const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      assert.equal(await exitOf(child), 2, args.join(' '));
      assert.match(err, message, args.join(' '));
    }
  });
});
