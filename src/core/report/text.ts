import { countsLine } from '../present/labels';
import { oneLine } from '../present/text';
import { formatPercent, headline, sortedItems, type RunResult } from '../results';

/**
 * A line of terminal text: the literal parts are the program's own; every interpolated value is
 * made one inert line with `oneLine` (no control characters, escape sequences or bidi overrides,
 * no line breaks), so text from a file or a server can neither act on the terminal nor fake lines.
 */
export function line(parts: TemplateStringsArray, ...values: unknown[]): string {
  let out = parts[0] ?? '';
  for (let i = 0; i < values.length; i++) out += oneLine(String(values[i] ?? '')) + (parts[i + 1] ?? '');
  return out;
}

/** A human summary: one line per response that did not pass, then the totals. */
export function writeText(r: RunResult, fileLabel: string): string {
  const lines: string[] = [];
  for (const i of sortedItems(r.items)) {
    if (i.verdict === 'passed') continue;
    const where = i.location ? line`${fileLabel}:${i.location.line}:${i.location.column}` : line`${fileLabel} (not in file)`;
    const id = i.turn_number > 1 ? line`${i.prompt_uuid} turn ${i.turn_number}` : i.prompt_uuid;
    lines.push(line`${where}  ${id}  ${headline(i)}`);
  }
  const c = r.counts;
  lines.push(
    '',
    line`Run ${r.eval_run_uuid} (${r.status}) for eval ${r.eval_uuid}` + (r.eval_name ? line` "${r.eval_name}"` : ''),
    `${countsLine(c)}; pass rate ${formatPercent(r.pass_rate)}`,
  );
  for (const n of r.notes) lines.push(line`note: ${n}`);
  return lines.join('\n') + '\n';
}
