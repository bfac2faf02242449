/**
 * Aymara v2 REST client on undici.
 *
 * - Every reply is validated with zod; a wrong reply is an `invalid-reply` ApiError naming the field.
 * - Idempotent calls (GET, DELETE) retry on 408/429/5xx and connection failures through undici's
 *   RetryAgent, with exponential backoff, jitter, `Retry-After`/`retry-after-ms` and `x-should-retry`.
 * - POST score-responses has no idempotency key, so it is only retried when the server cannot have
 *   processed it (429, connection refused), whatever `x-should-retry` says. Any other failure after
 *   sending is marked `ambiguous` and the caller looks the run up by its unique name (see scoring.ts).
 * - Every call has an overall deadline (retries included) and a reply size cap; lists are paged
 *   without trusting the server's count (paging.ts); a reply about another eval or run is refused.
 * - Cancellation (AbortSignal) and timeouts reach the socket.
 * - Redirects are never followed, so the key never travels to another origin.
 * - An HTTP proxy (proxy.ts) is used through undici's ProxyAgent: CONNECT for https origins.
 */
import type { Agent as UndiciAgent, Dispatcher, Pool as UndiciPool, ProxyAgent as UndiciProxyAgent, RetryAgent as UndiciRetryAgent } from 'undici';
import type * as z from './zod';
import { ApiError } from './apiError';
import {
  NOT_SENT_ERRORS,
  RETRY_ERRORS,
  cancelled,
  errorFromReply,
  headerString,
  retryAfterMs,
  timedOut,
  tooLarge,
  transportError,
  type LimitNames,
  type WireContext,
} from './apiErrorMapping';
import { checkBaseUrl } from './baseUrl';
import { PIECEWISE_MIN_BYTES, jsonBytes, parseReply, replyText, shareEchoedContent, type ElementHook, type SentResponse } from './jsonBody';
import { EXTRA_SCORES_ALLOWED, fetchAllPages, type PagedResult } from './paging';
import { inert } from './present/text';
import { proxyLabel, type ProxyRoute } from './proxy';
import { ReplyBytes } from './replyBytes';
import { elementReading, type ElementReading } from './replyElements';
import { StreamingReply } from './replyStream';
import { Eval, EvalPrompt, EvalRunResult, Page, ScoredResponse, describeIssues, describeZodError, type PageOf, type ScoreRequest } from './schemas';

export type { ElementHook, SentResponse } from './jsonBody';
export type { LimitNames } from './apiErrorMapping';
export type { PagedResult } from './paging';
export type { ProxyRoute } from './proxy';

/*
 * Only the parts of undici this client uses. Its package entry point also loads fetch, WebSocket,
 * caches, proxies and mocks, which would double the extension's bundle; these modules are the
 * same ones the entry point re-exports (undici 7 has no `exports` map, so they are public paths).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
const Pool = require('undici/lib/dispatcher/pool') as typeof UndiciPool;
const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof UndiciProxyAgent;
const apiConnect = require('undici/lib/api/api-connect') as UndiciPool['connect'];
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
  /**
   * Longest time one call may take, retries and their waits included (also the longest wait for
   * a reply's headers or its next bytes). Default 60 s.
   */
  requestTimeoutMs?: number;
  /** Largest reply read, in bytes; a larger one ends the call. Default 512 MiB (far above 100,000 scored responses). */
  maxReplyBytes?: number;
  /** How the caller names the settings behind these limits, for messages. */
  limitNames?: LimitNames;
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
  /** Most items one list (evals, prompts) may report. Default 200,000. */
  maxListItems?: number;
  /** Most page requests for one list after its first page. Default 5,000. */
  maxPages?: number;
  /** Send every request through this HTTP proxy (see proxy.ts for choosing it). */
  proxy?: ProxyRoute;
  onRetry?: (info: RetryInfo) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** One request for an endpoint module (review.ts) through `AymaraClient.request`. */
