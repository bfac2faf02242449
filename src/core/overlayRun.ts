/**
 * A run that rescored only some entries of a file (Test Explorer's Run on a selection, Rerun
 * Failed Tests, Score Failed Only) laid over the file's earlier results: every entry shows its
 * latest verdict, each verdict kept from an earlier run says which run (`from_run`), and the
 * counts and pass rate are those of the merged view, marked by `merged` on the run.
 */
import { computedPassRate, countVerdicts, type ResultItem, type RunResult } from './results';

export function overlayRun(base: RunResult, partial: RunResult): RunResult {
  const rescored = new Map(partial.items.map((i) => [i.key, i] as const));
  const baseRun = base.eval_run_uuid;
  const items: ResultItem[] = [];
  const seen = new Set<string>();
  for (const old of base.items) {
    if (seen.has(old.key)) continue;
    seen.add(old.key);
    const fresh = rescored.get(old.key);
    items.push(fresh ?? (old.from_run ? old : { ...old, from_run: baseRun }));
  }
  for (const i of partial.items) if (!seen.has(i.key)) items.push(i);
  const counts = countVerdicts(items);
  const kept = items.length - partial.items.length;
  return {
    ...partial,
    items,
    counts,
    pass_rate: computedPassRate(counts),
    merged: { base_run_uuid: base.merged?.base_run_uuid ?? baseRun, rescored: partial.items.length },
    notes: [...partial.notes, `Merged view: ${partial.items.length} response(s) rescored in this run; ${kept} keep their verdict from an earlier run. The pass rate is the merged view's.`],
  };
}
