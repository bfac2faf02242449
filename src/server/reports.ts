/**
 * Eval reports (EvalSuiteReport, aymara-ai-sdk 1.2.1): created from finished runs with
 * `POST /v2/eval-reports`, asynchronous like runs created with `POST /v2/eval-runs` (`created`,
 * then `processing`, then `finished` after `asyncPolls` GETs; processing / never-finish /
 * run-fails faults shape it the same way). The text is written when the report is created, from
 * the runs' verdicts and explanations at that moment (see reportText.ts), and shown once finished.
 * The overall summaries are set only for a report over two or more runs, as Aymara does.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError, invalidBody, invalidRequest, notFound, type FieldProblem } from './http';
import { summariseOverall, summariseRun, type ReportItem, type Summary } from './reportText';
import { startPending, type Pollable, type RunRecord, type Store } from './store';
import type { ApiEvalRunReport, ApiEvalSuiteReport, Fault } from './types';

export const MAX_REPORT_RUNS = 100;
export const MAX_REPORTS = 1000;

export const ReportCreateBody = z.object({
  eval_run_uuids: z
    .array(z.string().min(1, 'must not be empty'))
    .min(1, 'name at least one eval run')
    .max(MAX_REPORT_RUNS, `name at most ${MAX_REPORT_RUNS} eval runs`),
  /** aymara-ai-sdk 1.3.0; accepted and without effect here (the local server never misses a turn). */
  proceed_with_missing_turns: z.boolean().nullish(),
});

interface ReportRecord extends Pollable {
  readonly id: string;
  readonly createdAt: string;
  readonly runReports: ApiEvalRunReport[];
  readonly overall: Summary | null;
}

function itemsOf(run: RunRecord): ReportItem[] {
  return run.responses.map((r) => ({
    prompt_uuid: r.prompt_uuid,
    category: run.evalDef.find(r.prompt_uuid)?.api.category ?? null,
    is_passed: r.is_passed,
    ai_refused: r.ai_refused,
    explanation: r.explanation,
    manually_updated: r.manually_updated === true,
  }));
}

export class Reports {
  private readonly reports = new Map<string, ReportRecord>();

  constructor(private readonly store: Store) {}

  clear(): void {
    this.reports.clear();
  }

  get(id: string): ReportRecord {
    const r = this.reports.get(id);
    if (!r) throw notFound('Eval report', id);
    return r;
  }

  delete(id: string): void {
    if (!this.reports.delete(id)) throw notFound('Eval report', id);
  }

  /** Newest first. */
  list(): ReportRecord[] {
    return [...this.reports.values()].reverse();
  }

  /** Validates the body (422), the runs (404 unknown, 409 not finished) and stores a new report. */
  create(body: unknown, fault: Fault | undefined, asyncPolls: number): ReportRecord {
    const parsed = ReportCreateBody.safeParse(body);
    if (!parsed.success) {
      throw invalidBody(parsed.error.issues);
    }
    const ids = parsed.data.eval_run_uuids;
    const dupes: FieldProblem[] = [];
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) dupes.push({ field: `eval_run_uuids.${i}`, message: `repeats "${id}"` });
    });
    if (dupes.length) throw invalidRequest(dupes);
    const runs = ids.map((id, i) => {
      const run = this.store.getRun(id);
      if (!run) throw notFound('Eval run', id, `eval_run_uuids.${i}`);
      if (run.phase !== 'finished') {
        throw new ApiError(409, 'resource.conflict', `Eval run "${id}" is ${run.phase}; a report needs finished runs.`, { field: `eval_run_uuids.${i}`, status: run.phase });
      }
      return run;
    });
    if (this.reports.size >= MAX_REPORTS) {
      throw new ApiError(409, 'resource.conflict', `The local server holds at most ${MAX_REPORTS} reports; delete some or reset it.`, { limit: MAX_REPORTS });
    }

    const at = new Date().toISOString();
    const perRun = runs.map((run) => ({ run, items: itemsOf(run) }));
    const rec: ReportRecord = {
      id: `score_run_suite_summary.${randomUUID()}`,
      createdAt: at,
      updatedAt: at,
      phase: 'created',
      polls: null,
      runReports: perRun.map(({ run, items }) => {
        const s = summariseRun(items, run.evalDef.api.eval_type === 'accuracy');
        return {
          eval_run_report_uuid: `score_run_summary.${randomUUID()}`,
          eval_run_uuid: run.id,
          eval_run: this.store.runJson(run, null),
          passing_responses_summary: s.passing,
          failing_responses_summary: s.failing,
          improvement_advice: s.advice,
        };
      }),
      overall: runs.length > 1 ? summariseOverall(perRun.map(({ run, items }) => ({ name: run.name, items }))) : null,
    };
    startPending(rec, fault, asyncPolls);
    this.reports.set(rec.id, rec);
    return rec;
  }

  json(rec: ReportRecord): ApiEvalSuiteReport {
    const done = rec.phase === 'finished';
    return {
      eval_suite_report_uuid: rec.id,
      status: rec.phase,
      created_at: rec.createdAt,
      updated_at: rec.updatedAt,
      eval_run_reports: done ? rec.runReports : [],
      overall_passing_responses_summary: done ? (rec.overall?.passing ?? null) : null,
      overall_failing_responses_summary: done ? (rec.overall?.failing ?? null) : null,
      overall_improvement_advice: done ? (rec.overall?.advice ?? null) : null,
      remaining_reports: null,
    };
  }
}
