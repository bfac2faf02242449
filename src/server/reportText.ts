/**
 * The text of the local stand-in's eval reports, derived deterministically from the verdicts and
 * explanations of the runs (Aymara writes its reports with an LLM; this is not that). Every text
 * starts with REPORT_LABEL. For accuracy evals each summary also carries one
 * `<category>…</category>` section per prompt category, the form Aymara uses and its SDK parses.
 *
 * Quoted explanations are cut to one line of at most 200 characters, with `<` and `>` replaced by
 * `‹` `›` so that text a person wrote in an override cannot open or close a category section.
 * At most a few examples are quoted per section, so a report stays small whatever the run's size.
 */
import { oneLine } from '../core/present/text';

export const REPORT_LABEL = 'Local stand-in report:';
const EXAMPLES = 3;
const FAILURES = 5;

export interface ReportItem {
  prompt_uuid: string;
  category: string | null;
  is_passed: boolean | null;
  ai_refused: boolean;
  explanation: string;
  manually_updated: boolean;
}

export interface Summary {
  passing: string;
  failing: string;
  advice: string;
}

interface Tally {
  scored: number;
  passed: number;
  failed: number;
  refused: number;
  manual: number;
  excluded: number;
}

function tally(items: readonly ReportItem[]): Tally {
  const t: Tally = { scored: 0, passed: 0, failed: 0, refused: 0, manual: 0, excluded: 0 };
  for (const i of items) {
    if (i.is_passed === null) {
      t.excluded++;
      continue;
    }
    t.scored++;
    if (i.manually_updated) t.manual++;
    if (i.is_passed) {
      t.passed++;
      if (i.ai_refused) t.refused++;
    } else t.failed++;
  }
  return t;
}

