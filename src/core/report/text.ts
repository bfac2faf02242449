import { formatPercent, headline, oneLine, sortedItems, type RunResult } from '../results';

/** A human summary: one line per response that did not pass, then the totals. */
export function writeText(r: RunResult, fileLabel: string): string {
  const lines: string[] = [];
  for (const i of sortedItems(r.items)) {
    if (i.verdict === 'passed') continue;
    const where = i.location ? `${fileLabel}:${i.location.line}:${i.location.column}` : `${fileLabel} (not in file)`;
    lines.push(`${where}  ${i.prompt_uuid}${i.turn_number > 1 ? ` turn ${i.turn_number}` : ''}  ${oneLine(headline(i))}`);
  }
  const c = r.counts;
  lines.push(
    '',
    `Run ${r.eval_run_uuid} (${r.status}) for eval ${r.eval_uuid}${r.eval_name ? ` "${oneLine(r.eval_name)}"` : ''}`,
    `${c.passed} passed, ${c.failed} failed, ${c.refused} refused, ${c.excluded} excluded, ${c.errored} errored; pass rate ${formatPercent(r.pass_rate)}`,
  );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

export { oneLine };
