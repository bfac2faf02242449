/**
 * The review endpoints of the Aymara API on top of `AymaraClient.request`: a person's override of
 * a verdict and its history, and eval reports (create, read, wait, delete).
 *
 * - Inputs are checked before anything is sent; a bad one is a `validation` ApiError saying what to fix.
 * - Every reply is validated with the review schemas and must answer the request (same response
 *   or report id); PATCH and POST are never re-sent once the server may have processed them.
 * - Waiting for a report polls with a growing delay, bounded by a total time and a signal.
 */
import type * as z from './zod';
import { ApiError } from './apiError';
import type { AymaraClient, CallOptions } from './client';
import { inert } from './present/text';
import { reviewSchemas, type AnswerHistory, type EvalSuiteReport, type ReviewScoredResponse } from './reviewSchemas';

export interface VerdictOverride {
  is_passed?: boolean;
  confidence?: number;
  explanation?: string;
}

import { MAX_EXPLANATION_CHARS, MAX_REPORT_RUNS } from './reviewLimits';

export { MAX_EXPLANATION_CHARS, MAX_REPORT_RUNS };

function invalidInput(message: string): ApiError {
  return new ApiError({ kind: 'validation', message });
}

function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || !id.trim()) throw invalidInput(`The ${what} id is empty: give the id of an existing ${what}. Nothing was sent.`);
  return id;
}

/** The override body, or a clear error saying what is wrong with it (nothing is sent then). */
export function checkOverride(o: VerdictOverride): VerdictOverride {
  const body: VerdictOverride = {};
  if (o.is_passed !== undefined) {
    if (typeof o.is_passed !== 'boolean') throw invalidInput('is_passed must be true or false. Nothing was sent.');
    body.is_passed = o.is_passed;
  }
  if (o.confidence !== undefined) {
    if (typeof o.confidence !== 'number' || !Number.isFinite(o.confidence) || o.confidence < 0 || o.confidence > 1)
      throw invalidInput(`confidence must be a number from 0 to 1, not ${inert(o.confidence, 40)}. Nothing was sent.`);
    body.confidence = o.confidence;
  }
  if (o.explanation !== undefined) {
    if (typeof o.explanation !== 'string' || !o.explanation.trim()) throw invalidInput('The explanation is blank: write why the verdict changes, or leave it out. Nothing was sent.');
    if (o.explanation.length > MAX_EXPLANATION_CHARS)
      throw invalidInput(`The explanation has ${o.explanation.length.toLocaleString('en-US')} characters; shorten it to at most 10,000. Nothing was sent.`);
    body.explanation = o.explanation;
  }
  if (!Object.keys(body).length) throw invalidInput('Give at least one of is_passed, confidence or explanation to change. Nothing was sent.');
  return body;
}

/** Refuses a reply about another object than the one asked for. */
function mustAnswer<T extends Record<string, unknown>>(reply: T, field: string, asked: string, what: string, noun: string): T {
  const got = reply[field];
  if (got !== asked)
    throw new ApiError({
      kind: 'invalid-reply',
      message: `The API's reply to ${what} is about ${noun} ${inert(got, 100)}, not the ${noun} ${inert(asked, 100)} that was asked for; it was not used.`,
    });
  return reply;
}

function path(...parts: string[]): string {
  return parts.map((p) => encodeURIComponent(p)).join('/');
}

/** A person's override of one verdict; the reply is the updated response. Sent once, never re-sent. */
export async function overrideVerdict(client: AymaraClient, runUuid: string, responseUuid: string, change: VerdictOverride, opts: CallOptions = {}): Promise<ReviewScoredResponse> {
  checkId(runUuid, 'run');
  checkId(responseUuid, 'response');
  const body = checkOverride(change);
  const url = `/v2/eval-runs/${path(runUuid)}/responses/${path(responseUuid)}`;
  const reply = await client.request('PATCH', url, { ...opts, body, schema: reviewSchemas().ScoredResponse, retry: 'post' });
  return mustAnswer(reply, 'response_uuid', responseUuid, `PATCH ${url}`, 'response');
}

