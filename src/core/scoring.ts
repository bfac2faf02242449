/**
 * Run orchestration: submit → (recover after an ambiguous failure) → poll until finished →
 * page every scored response → match them to the file's entries → RunResult.
 *
 * The score-responses POST carries no idempotency key, so it is sent at most once per
 * submission. Each submission carries a unique run `name`; when the reply is lost after the
 * server may have processed it, the run is looked up by that name and adopted.
 */
import { reviewOfResponse } from './override/applyOverride';
import { ApiError, isApiError } from './apiError';
import { RunPendingError } from './runPending';
import type { AymaraClient } from './client';
import { EXTRA_SCORES_ALLOWED } from './paging';
import {
  countVerdicts,
  computedPassRate,
  responseKey,
  verdictOf,
  type EntryLocation,
  type ResultItem,
  type RunResult,
} from './results';
import type { EvalResponse, EvalRunResult, ScoreRequest, ScoredResponse } from './schemas';

/** The part of a responses-file entry that scoring needs (structurally matches responsesFile's Entry). */
export interface EntryLike {
  index: number;
  key: string;
  response: EvalResponse;
  location: EntryLocation;
}

export type Stage = 'uploading' | 'submitting' | 'recovering' | 'waiting' | 'fetching' | 'done';

export interface Progress {
  stage: Stage;
  message: string;
  done?: number;
  total?: number;
}

export interface PollOptions {
  /** First wait between polls. Default 1 s. */
  initialMs?: number;
  /** Longest wait between polls. Default 10 s. */
  maxMs?: number;
  /** Give up waiting after this long (the run is kept). Default 10 min. */
  timeoutMs?: number;
}

export interface ScoreRunOptions {
  client: AymaraClient;
  /** The request body; `name` should be unique per submission (see uniqueRunName). */
  request: ScoreRequest;
  entries: readonly EntryLike[];
  sandbox?: boolean;
  /** 'sync' uses score-responses (default); 'async' creates the run and polls. */
  mode?: 'sync' | 'async';
  signal?: AbortSignal;
  poll?: PollOptions;
  onProgress?: (p: Progress) => void;
  /**
   * Awaited after the request body is built and before it is sent (see SubmitOptions); if it
   * rejects, nothing is sent.
   */
  beforeSend?: PromiseLike<unknown>;
  /**
   * Called as soon as the run id is known, before waiting on it, so a caller can persist it. The
   * results are fetched and matched meanwhile; the run is returned only once it is done.
   */
  onRunKnown?: (run: { eval_run_uuid: string; eval_uuid: string; name: string | null }) => void | Promise<void>;
}

/** A name no other submission will carry: the file's label, local time and a random tag. */
export function uniqueRunName(label: string, now = new Date(), random = Math.random): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  const tag = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  return `${label.slice(0, 80)} · ${stamp} · ${tag}`;
}

export async function scoreRun(o: ScoreRunOptions): Promise<RunResult> {
  const notes: string[] = [];
  const progress = o.onProgress ?? (() => undefined);
  const total = o.request.responses.length;
  progress({ stage: 'submitting', message: `Sending ${total} response${total === 1 ? '' : 's'} for scoring…` });

  let run: EvalRunResult;
  const submittedAt = Date.now();
  try {
    const submit = { signal: o.signal, sandbox: o.sandbox, beforeSend: o.beforeSend };
    run = o.mode === 'async' ? await o.client.createRun(o.request, submit) : await o.client.scoreResponses(o.request, submit);
  } catch (err) {
    if (!isApiError(err) || !err.ambiguous || !o.request.name) throw err;
    progress({ stage: 'recovering', message: 'The reply was lost; checking whether the server created the run…' });
    const found = await findRunByName(o.client, o.request.eval_uuid, o.request.name, err.kind === 'cancelled' ? undefined : o.signal, 1000, submittedAt);
    if (!found) {
      throw new ApiError({
        kind: err.kind,
        status: err.status,
        code: err.code,
        requestId: err.requestId,
        message: `${err.message} No run named "${o.request.name}" exists on the server, so nothing was scored.`,
        ambiguous: false,
        cause: err,
      });
    }
    await o.onRunKnown?.({ eval_run_uuid: found.eval_run_uuid, eval_uuid: found.eval_uuid, name: found.name ?? null });
    if (err.kind === 'cancelled') {
      throw new RunPendingError(found.eval_run_uuid, `Cancelled, but the server had already created run ${found.eval_run_uuid}; it was kept and can be refreshed.`, true);
    }
    notes.push(`The reply to the submission was lost (${err.describe()}); the run it created was found by its name and adopted, so nothing was sent twice.`);
    run = found;
  }

  // Saved while the results are fetched and matched; done before the run is returned, so what the
  // caller saves next (the results) always comes after it.
  const known = Promise.resolve(o.onRunKnown?.({ eval_run_uuid: run.eval_run_uuid, eval_uuid: run.eval_uuid, name: run.name ?? null }));
  known.catch(() => undefined);
  let result: RunResult;
  try {
    result = await finishRun({ ...o, run, notes, expected: total });
  } catch (err) {
    await known.catch(() => undefined);
    throw err;
  }
  await known;
  return result;
}

