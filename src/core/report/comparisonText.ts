/**
 * The terminal text of a run comparison: the headline ("2 newly failing, 1 fixed, 3 still
 * failing"), then the newly failing responses, then the fixed ones (and, for the compare command,
 * every other list). Every value goes through `line`, so nothing from a file or server can act on
 * the terminal.
 */
import { CHANGE_KINDS, comparisonHeadline, type ChangeKind, type ComparedEntry, type Comparison } from '../compare/compare';
import { headline } from '../results';
import { line } from './text';

const TITLE: Record<ChangeKind, string> = {
  newly_failing: 'Newly failing',
  newly_passing: 'Fixed',
  still_failing: 'Still failing',
  changed: 'Changed',
  only_in_current: 'Only in this run',
  only_in_baseline: 'Only in the baseline run',
};

/**
 * `fileLabel`: the file the runs were matched to (entries are then shown at their line), or
 * undefined. `lists`: the lists shown, in this order (default: newly failing, then fixed).
 */
export function writeComparisonText(c: Comparison, fileLabel: string | undefined, lists: readonly ChangeKind[] = ['newly_failing', 'newly_passing']): string {
  const n = c.counts;
  const more = [
    n.changed ? `${n.changed} changed` : '',
    n.only_in_current ? `${n.only_in_current} only in this run` : '',
    n.only_in_baseline ? `${n.only_in_baseline} only in the baseline` : '',
  ].filter(Boolean);
  const out = [comparisonHeadline(c) + (more.length ? `, ${more.join(', ')}` : '') + line` (baseline run ${c.baseline_run_uuid})`];
  const byKind = new Map<ChangeKind, ComparedEntry[]>(CHANGE_KINDS.map((k) => [k, []]));
  for (const e of c.entries) byKind.get(e.kind)!.push(e);
  for (const k of lists) {
    const list = byKind.get(k)!;
    if (!list.length) continue;
    out.push(`${TITLE[k]}:`);
    for (const e of list) {
      const item = (e.current ?? e.baseline)!;
      const loc = item.location;
      const where = fileLabel === undefined ? '' : loc ? line`${fileLabel}:${loc.line}:${loc.column}  ` : line`${fileLabel} (not in file)  `;
      const id = e.turn_number > 1 ? line`${e.prompt_uuid} turn ${e.turn_number}` : line`${e.prompt_uuid}`;
      const now = headline(item);
      const before = e.current && e.baseline ? headline(e.baseline) : now;
      out.push(`  ${where}${id}  ` + line`${now}` + (before === now ? '' : line` (was ${before})`));
    }
  }
  if (n.duplicates) out.push(`note: ${n.duplicates} repeated result${n.duplicates === 1 ? ' was' : 's were'} left out of the comparison (a run held the same prompt, thread and turn twice).`);
  return out.join('\n') + '\n';
}
