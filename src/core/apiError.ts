/**
 * Errors from the Aymara API client, each with a kind a UI can act on and a next step.
 * Messages never include the API key or request bodies.
 */

export type ApiErrorKind =
  | 'auth' // 401: missing, invalid or expired key
  | 'permission' // 403
  | 'not-found' // 404
  | 'validation' // 400, 422
  | 'conflict' // 409
  | 'rate-limit' // 429, quota
  | 'server' // 5xx
  | 'redirect' // 3xx, never followed
  | 'network' // connection refused, reset, DNS
  | 'timeout'
  | 'cancelled'
  | 'invalid-reply' // not JSON, missing required fields, or not an answer to the request
  | 'too-large' // larger than the reply size limit
  | 'config'; // bad base URL

export interface ApiErrorInit {
  kind: ApiErrorKind;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
  details?: unknown;
  /** True when the server may have processed the request even though the client saw a failure. */
  ambiguous?: boolean;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly details: unknown;
  readonly ambiguous: boolean;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.ambiguous = init.ambiguous ?? false;
  }

  /** What the user can do next, phrased for any front end (editor or terminal). */
  get nextStep(): string {
    switch (this.kind) {
      case 'auth':
        return 'Check your Aymara API key and set it again.';
      case 'permission':
        return 'Use a key with access to this eval and workspace, or check the workspace setting.';
      case 'not-found':
        return 'Check the eval id (and workspace); pick the eval again.';
      case 'validation':
        return 'Fix the responses file as described and score again.';
      case 'conflict':
        return 'Another change to this run is in progress; wait a moment and score again.';
      case 'rate-limit':
        return 'You hit a rate limit or quota; wait a minute and score again, or check your plan.';
      case 'server':
        return 'The Aymara service had a problem; try again in a few minutes.';
      case 'redirect':
        return 'Check the API base URL: redirects are never followed, so the key cannot leak to another origin.';
      case 'network':
        return 'Check your network connection and the API base URL, then try again.';
      case 'timeout':
        return 'The service is slow to answer; try again, or raise the timeout named above.';
      case 'cancelled':
        return 'Score again when you are ready.';
      case 'too-large':
        return 'If a run this large is expected, raise the limit named above; otherwise check the API base URL.';
      case 'invalid-reply':
        return 'The API answered in an unexpected shape; check the API base URL, or report this with the request id.';
      case 'config':
        return 'Fix the API base URL setting.';
    }
  }

  /** One line for logs and messages: message, HTTP status, code and request id; never secrets. */
  describe(): string {
    const bits: string[] = [];
    if (this.status !== undefined) bits.push(`HTTP ${this.status}`);
    if (this.code) bits.push(this.code);
    if (this.requestId) bits.push(`request ${this.requestId}`);
    return bits.length ? `${this.message} (${bits.join(', ')})` : this.message;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Map an HTTP status and API error code to an error kind. */
export function kindForStatus(status: number, code?: string): ApiErrorKind {
  if (code?.startsWith('auth.')) return code === 'auth.insufficient_permissions' ? 'permission' : 'auth';
  if (code === 'quota.limit_exceeded') return 'rate-limit';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limit';
  if (status === 400 || status === 413 || status === 422) return 'validation';
  if (status >= 300 && status < 400) return 'redirect';
  return 'server';
}
