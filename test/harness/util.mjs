// Small helpers shared by the harness scripts (plain Node ES module, no dependencies).
// Everything here works from the repository root derived from this file's location, never from
// the current directory, so the scripts can be started from anywhere.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the folder holding the extension's package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folder (gitignored) that holds the installed host: Node 24 + code-server, and npm start's demo workspace. */
export const hostDir = join(repoRoot, '.host');

/** Folder (gitignored) for screenshots, logs and other artefacts of failed runs. */
export const resultsDir = join(repoRoot, 'test-results');

/** @returns {{ name: string, publisher: string, version: string, displayName?: string }} */
export function extensionManifest() {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

/** `publisher.name` of the extension under test, e.g. `aymara-eval-tools.aymara-eval-scoring`. */
export function extensionId() {
  const m = extensionManifest();
  return `${m.publisher}.${m.name}`;
}

/** @param {string} msg */
export function log(msg) {
  process.stdout.write(`[harness] ${msg}\n`);
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Races a promise against a timer; the error names what was being waited for.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what  description used in the error message
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${Math.round(ms / 1000)} s: ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, t]).finally(() => clearTimeout(timer)));
}

/**
 * An error that stops waitFor() at once instead of being retried.
 * @param {string} message
 */
export function fatal(message) {
  return Object.assign(new Error(message), { fatal: true });
}

/**
 * Polls `probe` until it returns a truthy value or the time is up. A probe that throws is retried
 * (the last error is reported on timeout) unless the error comes from fatal().
 * @template T
 * @param {() => Promise<T | undefined | null | false> | T | undefined | null | false} probe
 * @param {{ timeoutMs: number, intervalMs?: number, what: string }} opts
 * @returns {Promise<T>}
 */
export async function waitFor(probe, { timeoutMs, intervalMs = 200, what }) {
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let lastError;
  for (;;) {
    try {
      const v = await probe();
      if (v) return /** @type {T} */ (v);
    } catch (e) {
      // An error marked fatal (e.g. "the process exited") ends the wait at once.
      if (e && typeof e === 'object' && 'fatal' in e && e.fatal) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** @returns {Promise<number>} a TCP port that was free on 127.0.0.1 a moment ago */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** @param {string} prefix @returns {Promise<string>} a fresh directory under the OS temp dir */
export function makeTempDir(prefix) {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** @param {string} dir */
export async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 }).catch(() => undefined);
}

/**
 * Runs a command to completion with inherited stdio (or captured output) and a hard timeout.
 * The child gets its own process group, which is killed as a whole on timeout.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs: number, capture?: boolean, what?: string }} opts
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(cmd, args, { cwd = repoRoot, env = process.env, timeoutMs, capture = false, what }) {
  const label = what ?? `${cmd} ${args.join(' ')}`;
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s: ${label}`));
    }, timeoutMs);
    const onSignal = () => killGroup(child.pid, 'SIGKILL');
    process.once('exit', onSignal);
    child.on('error', (e) => {
      clearTimeout(timer);
      process.removeListener('exit', onSignal);
      reject(new Error(`Could not start ${label}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', onSignal);
      resolveRun({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/**
 * Sends a signal to a whole process group (the group id is the leader's pid). Windows has no
 * process groups: there the process itself gets it (the local server, the one child started there).
 * @param {number | undefined} pgid
 * @param {NodeJS.Signals | 0} signal
 * @returns {boolean} whether any process of the group still existed
 */
export function killGroup(pgid, signal) {
  if (!pgid) return false;
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a process group: SIGTERM, wait up to `graceMs` for every member to go, then SIGKILL.
 * @param {number | undefined} pgid
 * @param {number} [graceMs]
 */
export async function stopGroup(pgid, graceMs = 4000) {
  if (!pgid || !killGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!killGroup(pgid, 0)) return;
  }
  killGroup(pgid, 'SIGKILL');
  const hardDeadline = Date.now() + 3000;
  while (Date.now() < hardDeadline && killGroup(pgid, 0)) await sleep(100);
}

/**
 * Environment for a child npm: drops the npm_* variables an outer `npm run` sets (they carry the
 * outer project's prefix and settings), but keeps those that say how to reach the registry.
 * @param {NodeJS.ProcessEnv} base
 * @returns {NodeJS.ProcessEnv}
 */
export function cleanNpmEnv(base = process.env) {
  const keep = new Set([
    'npm_config_registry', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig',
    'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy',
    'npm_config_strict_ssl',
  ]);
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    const lk = k.toLowerCase();
    if ((lk.startsWith('npm_') || k === 'INIT_CWD') && !keep.has(lk)) continue;
    env[k] = v;
  }
  return env;
}

/** @param {string} p */
export function exists(p) {
  return existsSync(p);
}
