/**
 * From click to failures on screen, in the real UI's extension host: the Score command on the
 * 10,000- (and 100,000-) entry bench files against the local server, timed to the diagnostics
 * being set (see scoreUi/scoreUi.test.ts), next to the command line (the production build) scoring the same 10,000-entry
 * file against the same kind of server as a whole process (`cli.e2e.10k`). Both servers run in
 * their own process with no added latency. The 10,000-entry figure is the median of three tries in
 * one window (the first, cold, is also reported on its own).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonBytes } from '../../src/core/jsonBody';
import { parseResponsesFile, toScoreRequest } from '../../src/core/responsesFile';
import { uniqueRunName } from '../../src/core/scoring';
import { DEFAULT_API_KEY } from '../../src/server';
import type * as HostLib from '../harness/host.mjs';
import type { Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { renderedMarker, START_LINE } from './scoreUi/protocol';
import type { ScoreUiResult } from './scoreUi/scoreUi.test';
import { runSuiteInHost } from './lib/hostSuite';
import { boundRow, failedRow, log, median, ratioRow, row, type Row } from './lib/measure';
import { startServerChild } from './lib/serverChild';

const TARGET_MS = 1500;
/** Tries of the 10,000-entry file in one window. */
const TRIES = 3;

/**
 * The command line, as a whole process, scoring `file` (median of `reps`), in ms: the production
 * build's dist/cli.js in `buildDir` (minified, as the package ships it).
 */
function cliMs(buildDir: string, file: string, url: string, reps: number): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(buildDir, 'dist', 'cli.js'), 'score', file, '--format', 'json', '--output', join(tmpdir(), `aymara-bench-cli-${process.pid}.json`)], {
      env: { ...process.env, AYMARA_AI_API_KEY: DEFAULT_API_KEY, AYMARA_AI_BASE_URL: url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    times.push(performance.now() - t);
    // Exit 1 means "some responses failed", which the bench file has on purpose.
    if (r.status !== 0 && r.status !== 1) throw new Error(`aymara-eval exited ${r.status}: ${String(r.stderr).slice(-300)}`);
  }
  return median(times);
}

/**
 * The same request's bytes POSTed by a minimal Node client as a whole process (lib/rawPost), the
 * floor of the command line's figure (median of `reps`), in ms.
 */
function floorMs(repoRoot: string, file: string, url: string, reps: number): number {
  const parsed = parseResponsesFile(readFileSync(file, 'utf8'));
  if (!parsed.evalUuid || parsed.hasErrors) throw new Error(`${file}: not a valid responses file with an eval_uuid`);
  const body = join(tmpdir(), `aymara-bench-floor-${process.pid}.json`);
  const times: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const request = toScoreRequest(parsed, parsed.evalUuid);
      request.name = uniqueRunName(request.name || 'floor');
      writeFileSync(body, jsonBytes(request));
      const t = performance.now();
      const r = spawnSync(process.execPath, [join(repoRoot, 'out', 'test', 'bench', 'lib', 'rawPost.js'), body, url, DEFAULT_API_KEY], { stdio: ['ignore', 'ignore', 'pipe'] });
      times.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`the minimal client failed: ${String(r.stderr).slice(-300)}`);
    }
  } finally {
    rmSync(body, { force: true });
  }
  return median(times);
}

