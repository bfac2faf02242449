/**
 * What a failed request to create an eval report means for the person who asked for it:
 * - which of the runs the server refused (`details.field` such as `eval_run_uuids.1`, on a 404
 *   for a run it does not have or a 409 for a run that is not finished), and that run's status;
 * - whether the report may have been created even so (the reply was lost, cut, garbled or a 5xx),
 *   in which case the request must not be sent again without the person deciding to.
 */
import { isApiError } from '../apiError';

export type CreateFailure =
  /** The server refused one run: index into the runs sent, and its status when it said (409). */
  | { kind: 'run'; index: number; reason: 'not-found' | 'not-finished'; status?: string }
  /** The POST may have been processed: nothing is known about a report, nothing may be re-sent blindly. */
  | { kind: 'maybe-created' }
  /** Anything else: the request was refused as a whole, or never left. */
  | { kind: 'other' };

/** The index named by `details.field` (`eval_run_uuids.<n>`), when it is one of the `count` runs sent. */
export function refusedRunIndex(details: unknown, count: number): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const field = (details as Record<string, unknown>).field;
  const m = typeof field === 'string' ? /^eval_run_uuids\.(\d{1,4})$/.exec(field) : null;
  const index = m ? Number(m[1]) : NaN;
  return Number.isInteger(index) && index >= 0 && index < count ? index : undefined;
}

/** Classifies an error thrown by `createReport` for a request over `count` runs. */
export function classifyCreateFailure(err: unknown, count: number): CreateFailure {
  if (!isApiError(err)) return { kind: 'other' };
  if (err.kind === 'not-found' || err.kind === 'conflict') {
    const index = refusedRunIndex(err.details, count);
    if (index !== undefined) {
      const status = (err.details as Record<string, unknown>).status;
      return { kind: 'run', index, reason: err.kind === 'not-found' ? 'not-found' : 'not-finished', ...(typeof status === 'string' ? { status } : {}) };
    }
  }
  // A POST that may have reached the server and been processed: a lost or cut reply (the client
  // marks those ambiguous), a 5xx, or a 2xx reply that could not be read.
  if (err.ambiguous || (err.status !== undefined && err.status >= 500) || err.kind === 'invalid-reply' || err.kind === 'too-large') return { kind: 'maybe-created' };
  return { kind: 'other' };
}
