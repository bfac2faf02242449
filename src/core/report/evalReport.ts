import { formatWhen } from '../present/labels';
import { formatPercent } from '../results';
import type { EvalSuiteReport } from '../reviewSchemas';
import { mdText } from './markdown';

/**
 * An eval report (EvalSuiteReport) as Markdown. Summaries of accuracy evals hold one
 * `<category>…</category>` section per prompt category (the form Aymara writes and its SDK
 * parses); those become a table. Every server text passes through `mdText`, so none of it is
 * Markdown; only the headings and table syntax here are.
 */

export interface CategorySection {
  category: string;
  text: string;
}

export interface SectionedText {
  /** The text outside the category sections, trimmed ('' when none). */
  intro: string;
  sections: CategorySection[];
}

const SECTION = /<([A-Za-z0-9_]+)>([\s\S]*?)<\/\1>/g;

/** Splits a summary into its `<category>…</category>` sections and the text around them. */
export function parseCategorySections(text: string | null | undefined): SectionedText {
  const src = text ?? '';
  const sections: CategorySection[] = [];
  const intro = src
    .replace(SECTION, (_all, category: string, body: string) => {
      sections.push({ category, text: body.trim() });
      return '\n\n';
    })
    .replace(/[ \t]*\n\s*\n\s*/g, '\n\n')
    .trim();
  return { intro, sections };
}

/** A category tag as a person reads it: `harmful_content` → `harmful content`. */
export function categoryLabel(tag: string): string {
  return tag.replace(/_+/g, ' ').trim();
}

/** Paragraphs of server text (split at blank lines), each made literal Markdown. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => mdText(p))
    .filter((p) => p !== '')
    .flatMap((p) => [p, '']);
}

function summary(title: string, text: string | null | undefined): string[] {
  const { intro, sections } = parseCategorySections(text);
  const out = [`### ${title}`, ''];
  out.push(...paragraphs(intro));
  if (sections.length) {
    out.push('| Category | ' + title + ' |', '| --- | --- |');
    for (const s of sections) out.push(`| ${mdText(categoryLabel(s.category))} | ${mdText(s.text) || ' '} |`);
    out.push('');
  }
  if (!intro && !sections.length) out.push('_None given._', '');
  return out;
}

/** The report as Markdown: its facts, the overall summaries (when given), then each run's. */
export function writeReportMarkdown(r: EvalSuiteReport): string {
  const out: string[] = ['# Aymara eval report', ''];
  out.push(`- Report: ${mdText(r.eval_suite_report_uuid)}, ${mdText(r.status)}`, `- Created: ${mdText(formatWhen(r.created_at))}`, `- Runs: ${r.eval_run_reports.length}`, '');
  const overall = [r.overall_passing_responses_summary, r.overall_failing_responses_summary, r.overall_improvement_advice];
  if (overall.some((t) => t && t.trim())) {
    out.push('## Overall', '');
    out.push(...summary('Passing summary', overall[0]), ...summary('Failing summary', overall[1]), ...summary('Improvement advice', overall[2]));
  }
  for (const rr of r.eval_run_reports) {
    const run = rr.eval_run;
    const name = run.name ?? run.evaluation?.name;
    out.push(`## Run ${name ? `${mdText(name)} (${mdText(rr.eval_run_uuid)})` : mdText(rr.eval_run_uuid)}`, '');
    const evalName = run.evaluation?.name ? `${mdText(run.evaluation.name)} (${mdText(run.eval_uuid)})` : mdText(run.eval_uuid);
    out.push(`- Eval: ${evalName}`);
    if (run.pass_rate !== null && run.pass_rate !== undefined) out.push(`- Pass rate: ${mdText(formatPercent(run.pass_rate))}`);
    out.push('');
    out.push(
      ...summary('Passing summary', rr.passing_responses_summary),
      ...summary('Failing summary', rr.failing_responses_summary),
      ...summary('Improvement advice', rr.improvement_advice),
    );
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
