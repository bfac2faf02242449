/**
 * HTTP plumbing for the local server: replies, the error envelope, bodies, paging parameters.
 * Handlers return a Reply; only `send` writes to the socket.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonBytes } from '../core/jsonBody';
import type { ErrorCode } from '../core/schemas';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is (use headers for its content-type). */
  text?: string;
  /** Bytes sent as is (use headers for its content-type). */
  bytes?: Buffer;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 422 `validation.invalid_request` naming each bad field in the message and in details.fields. */
export function invalidRequest(problems: readonly FieldProblem[], extra: Record<string, unknown> = {}, max = 50): ApiError {
  const shown = problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`);
  if (problems.length > 5) shown.push(`…and ${problems.length - 5} more`);
  return new ApiError(422, 'validation.invalid_request', `Invalid request: ${shown.join('; ')}`, {
    fields: problems.slice(0, max),
    ...(problems.length > max ? { fields_total: problems.length } : {}),
    ...extra,
  });
}

/** 422 for a body that failed a zod schema: one field problem per issue ('(body)' for the root). */
export function invalidBody(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiError {
  return invalidRequest(issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : '(body)', message: i.message })));
}

export function notFound(what: string, id: string, field?: string): ApiError {
  return new ApiError(404, 'resource.not_found', `${what} "${id}" was not found.`, field ? { field, value: id } : { value: id });
}

/** The error code the envelope carries for a status when none is given. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'auth.invalid_key';
    case 403:
      return 'auth.insufficient_permissions';
    case 404:
      return 'resource.not_found';
    case 409:
      return 'resource.conflict';
    case 429:
      return 'quota.limit_exceeded';
    default:
      if (status >= 500) return 'server.internal_error';
      return 'validation.invalid_request';
  }
}

export function newRequestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

export function errorReply(err: ApiError, requestId: string): Reply {
  return {
    status: err.status,
    headers: err.headers,
    json: { error: { code: err.code, message: err.message, details: err.details }, request_id: requestId },
  };
}

export function send(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { 'x-request-id': requestId, 'cache-control': 'no-store', ...reply.headers };
  let payload: string | undefined;
  if (reply.json !== undefined && reply.status !== 204 && reply.status !== 304) {
    // A list's elements are written a batch at a time (see jsonBytes): the same bytes as
    // JSON.stringify, without encoding a large two-byte string at once.
    const body = jsonBytes(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = body.length;
    res.writeHead(reply.status, headers);
    res.end(body);
    return;
  } else if (reply.text !== undefined) {
    payload = reply.text;
  } else if (reply.bytes !== undefined && reply.status !== 204 && reply.status !== 304) {
    headers['content-length'] = reply.bytes.length;
    res.writeHead(reply.status, headers);
    res.end(reply.bytes);
    return;
  }
  if (payload === undefined || reply.status === 204 || reply.status === 304) {
    headers['content-length'] = 0;
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  // Encode once: Buffer.byteLength and then writing the string would each walk all of it.
  const body = Buffer.from(payload, 'utf8');
  headers['content-length'] = body.length;
  res.writeHead(reply.status, headers);
  res.end(body);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'validation.invalid_request', `Request body is larger than the limit of ${limit} bytes.`, { limit_bytes: limit });
}

/**
 * Reads the whole body, refusing more than `limit` bytes with 413. After a refusal the rest of
 * the body is drained and discarded (never buffered), so the client still reads the 413.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    let ended = false;
    const incomplete = () => {
      if (ended || failed) return;
      failed = true;
      chunks.length = 0;
      reject(new ApiError(400, 'validation.invalid_request', 'The request body ended early (the client went away).'));
    };
    req.on('data', onData);
    req.once('end', () => {
      ended = true;
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', incomplete);
    req.once('close', incomplete);
  });
}

/** Parses a JSON body; unparseable text is 422 `validation.invalid_format`. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const buf = await readBody(req, limit);
  if (!buf.length) throw new ApiError(422, 'validation.invalid_format', 'The request body is empty; a JSON object was expected.');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new ApiError(422, 'validation.invalid_format', `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

export interface Paging {
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 100;

/** `limit` 1..100 (default 100), `offset` ≥ 0 (default 0); anything else is 422 naming the parameter. */
export function parsePaging(query: URLSearchParams): Paging {
  const problems: FieldProblem[] = [];
  const read = (name: string, def: number, min: number, max: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return def;
    if (!/^-?\d+$/.test(raw.trim())) {
      problems.push({ field: name, message: `must be a whole number, got "${raw.slice(0, 40)}"` });
      return def;
    }
    const n = Number(raw);
    if (n < min || n > max) problems.push({ field: name, message: max === Infinity ? `must be at least ${min}` : `must be between ${min} and ${max}` });
    return n;
  };
  const limit = read('limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = read('offset', 0, 0, Infinity);
  if (problems.length) throw invalidRequest(problems);
  return { limit, offset };
}

export function pageOf<T>(all: readonly T[], p: Paging): { items: T[]; count: number } {
  return { items: all.slice(p.offset, p.offset + p.limit), count: all.length };
}

/**
 * The bytes of `ok(pageOf(all, p))`'s body, each item's JSON taken from `cache` (and kept there):
 * a run's results are paged over and over and change only when overridden, which forgets the item.
 */
export function pageBytes<T extends object>(all: readonly T[], p: Paging, cache: WeakMap<T, Buffer>): Reply {
  const items = all.slice(p.offset, p.offset + p.limit);
  const parts: Buffer[] = [OPEN_ITEMS];
  items.forEach((item, i) => {
    let b = cache.get(item);
    if (!b) cache.set(item, (b = Buffer.from(JSON.stringify(item), 'utf8')));
    if (i) parts.push(COMMA);
    parts.push(b);
  });
  parts.push(Buffer.from(`],"count":${all.length}}`));
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, bytes: Buffer.concat(parts) };
}
const OPEN_ITEMS = Buffer.from('{"items":[');
const COMMA = Buffer.from(',');

/** `true`/`false`/`1`/`0` (case-insensitive); absent → undefined; anything else is 422. */
export function parseBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalidRequest([{ field: name, message: `must be true or false, got "${raw.slice(0, 40)}"` }]);
}

/** Timers that close() can cut short, so no request keeps the process alive after close. */
export class Sleeper {
  private closed = false;
  private readonly waiters = new Set<() => void>();

  get isClosed(): boolean {
    return this.closed;
  }

  sleep(ms: number): Promise<void> {
    if (!(ms > 0) || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w();
  }
}
