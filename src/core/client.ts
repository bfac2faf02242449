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
import { ApiError, kindForStatus } from './apiError';
import { oneLine } from './results';
import { checkBaseUrl } from './baseUrl';
import {
  Eval,
  EvalPrompt,
  EvalRunResult,
  ErrorEnvelope,
  LegacyError,
  Page,
  ScoredResponse,
  describeIssues,
  describeZodError,
  type PageOf,
  type ScoreRequest,
} from './schemas';

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
      const piecewise = bytes.length >= PIECEWISE_MIN_BYTES ? parseJsonPiecewise(bytes, hook) : NOT_PIECEWISE;
      if (piecewise !== NOT_PIECEWISE) json = piecewise;
      else {
        json = JSON.parse(replyText(bytes));
        if (hook) forEachTopLevelElement(json, hook);
      }
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

// ------------------------------------------------------------------ reply bodies

/** The reply's text as undici's body.text() gives it: UTF-8, a leading byte order mark skipped. */
function replyText(bytes: Buffer): string {
  return bytes.toString('utf8', hasBom(bytes) ? 3 : 0);
}

function hasBom(b: Buffer): boolean {
  return b.length > 2 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/**
 * Replies at least this large are parsed piece by piece (parseJsonPiecewise): about 30,000
 * scored responses and up. That costs about 40% more time than one JSON.parse (100 MB: 0.7 s
 * instead of 0.5 s) and saves twice the reply's size in heap at the peak.
 */
const PIECEWISE_MIN_BYTES = 32 * 1024 * 1024;

/** Sees each element of a reply's top-level array `key` (its index in that array) as it is parsed, and returns what to keep in its place. */
export type ElementHook = (key: string, element: unknown, index: number) => unknown;

interface ElementIssue {
  path: PropertyKey[];
  message: string;
}

function forEachTopLevelElement(json: unknown, hook: ElementHook): void {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return;
  for (const [key, v] of Object.entries(json)) if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = hook(key, v[i], i);
}

/** What a scored response's content is compared with: a response as it was sent. */
export interface SentResponse {
  prompt_uuid: string;
  turn_number?: number | null;
  content?: unknown;
}

/**
 * A hook for scoring replies: the server echoes each response's `content`. Where the echo equals
 * the content that was sent, the reply takes the sent string instead, so a large run does not
 * hold every response twice (once from the file, once from the reply). Replies are matched by
 * position first (servers answer in the order sent), then by prompt and turn; a different or
 * missing echo is left exactly as it came. `shared` counts the echoes replaced.
 */
export function shareEchoedContent(sent: readonly SentResponse[]): ElementHook & { shared: number } {
  let byPromptTurn: Map<string, string> | undefined;
  const promptTurn = (prompt: unknown, turn: unknown) => `${String(prompt)}\u0000${typeof turn === 'number' ? turn : 1}`;
  const hook: ElementHook & { shared: number } = Object.assign((key: string, element: unknown, index: number) => {
    if (key !== 'responses' && key !== 'items') return element;
    if (!element || typeof element !== 'object') return element;
    const r = element as Record<string, unknown>;
    const echo = r.content;
    if (typeof echo !== 'string') return element;
    const s = sent[index];
    let own = s && s.prompt_uuid === r.prompt_uuid && (s.turn_number ?? 1) === (r.turn_number ?? 1) ? s.content : undefined;
    if (own === undefined) {
      if (!byPromptTurn) {
        byPromptTurn = new Map();
        for (const x of sent) if (typeof x.content === 'string') byPromptTurn.set(promptTurn(x.prompt_uuid, x.turn_number), x.content);
      }
      own = byPromptTurn.get(promptTurn(r.prompt_uuid, r.turn_number));
    }
    if (typeof own === 'string' && own === echo) {
      r.content = own;
      hook.shared++;
    }
    return element;
  }, { shared: 0 });
  return hook;
}

/**
 * JSON.stringify(value) as UTF-8 bytes, without ever holding the whole text: the elements of a
 * top-level array (the responses of a scoring request) are written one at a time. As one string,
 * a request with a single character outside Latin-1 costs two bytes per character (a 60 MB file:
 * 120 MB), only to be thrown away once encoded. The bytes are exactly JSON.stringify's.
 */
export function jsonBytes(value: unknown): Buffer {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  }
  const chunks: Buffer[] = [];
  let pending = '';
  const write = (s: string) => {
    pending += s;
    if (pending.length >= 1 << 16) {
      chunks.push(Buffer.from(pending, 'utf8'));
      pending = '';
    }
  };
  write('{');
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      write(`${first ? '' : ','}${JSON.stringify(k)}:[`);
      for (let i = 0; i < v.length; i++) write(`${i ? ',' : ''}${JSON.stringify(v[i]) ?? 'null'}`);
      write(']');
    } else {
      const json = JSON.stringify(v);
      if (json === undefined) continue;
      write(`${first ? '' : ','}${JSON.stringify(k)}:${json}`);
    }
    first = false;
  }
  write('}');
  chunks.push(Buffer.from(pending, 'utf8'));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
