/**
 * Comparing two 10,000-result runs (compareRuns, then the report's lists with lines) against
 * JSON.parse of the server's reply that carried one of them (target ≤ 1.0 ×). The second run is
 * the first with every 7th verdict turned over, every 11th confidence moved by 0.2 and every 13th
 * explanation reworded, the last 100 entries dropped and 100 new ones added: the work of a real
 * comparison (every list filled), not a run compared with itself.
 */
import { compareRuns, comparisonReport } from '../../src/core/compare/compare';
import { responseKey, type ResultItem, type RunResult } from '../../src/core/results';
import { interleave, median, ratioRow, row, thousands, type Row } from './lib/measure';

/** A later run of the same file with deterministic changes (see the module comment). */
export function laterRun(run: RunResult): RunResult {
  const kept = run.items.slice(0, Math.max(0, run.items.length - 100));
  const items: ResultItem[] = kept.map((i, n) => {
    let next = i;
    if (n % 7 === 0) next = { ...next, verdict: next.verdict === 'passed' ? 'failed' : next.verdict === 'failed' || next.verdict === 'errored' ? 'passed' : next.verdict };
    if (n % 11 === 0) next = { ...next, confidence: next.confidence === null ? 0.5 : Math.abs(next.confidence - 0.2) };
    if (n % 13 === 0) next = { ...next, explanation: `${next.explanation ?? ''} (reworded)` };
    return next;
  });
  for (let n = 0; n < 100; n++) {
    const prompt_uuid = `question.bench-new-${n}`;
    items.push({ ...kept[n]!, prompt_uuid, key: responseKey({ prompt_uuid }), entry_index: null, location: null });
  }
  return { ...run, eval_run_uuid: `${run.eval_run_uuid}.later`, items };
}

export function benchCompare(input: { replyText: string; result: RunResult }, details: Record<string, unknown>): Row[] {
  const baseline = input.result;
  const current = laterRun(baseline);
  const times = interleave(
    [
      { name: 'JSON.parse', fn: () => JSON.parse(input.replyText) },
      { name: 'compare', fn: () => comparisonReport(compareRuns(baseline, current)) },
    ],
    { warmup: 3, reps: 15 },
  );
  const c = compareRuns(baseline, current);
  const base = median(times['JSON.parse']!);
  const n = baseline.items.length;
  details.compare = { items: n, counts: c.counts, ...times };
  return [
    ratioRow(`compare.${thousands(n)}`, `two ${n.toLocaleString('en-US')}-result runs compared (compareRuns + report lists) vs JSON.parse of one reply`, median(times.compare!), base, 'ms', { max: 1.0 }),
    row(`compare.${thousands(n)}.entries`, `  entries not unchanged (${Object.entries(c.counts).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})`, c.entries.length, 'entries'),
  ];
}
