/**
 * Score Next Turn: the answered next turns go into the same run (`eval_run_uuid`, with
 * `continue_thread` so each conversation may go on), and their results are merged into that run's
 * results: same run id, more items.
 *
 * The POST is sent at most once. When its reply is lost after the server may have taken it, the
 * run's responses are read to find out whether the turns are there (each thread waits for one
 * prompt, so a turn is in the run at most once): found, they are adopted; absent, nothing was
 * scored and the person is told so; nothing is ever posted again on its own.
 */
import { ApiError, isApiError } from '../apiError';
import type { AymaraClient } from '../client';
import { computedPassRate, countVerdicts, type ResultItem, type RunResult } from '../results';
import type { EvalRunResult, ScoreRequest, ScoredResponse } from '../schemas';
import { matchResults, type EntryLike, type Progress } from '../scoring';

/** The run the turns were meant for is no longer on the server. */
export class RunGoneError extends Error {
  override readonly name = 'RunGoneError';
  constructor(
    readonly eval_run_uuid: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ScoreTurnsOptions {
  client: AymaraClient;
  /** The file's latest results: the run the turns continue. */
  base: RunResult;
  /** The answered turns to send (see selectNewTurns). */
  turns: readonly EntryLike[];
  /** Every entry of the file as it is now: the earlier turns' results follow their entries. */
  entries: readonly EntryLike[];
  sandbox?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export async function scoreTurns(o: ScoreTurnsOptions): Promise<RunResult> {
  const progress = o.onProgress ?? (() => undefined);
  const runId = o.base.eval_run_uuid;
  const request: ScoreRequest = { eval_uuid: o.base.eval_uuid, eval_run_uuid: runId, continue_thread: true, responses: o.turns.map((e) => e.response) };
  const n = request.responses.length;
  progress({ stage: 'submitting', message: `Sending ${n} next turn${n === 1 ? '' : 's'} to run ${runId}…` });
  const notes: string[] = [];
  let run: EvalRunResult;
  let scored: ScoredResponse[];
  try {
    run = await o.client.scoreResponses(request, { signal: o.signal, sandbox: o.sandbox });
    scored = run.responses && run.responses.length >= n ? run.responses : await taken(o, runId, o.signal);
  } catch (err) {
    if (isApiError(err) && err.kind === 'not-found') throw gone(runId, err);
    if (!isApiError(err) || !err.ambiguous) throw err;
    progress({ stage: 'recovering', message: 'The reply was lost; checking the run for the turns that were sent…' });
    // A cancelled submission still gets its answer: the lookup has its own deadline.
    const signal = err.kind === 'cancelled' ? AbortSignal.timeout(30_000) : o.signal;
    let found: ScoredResponse[];
    try {
      run = await o.client.getRun(runId, { signal, evalUuid: o.base.eval_uuid });
      found = await taken(o, runId, signal);
    } catch (lookup) {
      if (isApiError(lookup) && lookup.kind === 'not-found') throw gone(runId, lookup);
      throw new ApiError({ kind: err.kind, status: err.status, message: `${err.message} Whether the server took the turns could not be checked (${isApiError(lookup) ? lookup.describe() : String(lookup)}); nothing was sent again. Refresh the results to see the run as the server has it.`, ambiguous: true, cause: err });
    }
    if (!found.length) {
      throw new ApiError({
        kind: err.kind,
        status: err.status,
        code: err.code,
        requestId: err.requestId,
        message: `${err.message} Run ${runId} has none of the ${n} turn${n === 1 ? '' : 's'} that were sent, so nothing was scored.`,
        ambiguous: false,
        cause: err,
      });
    }
    notes.push(`The reply to the next turns was lost (${err.describe()}); ${found.length} of ${n} were found in the run and adopted, so nothing was sent twice.`);
    scored = found;
  }
  const fresh = matchResults(run, scored, o.turns, notes);
  progress({ stage: 'done', message: `Scored ${fresh.items.length} next turn${fresh.items.length === 1 ? '' : 's'}.` });
  return mergeTurns(o.base, fresh, run, o.entries);
}

/** The run's scored responses for the turns sent (by prompt and thread), read page by page within bounds. */
async function taken(o: ScoreTurnsOptions, runId: string, signal: AbortSignal | undefined): Promise<ScoredResponse[]> {
  const sent = new Set(o.turns.map((e) => pair(e.response)));
  const page = await o.client.listRunResponses(runId, { signal, expectedCount: o.base.items.length + o.turns.length });
  return page.items.filter((s) => sent.has(pair(s)));
}

function pair(r: { prompt_uuid: string; thread_uuid?: string | null }): string {
  return `${r.prompt_uuid}\u0000${r.thread_uuid ?? ''}`;
}

function gone(runId: string, cause: ApiError): RunGoneError {
  return new RunGoneError(
    runId,
    `Run ${runId} is no longer on the server (${cause.describe()}), so the next turns cannot be added to it. To start the conversations again, remove the later turns from the file (keep the first turns) and score the file.`,
  );
}

/**
 * The run's results with the new turns: the earlier results (placed on the file's entries as it is
 * now) and the new ones, in file order; counts over all; the server's pass rate for the whole run.
 */
export function mergeTurns(base: RunResult, fresh: RunResult, run: Pick<EvalRunResult, 'status' | 'pass_rate' | 'name'>, entries: readonly EntryLike[]): RunResult {
  const now = new Map(entries.map((e) => [e.key, e] as const));
  const replaced = new Set(fresh.items.map((i) => i.key));
  const items: ResultItem[] = [];
  for (const i of base.items) {
    if (replaced.has(i.key)) continue;
    const e = now.get(i.key);
    items.push(e ? { ...i, location: e.location, entry_index: e.index } : { ...i, location: null, entry_index: null });
  }
  items.push(...fresh.items);
  items.sort((a, b) => (a.entry_index ?? Number.MAX_SAFE_INTEGER) - (b.entry_index ?? Number.MAX_SAFE_INTEGER));
  const counts = countVerdicts(items);
  return {
    ...base,
    status: fresh.status,
    run_name: base.run_name ?? run.name ?? null,
    pass_rate: run.status === 'finished' && typeof run.pass_rate === 'number' ? run.pass_rate : computedPassRate(counts),
    completed_at: fresh.completed_at,
    counts,
    items,
    notes: [...base.notes, ...fresh.notes.filter((n) => !base.notes.includes(n))],
  };
}
