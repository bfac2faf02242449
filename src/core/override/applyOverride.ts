/**
 * The rule for a verdict a person changed and Aymara accepted: how the accepted reply changes a
 * RunResult. Pure (no I/O, no clock): the caller passes the time to use when the reply carries none.
 *
 * - Only the item with the given key changes; every other item, and the run object itself, stay
 *   as they were (a new RunResult is returned: views cache per run object).
 * - Each field comes from the reply when the reply carries a usable value, else from what was
 *   sent, else it stays: the server's word wins, but a sparse reply does not erase a field.
 * - The item is marked as reviewed by a person: when (manually_updated_at, else `now`) and by
 *   whom (manually_updated_by.email, else null).
 * - Counts are recounted from the items, and the pass rate is derived from them the way the API
 *   reports it when it gives none (`computedPassRate`: passed and refused over passed, refused and
 *   failed; errored and excluded are not judged). The server's own pass rate for the run described
 *   the run before the change, so it is not kept. This is the same rule as a merged view's.
 */
import { computedPassRate, countVerdicts, verdictOf, type ResultItem, type RunResult } from '../results';
import type { ReviewScoredResponse } from '../reviewSchemas';
import type { VerdictOverride } from '../review';

/** When an item's verdict was last set by a person, and by whom (an email, when the API says). */
export interface Review {
  at: string;
  by: string | null;
}

/** What was sent and what the API replied to it. */
export interface AcceptedOverride {
  sent: VerdictOverride;
  reply: Pick<ReviewScoredResponse, 'is_passed' | 'ai_refused' | 'exclude_from_scoring' | 'confidence' | 'explanation' | 'manually_updated_at' | 'manually_updated_by'>;
}

const isFraction = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1;

/**
 * The review mark of a scored response as the API lists it (a run read again, e.g. Refresh
 * Results): set when the response says a person changed it (manually_updated with a time).
 */
export function reviewOfResponse(s: Record<string, unknown>): { review: Review } | undefined {
  if (s.manually_updated !== true || typeof s.manually_updated_at !== 'string' || !s.manually_updated_at) return undefined;
  const by = s.manually_updated_by;
  const email = typeof by === 'object' && by !== null ? (by as Record<string, unknown>).email : undefined;
  return { review: { at: s.manually_updated_at, by: typeof email === 'string' && email ? email : null } };
}

/** The item as the accepted override leaves it. */
export function overriddenItem(item: ResultItem, accepted: AcceptedOverride, now: string): ResultItem {
  const { sent, reply } = accepted;
  const isPassed = typeof reply.is_passed === 'boolean' ? reply.is_passed : sent.is_passed;
  const verdict =
    isPassed === undefined
      ? item.verdict
      : verdictOf({ is_passed: isPassed, ai_refused: reply.ai_refused ?? item.verdict === 'refused', exclude_from_scoring: reply.exclude_from_scoring ?? false });
  const confidence = isFraction(reply.confidence) ? reply.confidence : isFraction(sent.confidence) ? sent.confidence : item.confidence;
  const explanation = typeof reply.explanation === 'string' && reply.explanation.trim() ? reply.explanation : (sent.explanation ?? item.explanation);
  const at = typeof reply.manually_updated_at === 'string' && reply.manually_updated_at ? reply.manually_updated_at : now;
  const by = reply.manually_updated_by?.email || null;
  return { ...item, verdict, confidence, explanation, review: { at, by } };
}

/**
 * The run with one item's accepted override applied; undefined when the run has no item with
 * that key (the results changed meanwhile: nothing to apply it to).
 */
export function applyOverride(run: RunResult, key: string, accepted: AcceptedOverride, now: string): RunResult | undefined {
  const at = run.items.findIndex((i) => i.key === key);
  if (at < 0) return undefined;
  const items = run.items.slice();
  items[at] = overriddenItem(run.items[at]!, accepted, now);
  const counts = countVerdicts(items);
  return { ...run, items, counts, pass_rate: computedPassRate(counts) };
}