/**
 * Pick up a run that is already known (after a reload mid-run, or Refresh): poll it to the end,
 * page its responses and match them.
 */
export async function resumeRun(o: {
  client: AymaraClient;
  eval_run_uuid: string;
  /** The eval the run was scored against, when known: a reply about another eval is refused. */
  eval_uuid?: string;
  entries: readonly EntryLike[];
  signal?: AbortSignal;
  poll?: PollOptions;
  onProgress?: (p: Progress) => void;
}): Promise<RunResult> {
  const run = await o.client.getRun(o.eval_run_uuid, { signal: o.signal, evalUuid: o.eval_uuid });
  return finishRun({ ...o, run, notes: [], expected: o.entries.length });
}

async function finishRun(o: {
  client: AymaraClient;
  run: EvalRunResult;
  entries: readonly EntryLike[];
  notes: string[];
  expected: number;
  signal?: AbortSignal;
  poll?: PollOptions;
  onProgress?: (p: Progress) => void;
}): Promise<RunResult> {
  const progress = o.onProgress ?? (() => undefined);
  let run = o.run;
  if (run.status !== 'finished' && run.status !== 'failed') run = await waitForRun(o.client, run, o.poll ?? {}, o.signal, progress);

  let scored: ScoredResponse[];
  const inline = run.responses;
  if (inline && inline.length > o.expected + EXTRA_SCORES_ALLOWED) {
    throw new ApiError({
      kind: 'invalid-reply',
      message: `The API's reply for run ${run.eval_run_uuid} is inconsistent: it has ${inline.length} scored responses, but only ${o.expected} were sent. Nothing was shown.`,
    });
  }
  if (run.status === 'finished' && inline && inline.length >= o.expected) {
    scored = inline;
  } else {
    progress({ stage: 'fetching', message: 'Fetching scored responses…', done: 0 });
    const page = await o.client.listRunResponses(run.eval_run_uuid, {
      signal: o.signal,
      expectedCount: o.expected,
      // The file's responses in the order they were sent: echoed contents share their strings.
      sent: o.entries.map((e) => e.response),
      onProgress: (done, total) => progress({ stage: 'fetching', message: `Fetching scored responses (${done}/${total})…`, done, total }),
    });
    scored = page.items;
    if (!page.complete) o.notes.push(`The server reported ${page.count} scored responses but ${page.items.length} arrived.`);
  }
  if (run.status === 'failed') o.notes.push('The server marked this run as failed; responses without a score are shown as errored.');
  const result = matchResults(run, scored, o.entries, o.notes);
  progress({ stage: 'done', message: `Scored ${result.items.length} responses.` });
  return result;
}

async function waitForRun(
  client: AymaraClient,
  start: EvalRunResult,
  poll: PollOptions,
  signal: AbortSignal | undefined,
  progress: (p: Progress) => void,
): Promise<EvalRunResult> {
  const began = Date.now();
  const timeout = poll.timeoutMs ?? 10 * 60_000;
  let interval = poll.initialMs ?? 1_000;
  let run = start;
  while (run.status !== 'finished' && run.status !== 'failed') {
    const elapsed = Date.now() - began;
    if (elapsed >= timeout) {
      throw new RunPendingError(
        run.eval_run_uuid,
        `Run ${run.eval_run_uuid} is still ${run.status} after ${Math.round(elapsed / 1000)} s. It was kept; refresh it later to fetch its results.`,
      );
    }
    progress({
      stage: 'waiting',
      message: `Waiting for the server to finish scoring (${run.status}, ${Math.round(elapsed / 1000)} s)…`,
      done: run.num_responses_scored ?? undefined,
      total: run.num_prompts ?? undefined,
    });
    try {
      await sleep(Math.min(interval, Math.max(0, timeout - elapsed)), signal);
    } catch {
      throw new RunPendingError(run.eval_run_uuid, `Stopped waiting for run ${run.eval_run_uuid}; it continues on the server and can be refreshed.`, true);
    }
    interval = Math.min(interval * 1.5, poll.maxMs ?? 10_000);
    try {
      run = await client.getRun(run.eval_run_uuid, { signal, evalUuid: start.eval_uuid });
    } catch (err) {
      if (isApiError(err) && err.kind === 'cancelled') {
        throw new RunPendingError(run.eval_run_uuid, `Stopped waiting for run ${run.eval_run_uuid}; it continues on the server and can be refreshed.`, true);
      }
      throw err;
    }
  }
  return run;
}

/**
 * Look for the run a lost submission created, by its unique name and eval; newest pages first,
 * bounded by `maxRuns` and by the number of page requests, whatever the server's count says.
 */
