/**
 * What the wire gave, made into an ApiError: an error reply (the v2 envelope, the older `{detail}`
 * shape, or the status alone) and the server's requested retry delay.
 */
import { ApiError, kindForStatus } from './apiError';
import { oneLine } from './present/text';
import { ErrorEnvelope, LegacyError } from './schemas';

export function headerString(v: string | string[] | undefined): string | undefined {
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

// ------------------------------------------------------------------ failures on the wire

/** Transport failures undici retries for idempotent calls. */
export const RETRY_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'];
/** Failures that prove the request never reached the server, so even a POST may be sent again. */
export const NOT_SENT_ERRORS = ['ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT'];
const IDLE_TIMEOUT_ERRORS = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'];

/** How a front end names the settings behind the client's limits, for messages ("--timeout", "aymara.requestTimeoutSeconds"). */
export interface LimitNames {
  timeout?: string;
  maxReply?: string;
}

/** One request as the error mapping needs to know it. */
export interface WireContext {
  /** "METHOD /path". */
  what: string;
  isPost: boolean;
  timeoutMs: number;
  names: LimitNames;
  /** The proxy the request goes through, as it may be shown ("http://proxy:3128 (from HTTPS_PROXY)"). */
  proxy?: string;
}

/** The request outlived its time limit (overall, or waiting for the next byte). */
export function timedOut(c: WireContext, cause?: unknown): ApiError {
  const secs = Math.round(c.timeoutMs / 100) / 10;
  return new ApiError({
    kind: 'timeout',
    message: `${c.what} timed out after ${secs} s (the time limit for one request${c.names.timeout ? `, set by ${c.names.timeout}` : ''}).`,
    ambiguous: c.isPost,
    cause,
  });
}

/** The reply (declared or read so far) is larger than the reply size limit. */
export function tooLarge(c: WireContext, limitBytes: number, status: number, requestId: string | undefined): ApiError {
  const mb = limitBytes / (1024 * 1024);
  return new ApiError({
    kind: 'too-large',
    status,
    requestId,
    message: `The API's reply to ${c.what} is larger than ${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB, the reply size limit${c.names.maxReply ? ` (${c.names.maxReply})` : ''}; it was not read further.`,
    // A reply means the server handled the request.
    ambiguous: c.isPost,
  });
}

/** A failure from undici (socket, DNS, proxy, idle timeout) as an ApiError. */
export function transportError(err: unknown, c: WireContext): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: string }).code ?? '';
  const reason = (err as Error).message ?? String(err);
  if (IDLE_TIMEOUT_ERRORS.includes(code)) return timedOut(c, err);
  const via = c.proxy ? ` through the proxy ${c.proxy}` : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ApiError({ kind: 'timeout', message: `${c.what} timed out (could not connect${via}).`, ambiguous: false, cause: err });
  }
  const refused = c.proxy ? /^Proxy response \((\d+)\)/.exec(reason) : null;
  if (refused) {
    return new ApiError({
      kind: 'network',
      message: `${c.what} could not be sent${via}: the proxy answered HTTP ${refused[1]} when asked to connect to the API.`,
      ambiguous: false,
      cause: err,
    });
  }
  const sent = !NOT_SENT_ERRORS.includes(code);
  return new ApiError({
    kind: 'network',
    message: `${c.what} failed${via}: ${code ? `${code}, ` : ''}${clean(reason)}.`.replace(/\.\.$/, '.'),
    ambiguous: c.isPost && sent,
    cause: err,
  });
}

export function cancelled(what: string, isPost: boolean): ApiError {
  return new ApiError({ kind: 'cancelled', message: `${what} was cancelled.`, ambiguous: isPost });
}