const PIECE_BYTES = 1024 * 1024;
export const NOT_PIECEWISE: unique symbol = Symbol('not piecewise');

/**
 * JSON.parse(replyText(bytes)) for a large reply whose top level is an object, without ever
 * holding the reply's whole text: the top-level members, and the elements of a member that is
 * an array (a run of about PIECE_BYTES at a time), are cut out of the bytes, decoded and parsed
 * piece by piece. As one string, a reply
 * costs two bytes per character as soon as a single character lies outside Latin-1: twice its
 * size again on top of the parsed objects (a 100 MB run with 100,000 responses: 200 MB).
 * Pieces are cut at ASCII bytes, which never occur inside a multi-byte UTF-8 sequence, so they
 * decode to the same characters as the whole; members are defined as JSON.parse defines them
 * (a repeated key keeps its first place and its last value; "__proto__" is an own property).
 * Anything unexpected returns NOT_PIECEWISE, and the caller parses the whole text, so invalid
 * JSON fails exactly as before. Exported for tests.
 */
export function parseJsonPiecewise(b: Buffer, eachElement?: ElementHook): unknown {
  try {
    let i = skipWs(b, hasBom(b) ? 3 : 0);
    if (b[i] !== 0x7b) return NOT_PIECEWISE;
    const out: Record<string, unknown> = {};
    i = skipWs(b, i + 1);
    if (b[i] === 0x7d) return skipWs(b, i + 1) === b.length ? out : NOT_PIECEWISE;
    for (;;) {
      if (b[i] !== 0x22) return NOT_PIECEWISE;
      const keyEnd = stringEnd(b, i);
      if (keyEnd < 0) return NOT_PIECEWISE;
      const key = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
      i = skipWs(b, keyEnd);
      if (b[i] !== 0x3a) return NOT_PIECEWISE;
      i = skipWs(b, i + 1);
      let value: unknown;
      let end: number;
      if (b[i] === 0x5b) {
        // Elements are parsed a run at a time (about PIECE_BYTES of them), as a small array.
        const arr: unknown[] = [];
        let j = skipWs(b, i + 1);
        if (b[j] === 0x5d) end = j + 1;
        else {
          let runStart = j;
          for (;;) {
            const e = valueEnd(b, j);
            if (e < 0) return NOT_PIECEWISE;
            j = skipWs(b, e);
            const last = b[j] === 0x5d;
            if (!last && b[j] !== 0x2c) return NOT_PIECEWISE;
            if (last || e - runStart >= PIECE_BYTES) {
              for (const v of JSON.parse(`[${b.toString('utf8', runStart, e)}]`) as unknown[]) arr.push(eachElement ? eachElement(key, v, arr.length) : v);
              runStart = skipWs(b, j + 1);
            }
            if (last) break;
            j = skipWs(b, j + 1);
          }
          end = j + 1;
        }
        value = arr;
      } else {
        end = valueEnd(b, i);
        if (end < 0) return NOT_PIECEWISE;
        value = JSON.parse(b.toString('utf8', i, end));
      }
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      i = skipWs(b, end);
      if (b[i] === 0x2c) i = skipWs(b, i + 1);
      else if (b[i] === 0x7d) return skipWs(b, i + 1) === b.length ? out : NOT_PIECEWISE;
      else return NOT_PIECEWISE;
    }
  } catch {
    return NOT_PIECEWISE;
  }
}

