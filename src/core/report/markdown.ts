import { countsLine, formatWhen, verdictLabel } from '../present/labels';
import { oneLine } from '../present/text';
import { formatPercent, sortedItems, type RunResult } from '../results';

/**
 * File or server text as literal Markdown: one line (see `oneLine`), then every ASCII punctuation
 * character backslash-escaped (CommonMark allows that for each of them). So no emphasis, code,
 * link, image, raw HTML, table cell break or heading can start in it, and a linkifier sees no URL,
 * domain or e-mail address (their ":", "." and "@" are escapes, not text). It renders as the same
 * characters.
 */
export function mdText(value: string | null | undefined, max = Infinity): string {
  return oneLine(value ?? '', max).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * A Markdown report of a run: a heading, the run's facts, the totals, then a table of every
 * response, failures first. Every value from the file or the server passes through `mdText`;
 * only the report's own words and table syntax are Markdown.
 */
export function writeMarkdown(r: RunResult, fileLabel: string): string {
  const out: string[] = [`# Aymara results: ${mdText(fileLabel)}`, ''];
  const evalName = r.eval_name ? `${mdText(r.eval_name)} (${mdText(r.eval_uuid)})` : mdText(r.eval_uuid);
  out.push(
    `- Eval: ${evalName}`,
    `- Run: ${mdText(r.eval_run_uuid)}${r.run_name ? ` (${mdText(r.run_name)})` : ''}, ${mdText(r.status)}${r.is_sandbox ? ', sandbox' : ''}`,
    `- Scored: ${mdText(formatWhen(r.created_at))}`,
    `- Pass rate: ${mdText(formatPercent(r.pass_rate))}${r.merged ? ` (this run rescored ${r.merged.rescored} response(s); the others keep their verdict from run ${mdText(r.merged.base_run_uuid)})` : ''}`,
    `- Totals: ${countsLine(r.counts)}`,
  );
  for (const n of r.notes) out.push(`- Note: ${mdText(n)}`);
  out.push('', '| Verdict | Prompt | Turn | Line | Confidence | Explanation |', '| --- | --- | ---: | ---: | ---: | --- |');
  for (const i of sortedItems(r.items)) {
    const conf = i.confidence === null ? '' : `${Math.round(i.confidence * 100)}%`;
    const cells = [verdictLabel(i.verdict), mdText(i.prompt_uuid), String(i.turn_number), i.location ? String(i.location.line) : '', conf, mdText(i.explanation)];
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}
