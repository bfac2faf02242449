/**
 * A finished run fetched by its id, to compare with or to pick entries from: GET the run, then
 * every page of its scored responses (bounded and checked as for any run: see paging.ts), matched
 * to a file's entries when one is given so that keys and lines are the file's.
 */
import { isApiError } from '../apiError';
import type { AymaraClient } from '../client';
import type { RunResult } from '../results';
import { matchResults, type EntryLike } from '../scoring';

/** The run asked for cannot serve: unknown id, another eval, or not finished. A usage error. */
export class RunChoiceError extends Error {
  override readonly name = 'RunChoiceError';
}

export interface FetchRunOptions {
  /** How the caller names the run in messages, e.g. "--baseline run". */
  role: string;
  /** The eval the run must belong to, when known. */
  evalUuid?: string;
  /** The file's entries: results are matched to them (entries the run did not score are left out). */
  entries?: readonly EntryLike[];
  signal?: AbortSignal;
}

export async function fetchRunResult(client: AymaraClient, runUuid: string, o: FetchRunOptions): Promise<RunResult> {
  let run;
  try {
    // getRun refuses a reply about another run (it must answer this request).
    run = await client.getRun(runUuid, { signal: o.signal });
  } catch (err) {
    if (isApiError(err) && err.kind === 'not-found') {
      throw new RunChoiceError(`The ${o.role} ${runUuid} does not exist (${err.describe()}). Check the run id and --workspace.`);
    }
    throw err;
  }
  if (o.evalUuid !== undefined && run.eval_uuid !== o.evalUuid) {
    throw new RunChoiceError(`The ${o.role} ${runUuid} belongs to eval ${run.eval_uuid}, not ${o.evalUuid}; pick a run of the same eval.`);
  }
  if (run.status !== 'finished' && run.status !== 'failed') {
    throw new RunChoiceError(`The ${o.role} ${runUuid} is still ${run.status}; use it once it has finished.`);
  }
  const entries = o.entries ?? [];
  const page = await client.listRunResponses(runUuid, { signal: o.signal, sent: entries.map((e) => e.response) });
  // Scores for entries the file lacks are expected here (only_in_baseline), so matching's remarks are not kept.
  const result: RunResult = { ...matchResults(run, page.items, entries, [], 'omit'), notes: [] };
  if (!page.complete) result.notes.push(`The server reported ${page.count} scored responses for the ${o.role} but ${page.items.length} arrived.`);
  return result;
}