export interface SendOptions<S extends z.ZodMiniType> extends CallOptions {
  query?: Query;
  body?: unknown;
  schema: S | null;
  /** Called with every element of the reply's top-level arrays, as soon as it is parsed (before validation). */
  eachElement?: ElementHook;
  /**
   * Validate the elements of the reply's array `key` one by one as they are parsed, so that on a
   * large reply the parsed objects do not all wait for the end to be validated (and copied).
   */
  elements?: { key: string; schema: z.ZodMiniType };
  /** Top-level fields the reply must have with exactly these values (it must answer this request). */
  answers?: { eval_uuid?: string; eval_run_uuid?: string };
  /** 'idempotent': full retries; 'post': retry only when the server cannot have processed it. */
  retry: 'idempotent' | 'post';
  /** A body that is not JSON (a multipart form), sent as these bytes with this content type instead of `body`. */
  rawBody?: { bytes: Uint8Array; contentType: string };
  /**
   * Awaited once the body is built and before anything leaves (the caller saves what it needs to
   * find the request again meanwhile); if it rejects, nothing is sent and that error is thrown.
   */
  beforeSend?: PromiseLike<unknown>;
}

/** Options of a scoring submission. */
export interface SubmitOptions extends CallOptions {
  sandbox?: boolean;
  beforeSend?: PromiseLike<unknown>;
}

/** A run's scored responses, validated one by one as a large reply is parsed. */
const RUN_RESPONSES = { key: 'responses', schema: ScoredResponse };

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

export class AymaraClient {
  readonly origin: string;
  private readonly base: string;
  private readonly opts: Required<Omit<ClientOptions, 'workspaceUuid' | 'onRetry' | 'userAgent' | 'proxy' | 'limitNames'>> & ClientOptions;
  private readonly agent: Dispatcher;
  private readonly idempotent: Dispatcher;
  private readonly post: Dispatcher;

