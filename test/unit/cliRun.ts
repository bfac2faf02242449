/**
 * Spawning the built CLI (`node dist/cli.js`, from `npm run build`) as a user or CI job runs it,
 * for the CLI suites. Every run's standard output and standard error are checked for the API key
 * it was given: no run may ever print it.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli.js');
/** The key the local server accepts in the CLI suites. */
export const KEY = 'demo-key';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Environment on top of the parent's (AYMARA_* removed); `undefined` removes a variable. Default key demo-key. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  onSpawn?: (child: ChildProcess) => void;
}

export function cli(args: string[], o: CliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AYMARA_')) delete env[k];
  env.AYMARA_AI_API_KEY = KEY;
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const key = env.AYMARA_AI_API_KEY?.trim();
  return spawnCli(args, env, { cwd: o.cwd ?? ROOT, timeoutMs: o.timeoutMs ?? 20_000, onSpawn: o.onSpawn }).then((r) => {
    if (key) {
      assert.ok(!r.stdout.includes(key), `the API key appears on standard output of: aymara-eval ${args.join(' ')}`);
      assert.ok(!r.stderr.includes(key), `the API key appears on standard error of: aymara-eval ${args.join(' ')}`);
    }
    return r;
  });
}

/**
 * Run `node dist/cli.js` with exactly this environment and collect what it prints; kills it and
 * rejects when it outlives `timeoutMs`. The one place the CLI suites spawn the CLI.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, o: { cwd?: string; timeoutMs: number; onSpawn?: (child: ChildProcess) => void }): Promise<CliRun> {
  const started = Date.now();
  return new Promise<CliRun>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aymara-eval ${args.join(' ')} did not finish in ${o.timeoutMs} ms\nstderr: ${stderr.slice(-2000)}`));
    }, o.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    o.onSpawn?.(child);
  });
}
