/**
 * Aymara v2 REST client on undici.
 *
 * - Every reply is validated with zod; a wrong reply is an `invalid-reply` ApiError naming the field.
 * - Idempotent calls (GET, DELETE) retry on 408/429/5xx and connection failures through undici's
 *   RetryAgent, with exponential backoff, jitter, `Retry-After`/`retry-after-ms` and `x-should-retry`.
 * - POST score-responses has no idempotency key, so it is only retried when the server cannot have
 *   processed it (429, connection refused). Any other failure after sending is marked `ambiguous`
 *   and the caller looks the run up by its unique name (see scoring.ts).
 * - Cancellation (AbortSignal) and timeouts reach the socket.
 * - Redirects are never followed, so the key never travels to another origin.
 */
import type { Agent as UndiciAgent, Dispatcher, RetryAgent as UndiciRetryAgent } from 'undici';
import type { z } from 'zod';
import { ApiError } from './apiError';
import { errorFromReply, headerString, retryAfterMs } from './apiErrorMapping';
import { checkBaseUrl } from './baseUrl';
import { jsonBytes, parseReply, replyText, shareEchoedContent, type ElementHook, type SentResponse } from './jsonBody';
import { Eval, EvalPrompt, EvalRunResult, Page, ScoredResponse, describeIssues, describeZodError, type PageOf, type ScoreRequest } from './schemas';

export type { ElementHook, SentResponse } from './jsonBody';

