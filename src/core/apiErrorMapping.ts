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
