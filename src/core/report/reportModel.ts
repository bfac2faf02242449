/**
 * What the eval report view shows, built from an EvalSuiteReport (the server's, untrusted) and
 * the editor's own knowledge of the runs (file and run names). Pure (no vscode): the panel posts
 * the model, the page (media/report.ts) renders every string with textContent and formats
 * nothing itself. Also the allow-list of messages the page may send back.
 *
 * Every server text is cleaned line by line with `oneLine` (controls, bidi overrides and escape
 * sequences removed; line breaks kept between lines) and cut to TEXT_LIMIT characters.
 */
import { english, formatWhen, type Translate } from '../present/labels';
import { oneLine } from '../present/text';
import { formatPercent } from '../results';
import type { EvalSuiteReport } from '../reviewSchemas';
import { categoryLabel, parseCategorySections } from './evalReport';

/** Longest text of one summary, paragraph or table cell shown (characters). */
export const TEXT_LIMIT = 20_000;
/** Most lines kept of one text. */
const LINE_LIMIT = 500;

export type SummaryKind = 'passing' | 'failing' | 'advice';
export const SUMMARY_KINDS: readonly SummaryKind[] = ['passing', 'failing', 'advice'];

/** One row of a part's category table: a category and its three texts ('' where not given). */
export interface CategoryRow {
  /** The tag as the server wrote it (`harmful_content`). */
  category: string;
  /** As a person reads it (`harmful content`). */
  label: string;
  passing: string;
  failing: string;
  advice: string;
}

/** The overall summaries, or one run's. */
export interface ReportPart {
  kind: 'overall' | 'run';
  /** 'overall', or the run's id. */
  id: string;
  heading: string;
  /** Label and value pairs (Eval, Run, Pass rate, File). */
  facts: { label: string; value: string }[];
  /** Each summary's text outside the category sections, as paragraphs ([] when none). */
  texts: Record<SummaryKind, string[]>;
  /** The category sections of the three summaries merged by category, in order of first appearance. */
  categories: CategoryRow[];
}

export interface ReportViewModel {
  reportUuid: string;
  title: string;
  /** "Report score_run_suite_summary.…, finished, 6 Dec 2026 16:00 UTC, 2 runs". */
  subtitle: string;
  /** UI labels, translated (the page has no other strings). */
  labels: Record<'overall' | 'runs' | SummaryKind | 'category' | 'none' | 'export' | 'categories', string>;
  parts: ReportPart[];
}

/** What the editor knows of a run of the report (from its run store). */
export interface LocalRunInfo {
  /** The responses file's name (relative path). */
  file?: string;
  runName?: string | null;
}

export interface ReportModelInput {
  report: EvalSuiteReport;
  local?: (runUuid: string) => LocalRunInfo | undefined;
  t?: Translate;
}

/** Untrusted multi-line text made safe to show: each line through `oneLine`, at most LINE_LIMIT lines and `max` characters. */
export function cleanText(text: string | null | undefined, max = TEXT_LIMIT): string {
  if (!text) return '';
  const lines = text.slice(0, max * 2).split(/\r\n|\r|\n/).slice(0, LINE_LIMIT).map((l) => oneLine(l));
  const joined = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return joined.length > max ? `${joined.slice(0, max - 1)}…` : joined;
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => cleanText(p))
    .filter((p) => p !== '');
}

/** The texts and merged category rows of the three summaries of a run (or of the overall part). */
export function summaryParts(summaries: Record<SummaryKind, string | null | undefined>): Pick<ReportPart, 'texts' | 'categories'> {
  const texts = { passing: [], failing: [], advice: [] } as Record<SummaryKind, string[]>;
  const rows = new Map<string, CategoryRow>();
  for (const kind of SUMMARY_KINDS) {
    const { intro, sections } = parseCategorySections(summaries[kind]);
    texts[kind] = paragraphs(intro);
    for (const s of sections) {
      let row = rows.get(s.category);
      if (!row) {
        row = { category: oneLine(s.category, 100), label: oneLine(categoryLabel(s.category), 100), passing: '', failing: '', advice: '' };
        rows.set(s.category, row);
      }
      const text = cleanText(s.text);
      row[kind] = row[kind] ? `${row[kind]}\n\n${text}` : text;
    }
  }
  return { texts, categories: [...rows.values()] };
}