/*
 * Only the parts of undici this client uses. Its package entry point also loads fetch, WebSocket,
 * caches, proxies and mocks, which would double the extension's bundle; these modules are the
 * same ones the entry point re-exports (undici 7 has no `exports` map, so they are public paths).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
const RetryAgent = require('undici/lib/dispatcher/retry-agent') as typeof UndiciRetryAgent;
const apiRequest = require('undici/lib/api/api-request') as (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  workspaceUuid?: string | null;
  userAgent?: string;
  /** TCP/TLS connect timeout per attempt. Default 10 s. */
  connectTimeoutMs?: number;
  /** Time to wait for a reply's headers and between body chunks, per attempt. Default 60 s. */
  requestTimeoutMs?: number;
  /** Retries after the first attempt for idempotent calls. Default 2 (3 attempts). */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest server-requested wait (Retry-After) that is honoured; longer means give up. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Parallel page requests when listing. Default 6. */
  pageConcurrency?: number;
  /** Page size for list calls. Default 100 (the API's default and maximum we rely on). */
  pageSize?: number;
  onRetry?: (info: RetryInfo) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PagedResult<T> {
  items: T[];
  /** Total the server reported. */
  count: number;
  /** False when the items fetched did not add up to `count`. */
  complete: boolean;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface SendOptions<S extends z.ZodType> extends CallOptions {
  query?: Query;
  body?: unknown;
  schema: S | null;
  /** Called with every element of the reply's top-level arrays, as soon as it is parsed (before validation). */
  eachElement?: ElementHook;
  /**
   * Validate the elements of the reply's array `key` one by one as they are parsed, so that on a
   * large reply the parsed objects do not all wait for the end to be validated (and copied).
   */
  elements?: { key: string; schema: z.ZodType };
  /** 'idempotent': full retries; 'post': retry only when the server cannot have processed it. */
  retry: 'idempotent' | 'post';
}

/** A run's scored responses, validated one by one as a large reply is parsed. */
const RUN_RESPONSES = { key: 'responses', schema: ScoredResponse };

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const RETRY_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'];
/** Failures that prove the request never reached the server, so even a POST may be sent again. */
const NOT_SENT_ERRORS = ['ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT'];
const TIMEOUT_ERRORS = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'];

export class AymaraClient {
  readonly origin: string;
  private readonly base: string;
  private readonly opts: Required<Omit<ClientOptions, 'workspaceUuid' | 'onRetry' | 'userAgent'>> & ClientOptions;
  private readonly agent: UndiciAgent;
  private readonly idempotent: Dispatcher;
  private readonly post: Dispatcher;

  constructor(options: ClientOptions) {
    const url = checkBaseUrl(options.baseUrl);
    this.origin = url.origin;
    this.base = url.href.replace(/\/+$/, '');
    this.opts = {
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      maxRetries: 2,
      retryBaseMs: 500,
      retryMaxMs: 8_000,
      maxRetryAfterMs: 60_000,
      pageConcurrency: 6,
      pageSize: 100,
      ...options,
    };
    this.agent = new Agent({
      connect: { timeout: this.opts.connectTimeoutMs },
      headersTimeout: this.opts.requestTimeoutMs,
      bodyTimeout: this.opts.requestTimeoutMs,
      connections: 32,
    });
    this.idempotent = new RetryAgent(this.agent, {
      maxRetries: this.opts.maxRetries,
      methods: ['GET', 'HEAD', 'DELETE'],
      statusCodes: RETRY_STATUSES,
      errorCodes: RETRY_ERRORS,
      throwOnError: false,
      retry: this.retryDecider(RETRY_STATUSES, RETRY_ERRORS),
    });
    this.post = new RetryAgent(this.agent, {
      maxRetries: this.opts.maxRetries,
      methods: ['POST'],
      statusCodes: [429],
      errorCodes: NOT_SENT_ERRORS,
      throwOnError: false,
      retry: this.retryDecider([429], NOT_SENT_ERRORS),
    });
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  // ------------------------------------------------------------------ endpoints

  listEvals(opts: CallOptions & { onProgress?: (fetched: number, total: number) => void } = {}): Promise<PagedResult<Eval>> {
    return this.listAll('/v2/evals', Eval, {}, opts);
  }

  getEval(evalUuid: string, opts: CallOptions = {}): Promise<Eval> {
    return this.send('GET', `/v2/evals/${enc(evalUuid)}`, { ...opts, schema: Eval, retry: 'idempotent' });
  }

  listPrompts(evalUuid: string, opts: CallOptions = {}): Promise<PagedResult<EvalPrompt>> {
    return this.listAll(`/v2/evals/${enc(evalUuid)}/prompts`, EvalPrompt, {}, opts);
  }

  /** The synchronous scoring call. Never re-sent once the server may have processed it. */
  scoreResponses(body: ScoreRequest, opts: CallOptions & { sandbox?: boolean } = {}): Promise<EvalRunResult> {
    return this.submit('/v2/eval-runs/-/score-responses', body, opts);
  }

  /** The asynchronous scoring call: returns a `created` run to poll. */
  createRun(body: ScoreRequest, opts: CallOptions & { sandbox?: boolean } = {}): Promise<EvalRunResult> {
    return this.submit('/v2/eval-runs', body, opts);
  }

  /** POST responses for scoring; the reply is a run whose echoed contents share the sent strings. */
  private submit(path: string, body: ScoreRequest, opts: CallOptions & { sandbox?: boolean }): Promise<EvalRunResult> {
    return this.send('POST', path, {
      ...opts,
      query: { is_sandbox: opts.sandbox ? true : undefined },
      body,
      schema: EvalRunResult,
      retry: 'post',
      eachElement: shareEchoedContent(body.responses),
      elements: RUN_RESPONSES,
    });
  }

  getRun(runUuid: string, opts: CallOptions = {}): Promise<EvalRunResult> {
    return this.send('GET', `/v2/eval-runs/${enc(runUuid)}`, { ...opts, schema: EvalRunResult, retry: 'idempotent', elements: RUN_RESPONSES });
  }

  /** One page of runs for an eval (the API lists newest first in practice; callers must not rely on it). */
  listRuns(evalUuid: string, page: { limit?: number; offset?: number } = {}, opts: CallOptions = {}): Promise<PageOf<EvalRunResult>> {
    return this.send('GET', '/v2/eval-runs', {
      ...opts,
      query: { eval_uuid: evalUuid, limit: page.limit ?? this.opts.pageSize, offset: page.offset ?? 0 },
      schema: Page(EvalRunResult),
      retry: 'idempotent',
    });
  }

  /**
   * Every scored response of a run. `sent`: the responses that were scored (when known), whose
   * content the server echoes; each echo identical to what was sent is replaced by the sent string.
   */
  listRunResponses(
    runUuid: string,
    opts: CallOptions & { onProgress?: (fetched: number, total: number) => void; expectedCount?: number; sent?: readonly SentResponse[] } = {},
  ): Promise<PagedResult<ScoredResponse>> {
    const share = opts.sent ? shareEchoedContent(opts.sent) : undefined;
    return this.listAll(`/v2/eval-runs/${enc(runUuid)}/responses`, ScoredResponse, {}, { ...opts, eachElement: share });
  }

  async deleteRun(runUuid: string, opts: CallOptions = {}): Promise<void> {
    await this.send('DELETE', `/v2/eval-runs/${enc(runUuid)}`, { ...opts, schema: null, retry: 'idempotent' });
  }

  // ------------------------------------------------------------------ paging

  /**
   * Fetch every page of a `{items, count}` list: the first page tells the total, the rest are
   * fetched with bounded concurrency and reassembled in order.
   */
  async listAll<S extends z.ZodType>(
    path: string,
    item: S,
    query: Query,
    opts: CallOptions & { onProgress?: (fetched: number, total: number) => void; expectedCount?: number; eachElement?: ElementHook },
  ): Promise<PagedResult<z.infer<S>>> {
    const schema = Page(item);
    const size = this.opts.pageSize;
    const hook = opts.eachElement;
    // Element indexes of a page count from its offset, so a hook sees positions in the whole list.
    const page = (offset: number, limit: number) =>
      this.send('GET', path, {
        signal: opts.signal,
        query: { ...query, limit, offset },
        schema,
        retry: 'idempotent',
        eachElement: hook && ((key, v, i) => hook(key, v, offset + i)),
      }) as Promise<PageOf<z.infer<S>>>;
    // When the caller knows about how many items to expect (the responses it sent), the first
    // round asks for several pages at once instead of waiting for the first page's count.
    const early = new Map<number, Promise<PageOf<z.infer<S>>>>();
    const expected = opts.expectedCount ?? 0;
    for (let k = 1; k < Math.min(this.opts.pageConcurrency, Math.ceil(expected / size)); k++) {
      const p = page(k * size, size);
      p.catch(() => undefined); // awaited below, or dropped when the server pages differently
      early.set(k * size, p);
    }
    const first = await page(0, size);
    const count = first.count;
    opts.onProgress?.(first.items.length, count);
    // A server may cap the page size below what we asked for; step by what it actually gives.
    const step = first.items.length > 0 && first.items.length < size && first.items.length < count ? first.items.length : size;
    if (step !== size) early.clear();
    const offsets: number[] = [];
    for (let off = first.items.length; off < count; off += step) offsets.push(off);
    const pages: z.infer<S>[][] = new Array(offsets.length);
    let fetched = first.items.length;
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const i = next++;
        const offset = offsets[i]!;
        const got = await (early.get(offset) ?? page(offset, step));
        pages[i] = got.items;
        fetched += got.items.length;
        opts.onProgress?.(fetched, count);
      }
    };
    const workers = Array.from({ length: Math.min(this.opts.pageConcurrency, offsets.length) }, worker);
    await Promise.all(workers);
    const items = first.items.concat(...pages);
    return { items, count, complete: items.length === count };
  }

  // ------------------------------------------------------------------ transport

  private async send<S extends z.ZodType>(method: 'GET' | 'POST' | 'DELETE', path: string, o: SendOptions<S>): Promise<z.infer<S>> {
    const url = new URL(this.base + path);
    const query: Query = { ...o.query, workspace_uuid: this.opts.workspaceUuid ?? undefined };
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    if (url.origin !== this.origin) throw new ApiError({ kind: 'config', message: 'Refusing to send a request outside the configured API origin.' });

    const what = `${method} ${path}`;
    const headers: Record<string, string> = {
      'x-api-key': this.opts.apiKey,
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'aymara-eval-scoring',
    };
    // The body as UTF-8 bytes (what is sent either way), so a large request does not keep a UTF-16
    // copy of itself on the heap, twice its size, while the reply is awaited and read.
    let payload: Buffer | undefined;
    if (o.body !== undefined) {
      payload = jsonBytes(o.body);
      headers['content-type'] = 'application/json';
    }
    if (o.signal?.aborted) throw cancelled(what, false);

    let res: Dispatcher.ResponseData;
    try {
      res = await apiRequest.call(o.retry === 'post' ? this.post : this.idempotent, {
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body: payload,
        signal: o.signal,
      });
    } catch (err) {
      throw this.transportError(err, what, o.retry === 'post', o.signal);
    }

    let bytes: Buffer;
    try {
      const u8 = await res.body.bytes();
      bytes = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    } catch (err) {
      throw this.transportError(err, what, o.retry === 'post', o.signal);
    }

    const status = res.statusCode;
    if (status >= 300) throw this.scrub(errorFromReply(status, replyText(bytes), res.headers, what, o.retry === 'post'));
    if (o.schema === null) return undefined as z.infer<S>;

    // Elements of `o.elements.key` are validated as they are parsed; the rest of the reply after.
    const issues: ElementIssue[] = [];
    const elements = o.elements;
    const share = o.eachElement;
    const hook: ElementHook | undefined =
      elements || share
        ? (key, element, index) => {
            const v = share ? share(key, element, index) : element;
            if (!elements || key !== elements.key) return v;
            const r = elements.schema.safeParse(v);
            if (r.success) return r.data;
            if (issues.length < 3) for (const i of r.error.issues) issues.push({ path: [key, index, ...i.path], message: i.message });
            return v;
          }
        : undefined;
    let json: unknown;
    try {
      json = parseReply(bytes, hook);
    } catch {
      const type = String(res.headers['content-type'] ?? 'no content type');
      throw new ApiError({
        kind: 'invalid-reply',
        status,
        message: `The API's reply to ${what} is not JSON (${type}).`,
        requestId: headerString(res.headers['x-request-id']),
      });
    }
    const invalid = (detail: string) =>
      new ApiError({
        kind: 'invalid-reply',
        status,
        message: `The API's reply to ${what} is missing or has a wrong field: ${detail}.`,
        requestId: headerString(res.headers['x-request-id']),
      });
    if (issues.length) throw invalid(describeIssues(issues, 3));
    // Already validated elements are set aside while the rest of the reply is checked.
    let validated: unknown[] | undefined;
    if (elements && json && typeof json === 'object' && !Array.isArray(json) && Array.isArray((json as Record<string, unknown>)[elements.key])) {
      validated = (json as Record<string, unknown[]>)[elements.key];
      (json as Record<string, unknown>)[elements.key] = [];
    }
    const parsed = o.schema.safeParse(json);
    if (!parsed.success) throw invalid(describeZodError(parsed.error, 3));
    if (validated) (parsed.data as Record<string, unknown>)[elements!.key] = validated;
    return parsed.data as z.infer<S>;
  }

  /** A server may echo what it was sent; never let the key travel on in an error message. */
  private scrub(e: ApiError): ApiError {
    const key = this.opts.apiKey;
    if (!key || !e.message.includes(key)) return e;
    return new ApiError({ kind: e.kind, status: e.status, code: e.code, requestId: e.requestId, ambiguous: e.ambiguous, message: e.message.split(key).join('«redacted»') });
  }

  private transportError(err: unknown, what: string, isPost: boolean, signal: AbortSignal | undefined): ApiError {
    if (err instanceof ApiError) return err;
    if (signal?.aborted) return cancelled(what, isPost);
    const code = (err as { code?: string }).code ?? '';
    const reason = (err as Error).message ?? String(err);
    if (TIMEOUT_ERRORS.includes(code)) {
      const sent = code !== 'UND_ERR_CONNECT_TIMEOUT';
      return new ApiError({
        kind: 'timeout',
        message: `${what} timed out (${code === 'UND_ERR_CONNECT_TIMEOUT' ? 'could not connect' : 'no reply in time'}).`,
        ambiguous: isPost && sent,
        cause: err,
      });
    }
    const sent = !NOT_SENT_ERRORS.includes(code);
    return new ApiError({
      kind: 'network',
      message: `${what} failed: ${code ? `${code}, ` : ''}${reason}.`.replace(/\.\.$/, '.'),
      ambiguous: isPost && sent,
      cause: err,
    });
  }

  /** The retry decision for undici's RetryHandler: backoff with jitter, Retry-After, x-should-retry, abort-aware waits. */
  private retryDecider(statuses: number[], codes: string[]) {
    return (
      err: Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[] | undefined> },
      ctx: { state: { counter: number }; opts: Dispatcher.DispatchOptions & { signal?: AbortSignal | { aborted?: boolean } } },
      cb: (err?: Error | null) => void,
    ) => {
      const { statusCode, code, headers } = err;
      const attempt = ctx.state.counter;
      const signal = ctx.opts.signal as AbortSignal | undefined;
      if (signal?.aborted) return cb(err);
      const shouldRetryHeader = headerString(headers?.['x-should-retry']);
      let eligible: boolean;
      if (shouldRetryHeader === 'false') eligible = false;
      else if (shouldRetryHeader === 'true') eligible = true;
      else if (statusCode !== undefined) eligible = statuses.includes(statusCode);
      else eligible = code !== undefined && codes.includes(code);
      if (!eligible || attempt > this.opts.maxRetries) return cb(err);

      let delay = Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), this.opts.retryMaxMs);
      delay = delay * (1 - Math.random() * 0.25);
      const asked = retryAfterMs(headers);
      if (asked !== undefined) {
        if (asked > this.opts.maxRetryAfterMs) return cb(err);
        delay = Math.max(asked, 0);
      }
      const path = typeof ctx.opts.path === 'string' ? ctx.opts.path.split('?')[0] ?? '' : '';
      this.opts.onRetry?.({ method: String(ctx.opts.method), path, attempt, delayMs: Math.round(delay), reason: statusCode ? `HTTP ${statusCode}` : (code ?? err.message) });
      const timer = setTimeout(() => {
        signal?.removeEventListener?.('abort', onAbort);
        cb(null);
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        cb(err);
      };
      signal?.addEventListener?.('abort', onAbort, { once: true });
    };
  }
}

interface ElementIssue {
  path: PropertyKey[];
  message: string;
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function cancelled(what: string, isPost: boolean): ApiError {
  return new ApiError({ kind: 'cancelled', message: `${what} was cancelled.`, ambiguous: isPost });
}