const pct = (n: number, of: number) => `${Math.round((n / of) * 1000) / 10}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Untrusted or long text made safe to quote inside a report. */
export function quote(text: string, max = 200): string {
  return oneLine(text, max).replace(/</g, '‹').replace(/>/g, '›');
}

/** A category name usable as a `<tag>` (letters, digits, underscore). */
export function categoryTag(category: string | null): string {
  const tag = (category ?? '').replace(/\W+/g, '_').replace(/^_+|_+$/g, '');
  return tag || 'uncategorized';
}

function examples(items: readonly ReportItem[], max: number): string {
  const lines = items.slice(0, max).map((i) => `- ${i.prompt_uuid}: ${quote(i.explanation)}${i.manually_updated ? ' (verdict set by a person)' : ''}`);
  if (items.length > max) lines.push(`- …and ${items.length - max} more.`);
  return lines.length ? `\n${lines.join('\n')}` : '';
}

function passingBody(items: readonly ReportItem[]): string {
  const t = tally(items);
  if (!t.scored) return `No responses were scored${t.excluded ? ` (${plural(t.excluded, 'response was', 'responses were')} excluded from scoring)` : ''}.`;
  let s = `${t.passed} of ${t.scored} scored responses passed (${pct(t.passed, t.scored)}).`;
  if (t.refused) s += ` ${t.refused} of them passed because the AI refused to answer.`;
  const manualPass = items.filter((i) => i.manually_updated && i.is_passed === true).length;
  if (manualPass) s += ` ${plural(manualPass, 'passing verdict was', 'passing verdicts were')} set by a person.`;
  return s + examples(items.filter((i) => i.is_passed === true), EXAMPLES);
}

function failingBody(items: readonly ReportItem[]): string {
  const t = tally(items);
  if (!t.failed) return 'There were no failing responses.';
  return `${t.failed} of ${t.scored} scored responses failed (${pct(t.failed, t.scored)}).` + examples(items.filter((i) => i.is_passed === false), FAILURES);
}

function collect(items: readonly ReportItem[], pattern: RegExp): string[] {
  const found = new Set<string>();
  for (const i of items) {
    const m = pattern.exec(i.explanation);
    if (m && !i.manually_updated) found.add(quote(m[1]!, 60));
  }
  return [...found];
}

function adviceBody(items: readonly ReportItem[]): string {
  const failing = items.filter((i) => i.is_passed === false);
  if (!failing.length) return 'Nothing failed: keep answering this way.';
  const parts: string[] = [];
  const banned = collect(failing, /^The response contains the banned term "([^"]+)"/);
  const required = collect(failing, /does not contain the required term "([^"]+)"/);
  const fileBanned = collect(failing, /file name contains the banned term "([^"]+)"/);
  if (banned.length) parts.push(`Do not use these banned terms: ${banned.map((t) => `"${t}"`).join(', ')}.`);
  if (required.length) parts.push(`Include these required terms: ${required.map((t) => `"${t}"`).join(', ')}.`);
  if (fileBanned.length) parts.push(`Rename or replace the uploaded files whose names contain: ${fileBanned.map((t) => `"${t}"`).join(', ')}.`);
  const empty = failing.filter((i) => !i.manually_updated && i.explanation.startsWith('The response is empty')).length;
  if (empty) parts.push(`Answer the ${plural(empty, 'empty response')}, or mark a refusal with ai_refused.`);
  const badFiles = failing.filter((i) => !i.manually_updated && /not a recognisable image|content_type must match the file/.test(i.explanation)).length;
  if (badFiles) parts.push(`Upload real images or videos for ${plural(badFiles, 'response')}, with a content_type that matches the file.`);
  const manual = failing.filter((i) => i.manually_updated).length;
  if (manual) parts.push(`Read the reasons a person gave for the ${plural(manual, 'verdict')} they set to fail.`);
  if (!parts.length) parts.push('See the explanations of the failing responses.');
  return parts.join(' ');
}

function byCategory(items: readonly ReportItem[]): Map<string, ReportItem[]> {
  const groups = new Map<string, ReportItem[]>();
  for (const i of items) {
    const tag = categoryTag(i.category);
    const g = groups.get(tag);
    if (g) g.push(i);
    else groups.set(tag, [i]);
  }
  return groups;
}

function sectioned(head: string, items: readonly ReportItem[], body: (items: readonly ReportItem[]) => string): string {
  const sections = [...byCategory(items)].map(([tag, group]) => `<${tag}>\n${body(group)}\n</${tag}>`);
  return `${REPORT_LABEL} ${head}\n\n${sections.join('\n\n')}`;
}

/** One run's passing summary, failing summary and improvement advice. */
export function summariseRun(items: readonly ReportItem[], accuracy: boolean): Summary {
  if (!accuracy) {
    return {
      passing: `${REPORT_LABEL} ${passingBody(items)}`,
      failing: `${REPORT_LABEL} ${failingBody(items)}`,
      advice: `${REPORT_LABEL} advice from the local judge's rules, not Aymara's. ${adviceBody(items)}`,
    };
  }
  const t = tally(items);
  const overall = t.scored ? `${t.passed} of ${t.scored} scored responses passed (${pct(t.passed, t.scored)}); by prompt category:` : 'no responses were scored; by prompt category:';
  return {
    passing: sectioned(overall, items, passingBody),
    failing: sectioned(t.failed ? `${t.failed} of ${t.scored} scored responses failed; by prompt category:` : 'there were no failing responses; by prompt category:', items, failingBody),
    advice: sectioned("advice from the local judge's rules, not Aymara's, by prompt category:", items, adviceBody),
  };
}

/** The overall summaries of a report over several runs. */
export function summariseOverall(runs: readonly { name: string; items: readonly ReportItem[] }[]): Summary {
  const all = runs.flatMap((r) => r.items);
  const t = tally(all);
  const perRun = (line: (t: Tally) => string) => runs.map((r) => `- ${quote(r.name, 80)}: ${line(tally(r.items))}`).join('\n');
  const passLine = (x: Tally) => (x.scored ? `${x.passed} of ${x.scored} passed (${pct(x.passed, x.scored)})` : 'nothing scored');
  const failLine = (x: Tally) => (x.scored ? `${x.failed} of ${x.scored} failed` : 'nothing scored');
  const across = `across ${runs.length} runs`;
  return {
    passing: `${REPORT_LABEL} ${across}, ${t.scored ? `${t.passed} of ${t.scored} scored responses passed (${pct(t.passed, t.scored)})` : 'no responses were scored'}.\n${perRun(passLine)}`,
    failing: `${REPORT_LABEL} ${across}, ${t.failed ? `${t.failed} of ${t.scored} scored responses failed (${pct(t.failed, t.scored)})` : 'there were no failing responses'}.\n${perRun(failLine)}`,
    advice: `${REPORT_LABEL} advice from the local judge's rules, not Aymara's, ${across}. ${adviceBody(all)}`,
  };
}