  constructor(options: ClientOptions) {
    const url = checkBaseUrl(options.baseUrl);
    this.origin = url.origin;
    this.base = url.href.replace(/\/+$/, '');
    this.opts = {
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      maxReplyBytes: 512 * 1024 * 1024,
      maxRetries: 2,
      retryBaseMs: 500,
      retryMaxMs: 8_000,
      maxRetryAfterMs: 60_000,
      pageConcurrency: 6,
      pageSize: 100,
      maxListItems: 200_000,
      maxPages: 5_000,
      ...options,
    };
    const agentOptions = {
      connect: { timeout: this.opts.connectTimeoutMs },
      headersTimeout: this.opts.requestTimeoutMs,
      bodyTimeout: this.opts.requestTimeoutMs,
      connections: 32,
    };
    const proxy = this.opts.proxy;
    if (proxy) {
      // TLS settings for the connection to the proxy and for the API's TLS inside the tunnel.
      const tls = { timeout: this.opts.connectTimeoutMs, rejectUnauthorized: proxy.strictSSL };
      // The pool to the proxy sends CONNECT through `connect`, which undici's entry point (not loaded here) adds to every dispatcher.
      const clientFactory = (origin: URL, opts: object) => Object.assign(new Pool(origin, opts), { connect: apiConnect });
      this.agent = new ProxyAgent({ ...agentOptions, uri: proxy.uri, proxyTls: tls, requestTls: tls, clientFactory });
    } else {
      this.agent = new Agent(agentOptions);
    }
    this.idempotent = new RetryAgent(this.agent, {
      maxRetries: this.opts.maxRetries,
      methods: ['GET', 'HEAD', 'DELETE'],
      statusCodes: RETRY_STATUSES,
      errorCodes: RETRY_ERRORS,
      throwOnError: false,
      retry: this.retryDecider(RETRY_STATUSES, RETRY_ERRORS, false),
    });
    this.post = new RetryAgent(this.agent, {
      maxRetries: this.opts.maxRetries,
      methods: ['POST'],
      statusCodes: [429],
      errorCodes: NOT_SENT_ERRORS,
      throwOnError: false,
      retry: this.retryDecider([429], NOT_SENT_ERRORS, true),
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

  listPrompts(evalUuid: string, opts: CallOptions & { onProgress?: (fetched: number, total: number) => void } = {}): Promise<PagedResult<EvalPrompt>> {
    return this.listAll(`/v2/evals/${enc(evalUuid)}/prompts`, EvalPrompt, {}, opts);
  }

  /** The synchronous scoring call. Never re-sent once the server may have processed it. */
  scoreResponses(body: ScoreRequest, opts: SubmitOptions = {}): Promise<EvalRunResult> {
    return this.submit('/v2/eval-runs/-/score-responses', body, opts);
  }

  /** The asynchronous scoring call: returns a `created` run to poll. */
  createRun(body: ScoreRequest, opts: SubmitOptions = {}): Promise<EvalRunResult> {
    return this.submit('/v2/eval-runs', body, opts);
  }

  /** POST responses for scoring; the reply is a run whose echoed contents share the sent strings. */
  private submit(path: string, body: ScoreRequest, opts: SubmitOptions): Promise<EvalRunResult> {
    return this.send('POST', path, {
      signal: opts.signal,
      beforeSend: opts.beforeSend,
      query: { is_sandbox: opts.sandbox ? true : undefined },
      body,
      schema: EvalRunResult,
      retry: 'post',
      eachElement: shareEchoedContent(body.responses),
      elements: RUN_RESPONSES,
      answers: { eval_uuid: body.eval_uuid, eval_run_uuid: body.eval_run_uuid ?? undefined },
    });
  }

  /** A run; `evalUuid`, when given, is the eval it must belong to. */
  getRun(runUuid: string, opts: CallOptions & { evalUuid?: string } = {}): Promise<EvalRunResult> {
    return this.send('GET', `/v2/eval-runs/${enc(runUuid)}`, {
      signal: opts.signal,
      schema: EvalRunResult,
      retry: 'idempotent',
      elements: RUN_RESPONSES,
      answers: { eval_run_uuid: runUuid, eval_uuid: opts.evalUuid },
    });
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
   * `expectedCount` (the number sent) also bounds what is fetched: a run reporting more than that
   * (plus EXTRA_SCORES_ALLOWED) is an inconsistent reply.
   */
  listRunResponses(
    runUuid: string,
    opts: CallOptions & { onProgress?: (fetched: number, total: number) => void; expectedCount?: number; sent?: readonly SentResponse[] } = {},
  ): Promise<PagedResult<ScoredResponse>> {
    const share = opts.sent ? shareEchoedContent(opts.sent) : undefined;
    const sent = opts.expectedCount;
    return this.listAll(`/v2/eval-runs/${enc(runUuid)}/responses`, ScoredResponse, {}, {
      ...opts,
      eachElement: share,
      ...(sent === undefined ? {} : { maxItems: sent + EXTRA_SCORES_ALLOWED, maxItemsReason: `but only ${sent} response${sent === 1 ? ' was' : 's were'} sent` }),
    });
  }

  async deleteRun(runUuid: string, opts: CallOptions = {}): Promise<void> {
    await this.send('DELETE', `/v2/eval-runs/${enc(runUuid)}`, { ...opts, schema: null, retry: 'idempotent' });
  }

  /**
   * The seam for endpoint modules kept outside this file (review.ts): one request through the same
   * transport (origin check, deadline, size cap, zod validation, error mapping, retry rules).
   * `retry: 'post'` (POST and PATCH) is only retried when the server cannot have processed it.
   */
  request<S extends z.ZodMiniType>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, o: SendOptions<S>): Promise<z.infer<S>> {
    return this.send(method, path, o);
  }

  /**
   * PUT bytes to a presigned storage URL (`file_url` of POST /v2/files): without the API key, which
   * is never sent to storage, not retried (it may have been processed), no redirect followed, under
   * the same deadline and proxy as API calls. Resolves when storage answers 2xx.
   */
  async putToStorage(fileUrl: string, bytes: Uint8Array, contentType: string, opts: CallOptions = {}): Promise<void> {
    const url = checkStorageUrl(fileUrl, this.origin);
    const what = `PUT ${url.pathname}`;
    const wire: WireContext = { what, isPost: true, timeoutMs: this.opts.requestTimeoutMs, names: this.opts.limitNames ?? {}, proxy: this.opts.proxy && proxyLabel(this.opts.proxy) };
    if (opts.signal?.aborted) throw cancelled(what, false);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.opts.requestTimeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
    try {
      const res = await apiRequest.call(this.agent, {
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'PUT',
        headers: { 'content-type': contentType, 'user-agent': this.opts.userAgent ?? 'aymara-eval-scoring' },
        body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        signal,
      });
      const reply = await this.readCapped(res, wire);
      if (res.statusCode >= 300) throw this.scrub(errorFromReply(res.statusCode, replyText(reply), res.headers, what, true));
    } catch (err) {
      throw err instanceof ApiError ? err : opts.signal?.aborted ? cancelled(what, true) : deadline.signal.aborted ? timedOut(wire, err) : transportError(err, wire);
    } finally {
      clearTimeout(timer);
    }
  }

  // ------------------------------------------------------------------ paging

  /** Every page of a `{items, count}` list, bounded (see paging.ts). */
  async listAll<S extends z.ZodMiniType>(
    path: string,
    item: S,
    query: Query,
    opts: CallOptions & { onProgress?: (fetched: number, total: number) => void; expectedCount?: number; eachElement?: ElementHook; maxItems?: number; maxItemsReason?: string },
  ): Promise<PagedResult<z.infer<S>>> {
    const schema = Page(item);
    const hook = opts.eachElement;
    // Element indexes of a page count from its offset, so a hook sees positions in the whole list.
    const page = (offset: number, limit: number) =>
      this.receive('GET', path, {
        signal: opts.signal,
        query: { ...query, limit, offset },
        schema,
        retry: 'idempotent',
        eachElement: hook && ((key, v, i) => hook(key, v, offset + i)),
        elements: { key: 'items', schema: item },
      }) as Promise<() => PageOf<z.infer<S>>>;
    return fetchAllPages(`GET ${path}`, page, {
      pageSize: this.opts.pageSize,
      concurrency: this.opts.pageConcurrency,
      maxItems: opts.maxItems ?? this.opts.maxListItems,
      maxItemsReason: opts.maxItemsReason,
      maxPages: this.opts.maxPages,
      expectedCount: opts.expectedCount,
      onProgress: opts.onProgress,
    });
  }

  // ------------------------------------------------------------------ transport

  private async send<S extends z.ZodMiniType>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, o: SendOptions<S>): Promise<z.infer<S>> {
    return (await this.receive(method, path, o))();
  }

  /** The request sent and its reply read (a large one parsed as it arrived); what it returns checks and decodes it. */
  private async receive<S extends z.ZodMiniType>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, o: SendOptions<S>): Promise<() => z.infer<S>> {
    const url = new URL(this.base + path);
    const query: Query = { ...o.query, workspace_uuid: this.opts.workspaceUuid ?? undefined };
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    if (url.origin !== this.origin) throw new ApiError({ kind: 'config', message: 'Refusing to send a request outside the configured API origin.' });

    const what = `${method} ${path}`;
    const isPost = o.retry === 'post';
    const wire: WireContext = {
      what,
      isPost,
      timeoutMs: this.opts.requestTimeoutMs,
      names: this.opts.limitNames ?? {},
      proxy: this.opts.proxy && proxyLabel(this.opts.proxy),
    };
    const headers: Record<string, string> = {
      'x-api-key': this.opts.apiKey,
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'aymara-eval-scoring',
    };
    // The body as UTF-8 bytes (what is sent either way), so a large request does not keep a UTF-16
    // copy of itself on the heap, twice its size, while the reply is awaited and read.
    let payload: Buffer | undefined;
    if (o.rawBody) {
      payload = Buffer.from(o.rawBody.bytes.buffer, o.rawBody.bytes.byteOffset, o.rawBody.bytes.byteLength);
      headers['content-type'] = o.rawBody.contentType;
    } else if (o.body !== undefined) {
      payload = jsonBytes(o.body);
      headers['content-type'] = 'application/json';
    }
    if (o.beforeSend) await o.beforeSend;
    if (o.signal?.aborted) throw cancelled(what, false);

    // One deadline for the whole call (retries and their waits included): a reply that trickles
    // in a byte at a time never resets it, as the idle timeouts would be.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.opts.requestTimeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, deadline.signal]) : deadline.signal;
    const failure = (err: unknown) =>
      err instanceof ApiError ? err : o.signal?.aborted ? cancelled(what, isPost) : deadline.signal.aborted ? timedOut(wire, err) : transportError(err, wire);
    let res: Dispatcher.ResponseData;
    let body: Buffer | StreamingReply;
    const reading = elementReading(o.elements, o.eachElement);
    try {
      res = await apiRequest.call(isPost ? this.post : this.idempotent, {
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body: payload,
        signal,
      });
      // A large reply to be parsed is parsed as it arrives (replyStream.ts), never held whole.
      body = res.statusCode < 300 && o.schema !== null ? await this.readCapped(res, wire, () => new StreamingReply(reading.hook)) : await this.readCapped(res, wire);
    } catch (err) {
      throw failure(err);
    } finally {
      clearTimeout(timer);
    }
    return () => this.decode(what, res, body, o, reading);
  }

  /**
   * The reply's body, refused as soon as it (declared or received) is larger than maxReplyBytes.
   * With `streaming`, a reply of PIECEWISE_MIN_BYTES or more (declared, or once that much has
   * arrived without a declared length) goes to the StreamingReply it makes, which is returned.
   */
  private async readCapped(res: Dispatcher.ResponseData, wire: WireContext): Promise<Buffer>;
  private async readCapped(res: Dispatcher.ResponseData, wire: WireContext, streaming: () => StreamingReply): Promise<Buffer | StreamingReply>;
  private async readCapped(res: Dispatcher.ResponseData, wire: WireContext, streaming?: () => StreamingReply): Promise<Buffer | StreamingReply> {
    const max = this.opts.maxReplyBytes;
    const refuse = () => {
      res.body.destroy();
      return tooLarge(wire, max, res.statusCode, headerString(res.headers['x-request-id']));
    };
    const declared = Number(headerString(res.headers['content-length']));
    if (declared > max) throw refuse();
    let body: ReplyBytes | StreamingReply = streaming && declared >= PIECEWISE_MIN_BYTES ? streaming() : new ReplyBytes(declared);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (body.length + chunk.length > max) throw refuse();
      if (streaming && body instanceof ReplyBytes && body.length + chunk.length >= PIECEWISE_MIN_BYTES) {
        const stream = streaming();
        if (body.length) stream.add(body.bytes());
        body = stream;
      }
      body.add(chunk);
    }
    return body instanceof ReplyBytes ? body.bytes() : body;
  }

