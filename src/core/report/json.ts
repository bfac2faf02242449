import type { ComparisonReport } from '../compare/compare';
import type { RunResult } from '../results';
import { escapeActive } from './escape';

/**
 * The CLI's `--format json` document. Field names and order are a public contract, exactly
 * {eval_uuid, eval_run_uuid, status, pass_rate, counts, results}, then `comparison` when the run
 * was compared with a baseline (--baseline); the CLI prints run notes on stderr.
 */
export function toJsonReport(r: RunResult, comparison?: ComparisonReport): object {
  const doc = {
    eval_uuid: r.eval_uuid,
    eval_run_uuid: r.eval_run_uuid,
    status: r.status,
    pass_rate: r.pass_rate,
    counts: { passed: r.counts.passed, failed: r.counts.failed, refused: r.counts.refused, excluded: r.counts.excluded, errored: r.counts.errored },
    results: r.items.map((i) => ({
      prompt_uuid: i.prompt_uuid,
      thread_uuid: i.thread_uuid,
      turn_number: i.turn_number,
      verdict: i.verdict,
      confidence: i.confidence,
      explanation: i.explanation,
      line: i.location?.line ?? null,
      column: i.location?.column ?? null,
      pointer: i.location?.pointer ?? null,
    })),
  };
  return comparison ? { ...doc, comparison } : doc;
}

export function writeJson(r: RunResult, comparison?: ComparisonReport): string {
  return stringifyInert(toJsonReport(r, comparison));
}

/**
 * Indented JSON that is inert on a terminal: JSON.stringify escapes C0 controls; DEL, C1
 * controls, bidi marks and the like (see escapeActive) become \uXXXX escapes too. Outside
 * strings JSON text is ASCII, so only string contents change, and they parse to the same data.
 */
export function stringifyInert(value: unknown): string {
  return escapeActive(JSON.stringify(value, null, 2), (u) => `\\u${u.toString(16).padStart(4, '0')}`) + '\n';
}