/** The overrides of one response, oldest first. */
export async function verdictHistory(client: AymaraClient, runUuid: string, responseUuid: string, opts: CallOptions = {}): Promise<AnswerHistory[]> {
  checkId(runUuid, 'run');
  checkId(responseUuid, 'response');
  return client.request('GET', `/v2/eval-runs/${path(runUuid)}/responses/${path(responseUuid)}/history`, { ...opts, schema: reviewSchemas().AnswerHistoryList, retry: 'idempotent' });
}

/** Starts a report over these finished runs (1 to 100, no repeats). Sent once, never re-sent. */
export async function createReport(client: AymaraClient, runUuids: readonly string[], opts: CallOptions = {}): Promise<EvalSuiteReport> {
  if (!Array.isArray(runUuids) || !runUuids.length) throw invalidInput('Give at least one run id to report on. Nothing was sent.');
  if (runUuids.length > MAX_REPORT_RUNS) throw invalidInput(`A report covers at most ${MAX_REPORT_RUNS} runs, not ${runUuids.length}. Nothing was sent.`);
  runUuids.forEach((id) => checkId(id, 'run'));
  const repeated = runUuids.find((id, i) => runUuids.indexOf(id) !== i);
  if (repeated !== undefined) throw invalidInput(`Run ${inert(repeated, 100)} is given twice; give each run once. Nothing was sent.`);
  return client.request('POST', '/v2/eval-reports', { ...opts, body: { eval_run_uuids: [...runUuids] }, schema: reviewSchemas().EvalSuiteReport, retry: 'post' });
}

export async function getReport(client: AymaraClient, reportUuid: string, opts: CallOptions = {}): Promise<EvalSuiteReport> {
  checkId(reportUuid, 'report');
  const url = `/v2/eval-reports/${path(reportUuid)}`;
  const reply = await client.request('GET', url, { ...opts, schema: reviewSchemas().EvalSuiteReport, retry: 'idempotent' });
  return mustAnswer(reply, 'eval_suite_report_uuid', reportUuid, `GET ${url}`, 'report');
}

export async function deleteReport(client: AymaraClient, reportUuid: string, opts: CallOptions = {}): Promise<void> {
  checkId(reportUuid, 'report');
  await client.request('DELETE', `/v2/eval-reports/${path(reportUuid)}`, { ...opts, schema: null as z.ZodMiniType | null, retry: 'idempotent' });
}

export interface WaitOptions extends CallOptions {
  /** Longest total wait. Default 10 minutes. */
  timeoutMs?: number;
  /** First delay between polls (doubling up to maxDelayMs). Default 500 ms. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Most GETs. Default 500. */
  maxPolls?: number;
  onProgress?: (report: EvalSuiteReport, poll: number) => void;
}

/**
 * Polls a report until it is `finished` (returned) or `failed` (a `server` ApiError), with a
 * doubling delay, at most `maxPolls` GETs and `timeoutMs` in all; the signal ends the wait.
 */
export async function waitForReport(client: AymaraClient, reportUuid: string, o: WaitOptions = {}): Promise<EvalSuiteReport> {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const maxPolls = o.maxPolls ?? 500;
  const started = Date.now();
  let delay = o.firstDelayMs ?? 500;
  const what = `report ${inert(reportUuid, 100)}`;
  for (let poll = 1; ; poll++) {
    const report = await getReport(client, reportUuid, { signal: o.signal });
    o.onProgress?.(report, poll);
    if (report.status === 'finished') return report;
    if (report.status === 'failed')
      throw new ApiError({ kind: 'server', message: `The API could not write ${what} (status failed). Check that its runs are finished, then create a new report.` });
    const left = timeoutMs - (Date.now() - started);
    if (poll >= maxPolls || left <= 0)
      throw new ApiError({
        kind: 'timeout',
        message: `${what} was still ${inert(report.status, 40)} after ${Math.round((Date.now() - started) / 1000)} s and ${poll} checks. Try again later with the report id, or allow a longer wait.`,
      });
    await sleep(Math.min(delay, left), o.signal, what);
    delay = Math.min(delay * 2, o.maxDelayMs ?? 10_000);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancel = () => new ApiError({ kind: 'cancelled', message: `Waiting for ${what} was cancelled.` });
    if (signal?.aborted) return reject(cancel());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancel());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
