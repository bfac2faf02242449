/**
 * What the editor shows of a person's review: the "Reviewed by a person" line of a result, the
 * rows of a verdict's history (old → new), and the messages between the explanations page and the
 * extension about them. Server text stays plain data here; each surface makes it safe (the page
 * through textContent, VS Code surfaces through `inert`/`oneLine`).
 */
import { english, formatWhen, verdictLabel, type Translate } from '../present/labels';
import { verdictOf, type ResultItem } from '../results';
import type { AnswerHistory } from '../reviewSchemas';

/** One change of a verdict, as shown. */
export interface HistoryRow {
  /** "2026-12-06 17:02 UTC" */
  when: string;
  /** The person's email, or "someone" when the API does not say. */
  who: string;
  /** "Failed (80%)" */
  from: string;
  /** "Passed (90%)" */
  to: string;
  /** The explanation the change gave (or kept); absent when none. */
  explanation?: string;
}

function verdictText(isPassed: boolean | null | undefined, confidence: number | null | undefined, t: Translate): string {
  const label = typeof isPassed === 'boolean' ? verdictLabel(verdictOf({ is_passed: isPassed }), t) : t('No verdict');
  return typeof confidence === 'number' && Number.isFinite(confidence) ? `${label} (${Math.round(confidence * 100)}%)` : label;
}

/** The history's rows, oldest first (by updated_at; entries with the same time keep their order). */
export function historyRows(entries: readonly AnswerHistory[], t: Translate = english): HistoryRow[] {
  const time = (e: AnswerHistory) => {
    const ms = Date.parse(e.updated_at);
    return Number.isNaN(ms) ? 0 : ms;
  };
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => time(a.e) - time(b.e) || a.i - b.i)
    .map(({ e }) => {
      const row: HistoryRow = {
        when: formatWhen(e.updated_at),
        who: e.updated_by?.email || t('someone'),
        from: verdictText(e.previous_is_passed, e.previous_confidence, t),
        to: verdictText(e.new_is_passed, e.new_confidence, t),
      };
      if (e.new_explanation) row.explanation = e.new_explanation;
      return row;
    });
}

/** "Reviewed by a person on 2026-12-06 17:02 UTC (by a@b.c)"; undefined for a result no person changed. */
export function reviewLine(item: Pick<ResultItem, 'review'>, t: Translate = english): string | undefined {
  const r = item.review;
  if (!r) return undefined;
  return r.by ? t('Reviewed by a person on {0} (by {1})', formatWhen(r.at), r.by) : t('Reviewed by a person on {0}', formatWhen(r.at));
}

// ---------------------------------------------------------------------------------------------
// The explanations page

/** Added to the page's `data` message: the review line of each reviewed result, by key. */
export interface WithReviews {
  reviews?: Record<string, string>;
}

/** The review lines of a run's reviewed results (nothing when none was reviewed). */
export function reviewsOf(items: readonly ResultItem[], t: Translate = english): WithReviews {
  let reviews: Record<string, string> | undefined;
  for (const i of items) {
    const line = reviewLine(i, t);
    if (line !== undefined) (reviews ??= Object.create(null) as Record<string, string>)[i.key] = line;
  }
  return reviews ? { reviews } : {};
}

/** Extension → page: a result's verdict history, or why it could not be read. */
export type HistoryMessage = { type: 'history'; key: string; rows: HistoryRow[] } | { type: 'history'; key: string; error: string };

/** What the explanations page knows of reviews: each reviewed card's line, and the histories received. */
export interface ReviewState {
  lines: Record<string, string>;
  histories: Map<string, HistoryMessage>;
}

/** Page → extension: a card's Override Verdict… or Show Verdict History button. */
export interface ReviewRequest {
  type: 'override' | 'history';
  key: string;
}

/**
 * A card button's message, checked like every message from the page: a plain object with exactly
 * `type` ('override' or 'history') and `key`, which must name a result of the panel's run.
 */
export function parseReviewRequest(raw: unknown, hasKey: (key: string) => boolean): ReviewRequest | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto = Object.getPrototypeOf(raw) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const m = raw as Record<string, unknown>;
  if (Object.keys(m).length !== 2 || (m.type !== 'override' && m.type !== 'history')) return undefined;
  if (typeof m.key !== 'string' || m.key.length > 4096 || !hasKey(m.key)) return undefined;
  return { type: m.type, key: m.key };
}

/** English UI strings of the page's review parts (translated by the extension like WEBVIEW_STRINGS). */
export const REVIEW_STRINGS = [
  'Override verdict…',
  'Show verdict history',
  'Verdict history',
  'No person has changed this verdict yet.',
  '{0} → {1}',
  '{0} by {1}',
] as const;