/** The view of a report: the overall part (when the report has overall summaries) and one part per run. */
export function buildReportModel(input: ReportModelInput): ReportViewModel {
  const t = input.t ?? english;
  const r = input.report;
  const parts: ReportPart[] = [];
  const overall = { passing: r.overall_passing_responses_summary, failing: r.overall_failing_responses_summary, advice: r.overall_improvement_advice };
  if (Object.values(overall).some((v) => v && v.trim())) {
    parts.push({ kind: 'overall', id: 'overall', heading: t('Overall'), facts: [{ label: t('Runs'), value: String(r.eval_run_reports.length) }], ...summaryParts(overall) });
  }
  for (const rr of r.eval_run_reports) {
    const run = rr.eval_run;
    const local = input.local?.(rr.eval_run_uuid);
    const runId = oneLine(rr.eval_run_uuid, 200);
    const name = oneLine(local?.runName || run.name || '', 200);
    const evalName = oneLine(run.evaluation?.name ?? '', 200);
    const evalType = oneLine(run.evaluation?.eval_type ?? '', 60);
    const facts: { label: string; value: string }[] = [];
    if (local?.file) facts.push({ label: t('File'), value: oneLine(local.file, 300) });
    facts.push({ label: t('Eval'), value: [evalName, evalType ? `(${evalType})` : '', evalName ? '' : oneLine(run.eval_uuid, 200)].filter(Boolean).join(' ') });
    facts.push({ label: t('Run'), value: runId });
    if (typeof run.pass_rate === 'number') facts.push({ label: t('Pass rate'), value: formatPercent(run.pass_rate) });
    parts.push({
      kind: 'run',
      id: rr.eval_run_uuid,
      heading: name || (local?.file ? t('Run of {0}', oneLine(local.file, 200)) : runId),
      facts,
      ...summaryParts({ passing: rr.passing_responses_summary, failing: rr.failing_responses_summary, advice: rr.improvement_advice }),
    });
  }
  const count = r.eval_run_reports.length;
  return {
    reportUuid: r.eval_suite_report_uuid,
    title: count === 1 ? t('Aymara report: {0}', parts.at(-1)?.heading ?? '') : t('Aymara report: {0} runs', count),
    subtitle: [t('Report {0}', oneLine(r.eval_suite_report_uuid, 200)), oneLine(r.status, 40), formatWhen(r.created_at)].join(' · '),
    labels: {
      overall: t('Overall'),
      runs: t('Runs'),
      passing: t('Passing summary'),
      failing: t('Failing summary'),
      advice: t('Improvement advice'),
      category: t('Category'),
      categories: t('By prompt category'),
      none: t('None given.'),
      export: t('Export as Markdown'),
    },
    parts,
  };
}

/** Messages the report page may send; anything else is ignored. */
export type ReportPageMessage = { type: 'ready' } | { type: 'export' } | { type: 'error'; message: string };

/** A message from the page, checked against the allow-list (exact keys, known type); undefined otherwise. */
export function parseReportMessage(raw: unknown): ReportPageMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto = Object.getPrototypeOf(raw) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  if ((m.type === 'ready' || m.type === 'export') && keys === 'type') return { type: m.type };
  if (m.type === 'error' && keys === 'message,type' && typeof m.message === 'string') return { type: 'error', message: oneLine(m.message, 500) };
  return undefined;
}

/** What the host posts to the page. */
export type ReportHostMessage = { type: 'report'; model: ReportViewModel };
