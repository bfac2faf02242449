/**
 * Activation, measured inside the real extension host (code-server's Node extension host).
 *
 * The benchmark installs a production build of the extension whose manifest lacks the startup
 * activation event, so the extension is still inactive when this suite loads. The suite then:
 *   1. installs I/O probes: every fs call (sync, callback, promises), vscode.workspace.fs call,
 *      module load, network call (net, tls, http, https, dns, fetch) and child process made
 *      while our bundle is on the call stack is recorded;
 *   2. activates the extension through the API and times the call; the require() of the bundle
 *      and the activate() call are also timed where they happen (wall clock, and the CPU time
 *      of the extension host's thread, which a busy machine does not inflate);
 *   3. keeps the probes for another 500 ms (work the extension defers past activation is
 *      reported separately; it is not activation);
 *   4. reads VS Code's own marks for the extension (code/extHost/willLoadExtensionCode/<id>,
 *      didLoadExtensionCode, willActivateExtension, didActivateExtension), which are what the
 *      "Running Extensions" view reports as its activation time (the extension records no
 *      timings of its own: the test snapshot has no activation field);
 *   5. writes everything as JSON to $AYMARA_BENCH_ACTIVATION_OUT.
 */
import * as assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as inspector from 'node:inspector';
import Module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';

const EXTENSION_ID = 'aymara-eval-tools.aymara-eval-scoring';

interface IoCall {
  kind: 'fs' | 'workspace.fs' | 'module' | 'network' | 'process';
  what: string;
  phase: 'activation' | 'after';
  ours: boolean;
  frame?: string;
}

type AnyFn = (...args: unknown[]) => unknown;

/** Wall-clock ms, and CPU ms of this thread (time spent running, not waiting for a core). */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

