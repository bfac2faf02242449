/**
 * Memory: score a 100,000-entry file the way the command line does (read, decode, parse and
 * validate, build the request, score through the client, match, diagnostics) against the local
 * server running in a child process, and compare the heap's growth with the file's size
 * (target: peak growth ≤ 5 ×).
 *
 * The heap is collected first (--expose-gc). The peak is the largest heap in use seen at any
 * point: before every garbage collection during the run (v8.GCProfiler) and at the end of each
 * stage. Because collections come late, that peak includes garbage not yet collected (such as the
 * file's text after parsing); the largest heap left after a collection is reported beside it
 * (closer to live data, though a minor collection leaves old garbage in place). The growth still
 * held afterwards (only the run's results and diagnostics kept) is reported too.
 */
import { readFileSync, statSync } from 'node:fs';
import { GCProfiler } from 'node:v8';
import { AymaraClient } from '../../src/core/client';
import { toDiagnosticData } from '../../src/core/report/diagnosticsModel';
import { parseResponsesFile, toScoreRequest, type ResponsesFile } from '../../src/core/responsesFile';
import type { ScoreRequest } from '../../src/core/schemas';
import { scoreRun, uniqueRunName } from '../../src/core/scoring';
import { MB, gc, keep, ratioRow, row, type Row } from './lib/measure';
import { DIAGNOSTIC_DEFAULTS } from './views';

interface Stage {
  stage: string;
  /** Heap in use at the end of the stage, before any collection. */
  endMB: number;
  /** Largest heap in use seen during the stage. */
  peakMB: number;
  /** Largest heap left after a collection during the stage (live data plus what survived). */
  liveMB: number | null;
  gcs: number;
  ms: number;
}

export async function benchMemory(path: string, baseUrl: string, apiKey: string, entries: number, details: Record<string, unknown>): Promise<Row[]> {
  const fileBytes = statSync(path).size;
  gc();
  gc();
  const base = process.memoryUsage().heapUsed;
  const stages: Stage[] = [];
  let peak = base;
  let live = base;
  async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const prof = new GCProfiler();
    prof.start();
    const t = performance.now();
    const out = await fn();
    const ms = performance.now() - t;
    const stats = prof.stop();
    const end = process.memoryUsage().heapUsed;
    let p = end;
    let l = -1;
    for (const s of stats?.statistics ?? []) {
      p = Math.max(p, s.beforeGC.heapStatistics.usedHeapSize);
      l = Math.max(l, s.afterGC.heapStatistics.usedHeapSize);
    }
    peak = Math.max(peak, p);
    live = Math.max(live, l);
    stages.push({ stage: name, endMB: (end - base) / MB, peakMB: (p - base) / MB, liveMB: l < 0 ? null : (l - base) / MB, gcs: stats?.statistics.length ?? 0, ms });
    return out;
  }

  // As in the command line and the extension: once the file model holds its line table
  // (lines.detach), the text is dropped; the model stays alive until the run is matched.
  let text: string | undefined = await stage('read and decode', () => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path)));
  let file: ResponsesFile | undefined = await stage('parse and validate', () => {
    const f = parseResponsesFile(text!, { fileName: path });
    f.lines.detach();
    return f;
  });
  text = undefined;
  if (file.hasErrors || file.entries.length !== entries) throw new Error(`the ${entries}-entry file did not parse cleanly (${file.entries.length} entries)`);
  let request: ScoreRequest | undefined = await stage('build request', () => {
    const r = toScoreRequest(file!);
    r.name = uniqueRunName('bench memory');
    return r;
  });
  const client = new AymaraClient({ baseUrl, apiKey, requestTimeoutMs: 600_000 });
  const result = await stage('score (send, wait, receive, validate, match)', () => scoreRun({ client, request: request!, entries: file!.entries }));
  await client.close();
  const diagnostics = await stage('diagnostics', () => toDiagnosticData(result.items, DIAGNOSTIC_DEFAULTS));
  if (result.items.length !== entries) throw new Error(`scored ${result.items.length} of ${entries}`);
  const external = process.memoryUsage().external;

  // What stays: the run's results and their diagnostics (the extension's store holds these).
  file = undefined;
  request = undefined;
  keep([result, diagnostics]);
  gc();
  gc();
  const retained = process.memoryUsage().heapUsed - base;
  keep(undefined);

  const growth = peak - base;
  details.memory = { liveGrowthMB: (live - base) / MB, fileBytes, baseHeapMB: base / MB, externalAtEndMB: external / MB, peakGrowthMB: growth / MB, retainedMB: retained / MB, stages, counts: result.counts };
  const label = entries.toLocaleString('en-US');
  return [
    ratioRow(`memory: peak heap growth scoring a ${label}-entry file vs file size`, growth / MB, fileBytes / MB, 'MB', { max: 5 }),
    row(`memory: largest heap left after a collection while scoring vs file size`, (live - base) / MB, 'MB', { baseline: fileBytes / MB }),
    row(`memory: heap still held afterwards (results + diagnostics only) vs file size`, retained / MB, 'MB', { baseline: fileBytes / MB }),
  ];
}
