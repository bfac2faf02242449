/**
 * Activation in the real extension host: starts code-server (the harness's host: VS Code server
 * with its Node extension host) with the production build as the extension under development
 * and test/bench/activation/ as the tests module, once per run, and reads what the suite wrote
 * (see activation/activation.test.ts for what is measured and how).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as HostLib from '../harness/host.mjs';
import { runSuiteInHost } from './lib/hostSuite';
import { boundRow, failedRow, log, median, row, type Row } from './lib/measure';

export interface ActivationRun {
  node: string;
  vscode: string;
  wasActive: boolean;
  apiMs: number;
  loadMs: number | null;
  activateMs: number | null;
  totalMs: number | null;
  probed?: { load?: { wallMs: number; cpuMs: number }; activate?: { wallMs: number; cpuMs: number } };
  threadCpu?: boolean;
  io: { kind: string; what: string; phase: 'activation' | 'after'; ours: boolean; frame?: string }[];
}

async function oneRun(host: typeof HostLib, repoRoot: string, extensionDir: string, label: string): Promise<ActivationRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-activation-'));
  const workspace = join(tmp, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', 'smoke'), workspace, { recursive: true });
  const outFile = join(tmp, 'activation.json');
  const tests = join(repoRoot, 'out', 'test', 'bench', 'activation', 'index.js');
  try {
    await runSuiteInHost(host, { label, extensionDir, testsModule: tests, workspace, env: { AYMARA_BENCH_ACTIVATION_OUT: outFile, ...(process.env.AYMARA_BENCH_ACTIVATION_PROFILE ? { AYMARA_BENCH_ACTIVATION_PROFILE: process.env.AYMARA_BENCH_ACTIVATION_PROFILE } : {}) }, timeoutMs: 120_000 });
    if (!existsSync(outFile)) throw new Error('the activation suite wrote no results');
    return JSON.parse(readFileSync(outFile, 'utf8')) as ActivationRun;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Activation of the production build in `dir` (installed as the extension under development),
 * measured `runs` times, each in a freshly started host.
 */
export async function benchActivation(repoRoot: string, dir: string, runs: number, details: Record<string, unknown>): Promise<Row[]> {
  let host: typeof HostLib;
  try {
    host = (await import(pathToFileURL(join(repoRoot, 'test', 'harness', 'host.mjs')).href)) as typeof HostLib;
  } catch (e) {
    return [failedRow('activation.wall', 'activation in the extension host', 'ms', TARGET, `harness: ${(e as Error).message}`)];
  }
  try {
    return await activationRows(host, repoRoot, dir, runs, details);
  } finally {
    await host.stopAll();
  }
}

const TARGET = '≤ 30 ms';

async function activationRows(host: typeof HostLib, repoRoot: string, dir: string, runs: number, details: Record<string, unknown>): Promise<Row[]> {
  const results: ActivationRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      results.push(await oneRun(host, repoRoot, dir, `bench activation ${i + 1}`));
      const r = results[i]!;
      log(`  activation run ${i + 1}/${runs}: load ${r.loadMs} ms + activate ${r.activateMs} ms (VS Code's marks); ${((performance.now() - t) / 1000).toFixed(1)} s with the host's start`);
    }
  } catch (e) {
    if (!results.length) return [failedRow('activation.wall', 'activation in the extension host', 'ms', TARGET, (e as Error).message)];
    log(`  activation: a run failed, using ${results.length}: ${(e as Error).message}`);
  }
  details.activation = results;
  return activationRowsOf(results);
}

/** The rows for the runs' results (at least one). */
export function activationRowsOf(results: readonly ActivationRun[]): Row[] {
  const first = results[0]!;
  const nums = (f: (r: ActivationRun) => number | null | undefined) => results.map(f).filter((x): x is number => typeof x === 'number');
  const own = nums((r) => (r.loadMs !== null && r.activateMs !== null ? r.loadMs + r.activateMs : null));
  const ours = results.flatMap((r) => r.io.filter((c) => c.ours && c.phase === 'activation'));
  const after = results.flatMap((r) => r.io.filter((c) => c.ours && c.phase === 'after'));
  const others = results.flatMap((r) => r.io.filter((c) => !c.ours && c.phase === 'activation' && c.kind === 'network'));
  const env = `Node ${first.node}, VS Code ${first.vscode}`;
  const missed = results.filter((r) => missedBecause(r) !== undefined);
  const ioName = 'activation: file/network I/O by the extension while activating';
  const main = own.length
    ? boundRow('activation.wall', `activation in the real extension host: load + activate() (VS Code's marks, median of ${own.length}; ${env})`, median(own), 'ms', { max: 30 })
    : failedRow('activation.wall', 'activation in the real extension host', 'ms', TARGET, 'VS Code recorded no activation marks');
  const rows: Row[] = [
    main,
    row('activation.wall.load', '  of which loading the bundle', median(nums((r) => r.loadMs)), 'ms'),
    row('activation.wall.activate', '  of which activate()', median(nums((r) => r.activateMs)), 'ms'),
  ];
  const cpu = nums((r) => (r.probed?.load && r.probed.activate ? r.probed.load.cpuMs + r.probed.activate.cpuMs : null));
  const cpuName = `  CPU time of load + activate() on the extension host's thread (not inflated by a busy machine)`;
  rows.push(cpu.length ? boundRow('activation.cpu', cpuName, median(cpu), 'ms', { max: 15 }) : failedRow('activation.cpu', cpuName, 'ms', '–', 'the probes timed no load and activate()'));
  rows.push(
    row('activation.wall.context', '  from load to activated, with VS Code preparing the extension context', median(nums((r) => r.totalMs)), 'ms'),
    row('activation.api', '  ext.activate() as a caller sees it', median(nums((r) => r.apiMs)), 'ms'),
    // "No I/O" only means something for runs whose probes saw the activation happen.
    missed.length
      ? failedRow('activation.io', ioName, 'calls', '= 0', `the I/O probes missed the activation in ${missed.length} of ${results.length} runs (${missed.map(missedBecause).join('; ')})`)
      : boundRow('activation.io', ioName, ours.length / results.length, 'calls', { max: 0 }, '= 0'),
  );
  if (after.length) rows.push(row('activation.io.after', '  I/O by the extension in the 500 ms after activation (deferred work)', after.length / results.length, 'calls'));
  if (others.length) log(`  network calls by others during activation: ${others.map((c) => c.what).join(', ')}`);
  return rows;
}

/**
 * Why a run's I/O probes did not see the activation, or undefined when they did: the extension
 * was already active when they were installed, or the load of its bundle or its activate() call
 * never went through them.
 */
export function missedBecause(r: ActivationRun): string | undefined {
  if (r.wasActive) return 'already active when the probes were installed';
  if (!r.probed?.load) return 'the bundle\'s load was not seen';
  if (!r.probed.activate) return 'activate() was not seen';
  return undefined;
}