function threadCpuMs(): number {
  const u = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function clock(): { wall: number; cpu: number };
function clock(since: { wall: number; cpu: number }): Timing;
function clock(since?: { wall: number; cpu: number }): { wall: number; cpu: number } | Timing {
  const now = { wall: performance.now(), cpu: threadCpuMs() };
  return since ? { wallMs: now.wall - since.wall, cpuMs: now.cpu - since.cpu } : now;
}

/** Wraps functions on objects, records calls, and undoes it all on uninstall. */
class Probes {
  readonly calls: IoCall[] = [];
  /** The bundle's require() and its activate() call, as timed here. */
  readonly timing: { load?: Timing; activate?: Timing } = {};
  phase: IoCall['phase'] = 'activation';
  private readonly undo: (() => void)[] = [];
  private readonly prevLimit = Error.stackTraceLimit;

  constructor(private readonly bundle: string) {
    Error.stackTraceLimit = 200;
  }

  /** Our frame on the current stack, if any. */
  ourFrame(): string | undefined {
    const stack = new Error().stack ?? '';
    return stack.split('\n').find((l) => l.includes(this.bundle))?.trim();
  }

  record(kind: IoCall['kind'], what: string, onlyOurs: boolean): void {
    const frame = this.ourFrame();
    if (onlyOurs && !frame) return;
    this.calls.push({ kind, what, phase: this.phase, ours: !!frame, ...(frame ? { frame } : {}) });
  }

  wrap(obj: Record<string, unknown> | undefined, names: readonly string[], kind: IoCall['kind'], prefix: string, onlyOurs: boolean): void {
    if (!obj) return;
    for (const name of names) {
      const orig = obj[name];
      if (typeof orig !== 'function') continue;
      const record = () => this.record(kind, `${prefix}${name}`, onlyOurs);
      const wrapped = function (this: unknown, ...args: unknown[]) {
        record();
        return (orig as AnyFn).apply(this, args);
      };
      try {
        Object.defineProperty(obj, name, { value: wrapped, configurable: true, writable: true, enumerable: true });
        this.undo.push(() => Object.defineProperty(obj, name, { value: orig, configurable: true, writable: true, enumerable: true }));
      } catch {
        // not patchable; leave it
      }
    }
  }

  add(undo: () => void): void {
    this.undo.push(undo);
  }

  uninstall(): void {
    for (const u of this.undo.reverse()) u();
    Error.stackTraceLimit = this.prevLimit;
  }
}

const FS_NAMES = Object.keys(fs).filter((k) =>
  /^(open|read|write|stat|lstat|fstat|access|exists|readdir|opendir|mkdir|mkdtemp|rm|rmdir|unlink|rename|copyFile|cp|realpath|readlink|symlink|link|truncate|ftruncate|utimes|chmod|chown|appendFile|createReadStream|createWriteStream|watch|watchFile|statfs)/.test(k),
);
const FS_PROMISE_NAMES = Object.keys(fs.promises);

function installProbes(bundle: string): Probes {
  const p = new Probes(bundle);
  p.wrap(fs as unknown as Record<string, unknown>, FS_NAMES, 'fs', 'fs.', true);
  p.wrap(fs.promises as unknown as Record<string, unknown>, FS_PROMISE_NAMES, 'fs', 'fs.promises.', true);
  // vscode.workspace.fs is one object shared by every extension's API instance.
  const wfs = vscode.workspace.fs as unknown as Record<string, unknown>;
  p.wrap(wfs, ['stat', 'readDirectory', 'createDirectory', 'readFile', 'writeFile', 'delete', 'rename', 'copy'], 'workspace.fs', 'workspace.fs.', true);
  // Network and processes: recorded whoever calls (attributed to us or not).
  p.wrap(net as unknown as Record<string, unknown>, ['connect', 'createConnection'], 'network', 'net.', false);
  p.wrap(net.Socket.prototype as unknown as Record<string, unknown>, ['connect'], 'network', 'net.Socket.', false);
  p.wrap(tls as unknown as Record<string, unknown>, ['connect'], 'network', 'tls.', false);
  p.wrap(http as unknown as Record<string, unknown>, ['request', 'get'], 'network', 'http.', false);
  p.wrap(https as unknown as Record<string, unknown>, ['request', 'get'], 'network', 'https.', false);
  p.wrap(dns as unknown as Record<string, unknown>, ['lookup', 'resolve', 'resolve4', 'resolve6'], 'network', 'dns.', false);
  p.wrap(globalThis as unknown as Record<string, unknown>, ['fetch'], 'network', '', false);
  p.wrap(childProcess as unknown as Record<string, unknown>, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'process', 'child_process.', false);
  // Module loads made from our bundle (anything but builtins and 'vscode' reads a file), and the
  // load of the bundle itself, timed (wall clock and this thread's CPU time), with its activate().
  const M = Module as unknown as { _load: AnyFn };
  const origLoad = M._load;
  M._load = function (this: unknown, ...args: unknown[]) {
    const request = String(args[0]);
    const parent = args[1] as { filename?: string } | undefined;
    if (parent?.filename === bundle && request !== 'vscode' && !Module.isBuiltin(request)) {
      p.calls.push({ kind: 'module', what: `require(${JSON.stringify(request)})`, phase: p.phase, ours: true });
    }
    if (request !== bundle && request !== bundle.replace(/\.js$/, '')) return origLoad.apply(this, args);
    const t = clock();
    const exports = origLoad.apply(this, args) as { activate?: AnyFn };
    p.timing.load = clock(t);
    const activate = exports?.activate;
    if (typeof activate !== 'function') return exports;
    // The bundle's exports are getters that cannot be redefined: hand VS Code a view of them
    // whose activate() is timed.
    // Activation ends when activate() has returned (or its promise settled), as VS Code's
    // didActivate mark says; work it leaves to a timer is 'after' (reported, not counted), even
    // when it starts before ext.activate() resolves for the caller (VS Code answers that later).
    const timed = function (this: unknown, ...a: unknown[]) {
      const t2 = clock();
      let result: unknown;
      try {
        result = activate.apply(this, a);
        return result;
      } finally {
        p.timing.activate = clock(t2);
        const done = () => (p.phase = 'after');
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(done, done);
        else done();
      }
    };
    return new Proxy(exports, { get: (target, key, receiver) => (key === 'activate' ? timed : Reflect.get(target, key, receiver)) });
  };
  p.add(() => (M._load = origLoad));
  return p;
}

interface Mark {
  name: string;
  startTime: number;
}

function vscodeMarks(): Mark[] {
  const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks;
  return perf ? perf.getMarks().filter((m) => m.name.endsWith(`/${EXTENSION_ID}`)) : [];
}

describe('activation (benchmark)', () => {
  it('activates; timings and I/O are recorded', async () => {
    const out = process.env.AYMARA_BENCH_ACTIVATION_OUT;
    assert.ok(out, 'AYMARA_BENCH_ACTIVATION_OUT is not set');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const bundle = path.join(ext.extensionUri.fsPath, 'dist', 'extension.js');
    const wasActive = ext.isActive;
    const probes = installProbes(bundle);
    // AYMARA_BENCH_ACTIVATION_PROFILE=file: a CPU profile of the activation (for finding its costs, not for the figures).
    const profileTo = process.env.AYMARA_BENCH_ACTIVATION_PROFILE;
    const session = profileTo ? new inspector.Session() : undefined;
    const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 100 });
      await post('Profiler.start');
    }
    let apiMs: number;
    try {
      const t0 = performance.now();
      await ext.activate();
      apiMs = performance.now() - t0;
      if (session) {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        fs.writeFileSync(profileTo!, JSON.stringify(profile));
        session.disconnect();
      }
      probes.phase = 'after';
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      probes.uninstall();
    }
    const marks = vscodeMarks();
    const at = (what: string) => marks.find((m) => m.name === `code/extHost/${what}/${EXTENSION_ID}`)?.startTime;
    const result = {
      node: process.version,
      vscode: vscode.version,
      wasActive,
      apiMs,
      marks,
      loadMs: diff(at('willLoadExtensionCode'), at('didLoadExtensionCode')),
      activateMs: diff(at('willActivateExtension'), at('didActivateExtension')),
      totalMs: diff(at('willLoadExtensionCode'), at('didActivateExtension')),
      probed: probes.timing,
      threadCpu: typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function',
      io: probes.calls,
    };
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
    assert.equal(ext.isActive, true);
  });
});

function diff(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined ? null : b - a;
}