export async function findRunByName(
  client: AymaraClient,
  evalUuid: string,
  name: string,
  signal?: AbortSignal,
  maxRuns = 1000,
  notBefore?: number,
): Promise<EvalRunResult | undefined> {
  const s = signal ?? AbortSignal.timeout(30_000);
  // A run created well before this submission is never ours, even with the same name (clocks may differ a little).
  const earliest = notBefore === undefined ? -Infinity : notBefore - 10 * 60_000;
  const pageSize = 100;
  let offset = 0;
  for (let pages = 1; ; pages++) {
    const page = await client.listRuns(evalUuid, { limit: pageSize, offset }, { signal: s });
    const hit = page.items.find((r) => r.name === name && r.eval_uuid === evalUuid && !(Date.parse(r.created_at) < earliest));
    if (hit) return hit;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.count || offset >= maxRuns || pages >= Math.ceil(maxRuns / pageSize)) return undefined;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function describeContent(r: EvalResponse): string | null {
  const c = r.content;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object') return `[${r.content_type} file ${c.local_file_path ?? c.file_uuid ?? c.remote_file_path ?? ''}]`;
  return null;
}

/**
 * Match scored responses to file entries by (prompt, thread, turn), falling back to (prompt, turn)
 * because the server assigns thread ids to first turns. Entries without a score become `errored`
 * (or `excluded` when they were excluded), unless `unscored` is 'omit' (a run fetched to compare
 * with, which may not have scored every entry of today's file); scores for prompts the file lacks
 * are kept with no location.
 */
export function matchResults(run: EvalRunResult, scored: readonly ScoredResponse[], entries: readonly EntryLike[], notes: string[] = [], unscored: 'errored' | 'omit' = 'errored'): RunResult {
  const byKey = new Map<string, EntryLike>();
  for (const e of entries) byKey.set(e.key, e);
  // Built on the first score whose exact key has no free entry (usually never).
  let byPromptTurn: Map<string, EntryLike[]> | undefined;
  const promptTurnIndex = (): Map<string, EntryLike[]> => {
    const m = new Map<string, EntryLike[]>();
    for (const e of entries) {
      const pt = `${e.response.prompt_uuid}\u0000${e.response.turn_number}`;
      const list = m.get(pt);
      if (list) list.push(e);
      else m.set(pt, [e]);
    }
    return m;
  };
  const claimed = new Set<number>();
  const items: ResultItem[] = [];
  let extra = 0;
  for (const s of scored) {
    let e = byKey.get(responseKey(s));
    if (!e || claimed.has(e.index)) {
      byPromptTurn ??= promptTurnIndex();
      e = byPromptTurn.get(`${s.prompt_uuid}\u0000${s.turn_number ?? 1}`)?.find((c) => !claimed.has(c.index));
    }
    if (e) claimed.add(e.index);
    else extra++;
    items.push({
      key: e?.key ?? responseKey(s),
      prompt_uuid: s.prompt_uuid,
      thread_uuid: s.thread_uuid ?? e?.response.thread_uuid ?? null,
      turn_number: s.turn_number ?? 1,
      verdict: verdictOf({
        is_passed: s.is_passed,
        ai_refused: s.ai_refused ?? e?.response.ai_refused,
        exclude_from_scoring: s.exclude_from_scoring ?? e?.response.exclude_from_scoring,
      }),
      confidence: s.confidence ?? null,
      explanation: s.explanation ?? null,
      response_uuid: s.response_uuid ?? null,
      next_prompt: s.next_prompt ?? null,
      response_text: e ? describeContent(e.response) : typeof s.content === 'string' ? s.content : null,
      entry_index: e?.index ?? null,
      location: e?.location ?? null,
      ...reviewOfResponse(s),
    });
  }
  let missing = 0;
  for (const e of entries) {
    if (claimed.has(e.index) || unscored === 'omit') continue;
    const excluded = e.response.exclude_from_scoring;
    if (!excluded) missing++;
    items.push({
      key: e.key,
      prompt_uuid: e.response.prompt_uuid,
      thread_uuid: e.response.thread_uuid ?? null,
      turn_number: e.response.turn_number,
      verdict: excluded ? 'excluded' : 'errored',
      confidence: null,
      explanation: excluded ? 'Excluded from scoring in the file.' : 'The server returned no score for this response.',
      response_uuid: null,
      next_prompt: null,
      response_text: describeContent(e.response),
      entry_index: e.index,
      location: e.location,
    });
  }
  if (missing) notes.push(`${missing} response${missing === 1 ? ' was' : 's were'} not scored by the server; they are shown as errored.`);
  if (extra) notes.push(`The server returned ${extra} score${extra === 1 ? '' : 's'} for prompts that are not in this file; they are listed without a location.`);
  items.sort((a, b) => (a.entry_index ?? Number.MAX_SAFE_INTEGER) - (b.entry_index ?? Number.MAX_SAFE_INTEGER));
  const counts = countVerdicts(items);
  return {
    eval_uuid: run.eval_uuid,
    eval_run_uuid: run.eval_run_uuid,
    run_name: run.name ?? null,
    status: run.status,
    pass_rate: run.status === 'finished' && typeof run.pass_rate === 'number' ? run.pass_rate : computedPassRate(counts),
    eval_name: run.evaluation?.name ?? null,
    eval_type: run.evaluation?.eval_type ?? null,
    created_at: run.created_at,
    completed_at: new Date().toISOString(),
    is_sandbox: run.is_sandbox ?? false,
    counts,
    items,
    notes,
  };
}
