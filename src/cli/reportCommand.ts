/**
 * `aymara-eval report <run>… [--format markdown|json] [--output <path>]`: asks the API for an eval
 * report over finished runs, waits for it (progress on stderr; the signal, Ctrl+C, ends the wait)
 * and prints it: Markdown (core/report/evalReport) or the EvalSuiteReport as received (validated).
 *
 * Exit codes: 0 printed; 2 usage or input (nothing sent); 3 API or network failure.
 */
import { resolve } from 'node:path';
import type { AymaraClient } from '../core/client';
import { isApiError, type ApiErrorKind } from '../core/apiError';
import { writeReportMarkdown } from '../core/report/evalReport';
import { stringifyInert } from '../core/report/json';
import { line } from '../core/report/text';
import { createReport, waitForReport, MAX_REPORT_RUNS } from '../core/review';
import type { Output } from './output';

const EXIT = { passed: 0, usage: 2, api: 3 } as const;

/** Options of "score"/"compare" that mean nothing to "report": refused rather than silently ignored. */
const OTHER_OPTIONS = ['eval', 'sandbox', 'baseline', 'only-failed-from', 'fail-on', 'min-pass-rate', 'file', 'max-file-mb'] as const;

/** Next steps that fit a report better than the general ones (which speak of evals). */
const REPORT_NEXT_STEP: Partial<Record<ApiErrorKind, string>> = {
  'not-found': 'Check the run ids: each must be a run of this workspace (see --workspace).',
  conflict: 'Wait until every run is finished, then ask again.',
};

export interface ReportCommandOptions {
  runs: string[];
  values: { format?: string; output?: string } & Partial<Record<(typeof OTHER_OPTIONS)[number], unknown>>;
  cwd: string;
  /** Longest total wait for the report to be written, ms. */
  waitMs: number;
  out: Output;
  /** True when the report can be written to this path (its folder exists, it is not a folder). */
  writable: (path: string) => boolean;
  connect: () => AymaraClient | undefined;
  describeFailure: (err: unknown) => string;
  signal?: AbortSignal;
}

export async function reportCommand(c: ReportCommandOptions): Promise<number> {
  const o = c.out;
  const usage = (text: string) => {
    o.err(text + ' Nothing was sent.\n');
    return EXIT.usage;
  };
  const format = c.values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') return usage(line`aymara-eval: report writes markdown or json (got --format ${format}).`);
  const stray = OTHER_OPTIONS.filter((k) => c.values[k] !== undefined && c.values[k] !== false);
  if (stray.length) return usage(`aymara-eval: ${stray.map((k) => `--${k}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to "report".`);
  if (!c.runs.length) return usage('aymara-eval: report needs at least one run id: aymara-eval report <run>… .');
  if (c.runs.length > MAX_REPORT_RUNS) return usage(`aymara-eval: a report covers at most ${MAX_REPORT_RUNS} runs (got ${c.runs.length}).`);
  const blank = c.runs.findIndex((r) => !r.trim());
  if (blank >= 0) return usage(`aymara-eval: run id ${blank + 1} is empty; give the ids of finished runs.`);
  const repeated = c.runs.find((r, i) => c.runs.indexOf(r) !== i);
  if (repeated !== undefined) return usage(line`aymara-eval: run ${repeated} is given twice; give each run once.`);
  const outPath = c.values.output ? resolve(c.cwd, c.values.output) : undefined;
  if (outPath && !c.writable(outPath)) return usage(line`aymara-eval: cannot write --output ${c.values.output}: its folder does not exist or it is a folder.`);

  const client = c.connect();
  if (!client) return EXIT.usage;
  let text: string;
  try {
    const created = await createReport(client, c.runs, { signal: c.signal });
    o.err(line`report ${created.eval_suite_report_uuid}: ${created.status}` + '\n');
    let last = created.status;
    const report = await waitForReport(client, created.eval_suite_report_uuid, {
      signal: c.signal,
      timeoutMs: c.waitMs,
      onProgress: (r, poll) => {
        if (r.status !== last || poll % 10 === 0) o.err(line`report ${r.eval_suite_report_uuid}: ${r.status}` + (r.remaining_reports ? line` (${r.remaining_reports} run reports left)` : '') + '\n');
        last = r.status;
      },
    });
    const shown = o.redact(report);
    text = format === 'json' ? stringifyInert(shown) : writeReportMarkdown(shown);
  } catch (err) {
    const next = isApiError(err) ? REPORT_NEXT_STEP[err.kind] : undefined;
    o.err((next && isApiError(err) ? line`aymara-eval: ${err.describe()}` + ` ${next}` : c.describeFailure(err)) + '\n');
    return isApiError(err) && err.kind === 'validation' && err.status === undefined ? EXIT.usage : EXIT.api;
  } finally {
    await client.close();
  }
  if (!outPath) {
    o.out(text);
    return EXIT.passed;
  }
  try {
    o.file(outPath, text);
  } catch (err) {
    o.err(line`aymara-eval: could not write ${c.values.output}: ${(err as Error).message}` + '\n');
    return EXIT.usage;
  }
  o.err(line`aymara-eval: report written to ${c.values.output}` + '\n');
  return EXIT.passed;
}