function skipWs(b: Buffer, i: number): number {
  while (i < b.length) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** End (exclusive) of the string whose opening quote is at `i`; -1 when it does not end. */
function stringEnd(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(0x22, from);
    if (q < 0) return -1;
    let k = q - 1;
    while (k > i && b[k] === 0x5c) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1; // an even number of backslashes: not escaped
    from = q + 1;
  }
}

/** End (exclusive) of the value starting at `i` (not checked: JSON.parse of the piece does that); -1 when there is none or it does not end. */
function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === 0x22) return stringEnd(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < b.length; ) {
      const d = b[j];
      if (d === 0x22) {
        j = stringEnd(b, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < b.length) {
    const d = b[j];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    j++;
  }
  return j > i ? j : -1; // no value here (a comma too many, or the end)
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function cancelled(what: string, isPost: boolean): ApiError {
  return new ApiError({ kind: 'cancelled', message: `${what} was cancelled.`, ambiguous: isPost });
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Server-requested delay from `retry-after-ms` or `retry-after` (seconds or HTTP date). */
export function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headerString(headers['retry-after-ms']));
  if (headerString(headers['retry-after-ms']) && Number.isFinite(ms) && ms >= 0) return ms;
  const ra = headerString(headers['retry-after']);
  if (!ra) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Turn an error reply into an ApiError using the v2 envelope, the older `{detail}` shape, or the status alone. */
export function errorFromReply(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  what: string,
  isPost: boolean,
): ApiError {
  let code: string | undefined;
  let message: string | undefined;
  let requestId = headerString(headers['x-request-id']);
  let details: unknown;
  try {
    const json: unknown = JSON.parse(text);
    const env = ErrorEnvelope.safeParse(json);
    if (env.success) {
      code = env.data.error.code;
      message = env.data.error.message;
      details = env.data.error.details;
      requestId = env.data.request_id || requestId;
    } else {
      const legacy = LegacyError.safeParse(json);
      if (legacy.success) message = legacyDetail(legacy.data.detail);
    }
  } catch {
    // not JSON: an HTML proxy page or similar; the status alone speaks
  }
  const kind = kindForStatus(status, code);
  if (kind === 'redirect') {
    const location = headerString(headers['location']);
    let where = 'another location';
    try {
      if (location) where = new URL(location).origin;
    } catch {
      /* relative or junk location */
    }
    message = `The API answered ${what} with a redirect to ${where}, which is not followed.`;
  }
  const text1 = clean(message) || `${what} failed with HTTP ${status}.`;
  return new ApiError({
    kind,
    status,
    code,
    requestId: requestId || undefined,
    details,
    message: text1,
    ambiguous: isPost && status >= 500,
  });
}

function legacyDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .slice(0, 3)
      .map((d) => {
        const o = d as { loc?: unknown[]; msg?: string };
        return `${Array.isArray(o.loc) ? o.loc.join('.') + ': ' : ''}${o.msg ?? JSON.stringify(d)}`;
      })
      .join('; ');
  }
  return JSON.stringify(detail);
}

/** Server text goes into messages: keep it short, one line, no control characters. */
function clean(s: string | undefined): string {
  return s ? oneLine(s, 500) : '';
}
