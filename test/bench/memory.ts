/**
 * Memory: score a 100,000-entry file the way the command line does (read, decode, parse and
 * validate, build the request, score through the client, match, diagnostics) against the local
 * server running in a child process, and compare the growth of the memory it uses with the
 * file's size (target: peak growth ≤ 3 ×).
 *
 * Memory is the JavaScript heap in use plus external memory (Buffers and ArrayBuffers, which hold
 * the file's bytes, the request body and the reply outside the heap): heapUsed + external. The
 * heap is collected first (--expose-gc). The peak is the largest such figure seen at any point:
 * before every garbage collection during the run (v8.GCProfiler, whose statistics carry both) and
 * at the end of each stage. Because collections come late, that peak includes garbage not yet
 * collected (such as the file's text after parsing); the largest figure left after a collection
 * is reported beside it (closer to live data, though a minor collection leaves old garbage in
 * place). The growth still held afterwards (only the run's results and diagnostics kept) is
 * reported too. The heap-only peak stays in .bench/details.json for comparison with older runs.
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

/** Memory in use: the heap plus external memory (Buffers, ArrayBuffers). */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

interface Stage {
  stage: string;
  /** Growth of heap + external at the end of the stage, before any collection. */
  endMB: number;
  /** Largest growth of heap + external seen during the stage. */
  peakMB: number;
  /** Largest growth of the heap alone seen during the stage. */
  heapPeakMB: number;
  /** Largest heap + external left after a collection during the stage (live data plus what survived). */
  liveMB: number | null;
  gcs: number;
  ms: number;
}

export async function benchMemory(path: string, baseUrl: string, apiKey: string, entries: number, details: Record<string, unknown>): Promise<Row[]> {
  const fileBytes = statSync(path).size;
  gc();
  gc();
  const base = used();
  const baseHeap = process.memoryUsage().heapUsed;
  const stages: Stage[] = [];
  let peak = base;
  let heapPeak = baseHeap;
  let live = base;
  async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const prof = new GCProfiler();
    prof.start();
    const t = performance.now();
    const out = await fn();
    const ms = performance.now() - t;
    const stats = prof.stop();
    const end = used();
    const endHeap = process.memoryUsage().heapUsed;
    let p = end;
    let h = endHeap;
    let l = -1;
    for (const s of stats?.statistics ?? []) {
      const before = s.beforeGC.heapStatistics;
      const after = s.afterGC.heapStatistics;
      p = Math.max(p, before.usedHeapSize + before.externalMemory);
      h = Math.max(h, before.usedHeapSize);
      l = Math.max(l, after.usedHeapSize + after.externalMemory);
    }
    peak = Math.max(peak, p);
    heapPeak = Math.max(heapPeak, h);
    live = Math.max(live, l);
    stages.push({ stage: name, endMB: (end - base) / MB, peakMB: (p - base) / MB, heapPeakMB: (h - baseHeap) / MB, liveMB: l < 0 ? null : (l - base) / MB, gcs: stats?.statistics.length ?? 0, ms });
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
  const retained = used() - base;
  keep(undefined);

  const growth = peak - base;
  details.memory = {
    measures: 'heapUsed + external',
    liveGrowthMB: (live - base) / MB,
    fileBytes,
    baseMB: base / MB,
    externalAtEndMB: external / MB,
    peakGrowthMB: growth / MB,
    heapOnlyPeakGrowthMB: (heapPeak - baseHeap) / MB,
    retainedMB: retained / MB,
    stages,
    counts: result.counts,
  };
  const label = entries.toLocaleString('en-US');
  return [
    ratioRow('memory.peak', `memory: peak growth of heap + external (Buffers, ArrayBuffers) scoring a ${label}-entry file vs file size`, growth / MB, fileBytes / MB, 'MB', { max: 3 }),
    row('memory.live', `memory: largest heap + external left after a collection while scoring vs file size`, (live - base) / MB, 'MB', { baseline: fileBytes / MB }),
    row('memory.retained', `memory: heap + external still held afterwards (results + diagnostics only) vs file size`, retained / MB, 'MB', { baseline: fileBytes / MB }),
  ];
}