  /**
   * A reply (its bytes, or the stream that parsed it as it arrived: only a success is streamed) as
   * the validated value `o.schema` describes (an error reply as its ApiError).
   */
  private decode<S extends z.ZodMiniType>(what: string, res: Dispatcher.ResponseData, body: Buffer | StreamingReply, o: SendOptions<S>, { hook, issues }: ElementReading): z.infer<S> {
    const status = res.statusCode;
    if (status >= 300) throw this.scrub(errorFromReply(status, replyText(body instanceof StreamingReply ? Buffer.alloc(0) : body), res.headers, what, o.retry === 'post'));
    if (o.schema === null) return undefined as z.infer<S>;
    const elements = o.elements;
    let json: unknown;
    try {
      json = body instanceof StreamingReply ? body.end() : parseReply(body, hook);
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
    for (const [field, asked] of Object.entries(o.answers ?? {})) {
      const got = (parsed.data as Record<string, unknown>)[field];
      if (asked !== undefined && got !== asked) {
        const noun = field === 'eval_uuid' ? 'eval' : 'run';
        throw new ApiError({
          kind: 'invalid-reply',
          status,
          message: `The API's reply to ${what} is about ${noun} ${inert(got, 100)}, not the ${noun} ${inert(asked, 100)} that was asked for; it was not used.`,
          requestId: headerString(res.headers['x-request-id']),
        });
      }
    }
    return parsed.data as z.infer<S>;
  }


  /** A server may echo what it was sent; never let the key travel on in an error message. */
  private scrub(e: ApiError): ApiError {
    const key = this.opts.apiKey;
    if (!key || !e.message.includes(key)) return e;
    return new ApiError({ kind: e.kind, status: e.status, code: e.code, requestId: e.requestId, ambiguous: e.ambiguous, message: e.message.split(key).join('«redacted»') });
  }

  /** The retry decision for undici's RetryHandler: backoff with jitter, Retry-After, x-should-retry, abort-aware waits. */
  private retryDecider(statuses: number[], codes: string[], mayHaveBeenProcessed: boolean) {
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
      // A header can stop a retry, but never make one of a request the server may have processed.
      else if (shouldRetryHeader === 'true' && !mayHaveBeenProcessed) eligible = true;
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

/** A presigned URL is https, or http on the API's own loopback origin (the local server); never with credentials. */
function checkStorageUrl(fileUrl: string, apiOrigin: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(fileUrl);
  } catch {
    url = undefined;
  }
  if (!url || url.username || url.password || !(url.protocol === 'https:' || (url.protocol === 'http:' && url.origin === apiOrigin))) {
    throw new ApiError({ kind: 'invalid-reply', message: `The API gave an upload address that is not https (${inert(fileUrl, 80)}); nothing was uploaded to it.` });
  }
  return url;
}

function enc(id: string): string {
  return encodeURIComponent(id);
}