export async function benchScoreUi(repoRoot: string, extensionDir: string, files: string[], details: Record<string, unknown>): Promise<Row[]> {
  const host = (await import(pathToFileURL(join(repoRoot, 'test', 'harness', 'host.mjs')).href)) as typeof HostLib;
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-scoreui-'));
  const server = await startServerChild(repoRoot);
  try {
    // Alternated, so that a busy moment of the machine does not fall on one of them only.
    const cliTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      cliTimes.push(cliMs(extensionDir, files[0]!, server.url, 1));
      floorTimes.push(floorMs(repoRoot, files[0]!, server.url, 1));
    }
    const cli = median(cliTimes);
    const floor = median(floorTimes);
    const workspace = join(tmp, 'workspace');
    mkdirSync(workspace);
    // The 10,000-entry file is scored TRIES times in the same window, each time as a copy with its
    // own name (as a user tries twice): the first try loads the scoring code (cold), the figure is
    // the median of all tries, the cold one included.
    const [first, ...rest] = files;
    const copies = [...Array.from({ length: TRIES }, (_, i) => [first!, `try${i + 1}-${basename(first!)}`] as const), ...rest.map((f) => [f, basename(f)] as const)].map(([f, name]) => {
      const to = join(workspace, name);
      copyFileSync(f, to);
      return to;
    });
    const outFile = join(tmp, 'scoreui.json');
    const rendered = new Map<number, number>();
    await runSuiteInHost(host, {
      onLog: (line, page) => {
        const m = new RegExp(`^${START_LINE} (\\d+) (\\d+)$`).exec(line.trim());
        if (!m) return;
        const [i, t0] = [Number(m[1]), Number(m[2])];
        void errorsShownAt(page).then((at) => {
          if (at !== null) rendered.set(i, at - t0);
          writeFileSync(renderedMarker(outFile, i), '');
        });
      },
      label: 'bench score to diagnostics',
      extensionDir,
      testsModule: join(repoRoot, 'out', 'test', 'bench', 'scoreUi', 'index.js'),
      workspace,
      env: { AYMARA_BENCH_SCOREUI_OUT: outFile, AYMARA_BENCH_SCOREUI_SERVER: server.url, AYMARA_BENCH_SCOREUI_FILES: copies.join('\n'), AYMARA_AI_API_KEY: DEFAULT_API_KEY, ...(process.env.AYMARA_BENCH_SCOREUI_PROFILE ? { AYMARA_BENCH_SCOREUI_PROFILE: process.env.AYMARA_BENCH_SCOREUI_PROFILE } : {}) },
      timeoutMs: 600_000,
    });
    if (!existsSync(outFile)) return [failedRow('ui.scoreToDiagnostics.10k', 'Score command → diagnostics set', 'ms', `≤ ${TARGET_MS} ms`, 'the suite wrote no results')];
    const results = (JSON.parse(readFileSync(outFile, 'utf8')) as ScoreUiResult[]).map((r, i) => ({ ...r, renderedMs: rendered.get(i) }));
    details.scoreUi = { results, cliMs: cliTimes, floorMs: floorTimes };
    for (const r of results) log(`  ${r.entries} entries: diagnostics after ${Math.round(r.diagnosticsMs)} ms, errors in the status bar after ${r.renderedMs === undefined ? '(not seen)' : `${Math.round(r.renderedMs)} ms`}, command done after ${Math.round(r.commandMs)} ms (${r.diagnostics} diagnostics)`);
    const tries = results.slice(0, TRIES);
    const large = results[TRIES];
    const rows: Row[] = [
      ratioRow('cli.e2e.10k', 'aymara-eval score (production build), 10,000 entries, whole process against the local server (median of 3), vs a minimal client POSTing the same bytes (no parsing)', cli, floor, 'ms', { max: 1.5 }),
    ];
    const shown = tries.map((t) => t.renderedMs);
    const small = tries.length === TRIES
      ? { diagnosticsMs: median(tries.map((t) => t.diagnosticsMs)), renderedMs: shown.every((v) => v !== undefined) ? median(shown as number[]) : undefined, coldMs: tries[0]!.diagnosticsMs }
      : undefined;
    if (small) {
      rows.push(
        boundRow('ui.scoreToDiagnostics.10k', `Score command → diagnostics set, 10,000 entries, real extension host + local server (median of ${TRIES} tries in one window)`, small.diagnosticsMs, 'ms', { max: TARGET_MS }),
        row('ui.scoreToDiagnostics.10k.cold', '  the first try alone (the scoring code loaded on first use)', small.coldMs, 'ms'),
        ratioRow('ui.scoreToDiagnostics.10k.vsCli', '  the same vs the command line scoring the file (cli.e2e.10k)', small.diagnosticsMs, cli, 'ms', { max: 2.5 }),
        small.renderedMs === undefined
          ? failedRow('ui.scoreToProblems.10k', 'Score command → the error count in the status bar (Chromium), 10,000 entries', 'ms', `≤ ${TARGET_MS} ms`, 'the window never showed the errors')
          : boundRow('ui.scoreToProblems.10k', `Score command → the error count in the status bar (Chromium), 10,000 entries (median of ${TRIES})`, small.renderedMs, 'ms', { max: TARGET_MS }),
      );
    }
    if (large && small) {
      if (large.renderedMs !== undefined && small.renderedMs !== undefined) {
        rows.push(ratioRow('ui.scoreToProblems.100k', 'Score command → the error count in the status bar (Chromium), 100,000 entries (vs 10 × the 10,000 figure: ≤ 1 is linear or better)', large.renderedMs, small.renderedMs * 10, 'ms', { max: 1 }));
      }
      rows.push(ratioRow('ui.scoreToDiagnostics.100k', 'Score command → diagnostics set, 100,000 entries (vs 10 × the 10,000 figure: ≤ 1 is linear or better)', large.diagnosticsMs, small.diagnosticsMs * 10, 'ms', { max: 1 }));
    }
    return rows;
  } finally {
    await server.stop();
    await host.stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * When the window's status bar first shows an error count other than the one it showed when
 * asked (Date.now() in the page: the same clock as the extension host's), or null after 60 s.
 */
function errorsShownAt(page: Page): Promise<number | null> {
  return page.evaluate(
    (timeoutMs) =>
      new Promise<number | null>((resolve) => {
        const count = () => /\d+K?\+?/.exec(document.getElementById('status.problems')?.textContent ?? '')?.[0] ?? '0';
        const before = count();
        const end = Date.now() + timeoutMs;
        const tick = () => {
          const now = count();
          if (now !== '0' && now !== before) return resolve(Date.now());
          if (Date.now() > end) return resolve(null);
          setTimeout(tick, 5);
        };
        tick();
      }),
    60_000,
  );
}
