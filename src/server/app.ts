/**
 * The request pipeline: stats → global latency → Host and API-key checks → faults → handler →
 * after-commit faults → reply. Control endpoints under /_local/ (fault injection, stats, reset)
 * need the API key too and are not counted in stats or subject to faults. The local object
 * storage behind presigned file URLs takes no API key: the handler checks the URL's signature.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { handleApi } from './api';
import type { Faults } from './faults';
import type { FileStore } from './files';
import { ApiError, codeForStatus, errorReply, newRequestId, readJson, send, type Reply, type Sleeper } from './http';
import type { Overrides } from './overrides';
import type { Reports } from './reports';
import { lookupRoute } from './router';
import type { Stats } from './stats';
import type { Store } from './store';
import type { Fault } from './types';

export interface AppState {
  apiKey: string;
  readOnlyApiKey: string | undefined;
  expiredApiKey: string | undefined;
  store: Store;
  overrides: Overrides;
  reports: Reports;
  files: FileStore;
  /** The server's own origin (set once it listens), for presigned URLs. */
  baseUrl: string;
  faults: Faults;
  stats: Stats;
  sleeper: Sleeper;
  latencyMs: number;
  maxBodyBytes: number;
  asyncPolls: number;
  reset(): void;
}

const CONTROL_BODY_LIMIT = 1024 * 1024;

/** What a proxy in front of the API might send: an error page, or (for 200) a network sign-in page. */
function htmlPage(status: number): string {
  if (status < 300) {
    return '<!DOCTYPE html>\n<html><head><title>Network sign-in required</title></head>\n<body><h1>Sign in to continue</h1><p>This network requires you to sign in before you can use the internet.</p></body></html>\n';
  }
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head>\n<body><center><h1>${title}</h1></center>\n<hr><center>local-proxy</center></body></html>\n`;
}

const MALFORMED_BODY = '{"eval_run_uuid": "score_run.00000000-0000-4000-8000-000000000000", "status": "fini';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function sameKey(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Host header names a loopback address (guards against DNS rebinding from a browser page). */
export function isLoopbackHostHeader(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']') > 0 ? name.indexOf(']') : undefined);
  else name = name.replace(/:\d*$/, '');
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function checkHost(req: IncomingMessage): void {
  const host = req.headers.host;
  if (host !== undefined && !isLoopbackHostHeader(host)) {
    throw new ApiError(400, 'validation.invalid_request', 'The local server only answers requests addressed to a loopback host (127.0.0.1, ::1 or localhost).', {
      field: 'host',
    });
  }
}

/** Throws 401/403 unless the request carries an acceptable x-api-key. */
function checkAuth(state: AppState, req: IncomingMessage, method: string, allowReadOnly: boolean): void {
  const raw = req.headers['x-api-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) throw new ApiError(401, 'auth.invalid_key', 'Missing API key: send it in the x-api-key header.', { header: 'x-api-key' });
  if (sameKey(key, state.apiKey)) return;
  if (state.expiredApiKey && sameKey(key, state.expiredApiKey)) {
    throw new ApiError(401, 'auth.expired_key', 'The API key has expired.', { header: 'x-api-key' });
  }
  if (state.readOnlyApiKey && sameKey(key, state.readOnlyApiKey)) {
    if (allowReadOnly && (method === 'GET' || method === 'HEAD')) return;
    throw new ApiError(403, 'auth.insufficient_permissions', `This API key may only read; ${method} needs a key with write access.`, { method });
  }
  throw new ApiError(401, 'auth.invalid_key', 'Invalid API key.', { header: 'x-api-key' });
}

function toApiError(err: unknown, where: string): ApiError {
  if (err instanceof ApiError) return err;
  process.stderr.write(`local server: internal error on ${where}: ${(err as Error)?.message ?? String(err)}\n`);
  return new ApiError(500, 'server.internal_error', 'Internal error in the local server.');
}

function gone(state: AppState, res: ServerResponse): boolean {
  return state.sleeper.isClosed || res.destroyed || res.writableEnded;
}

/** A bare origin as location means "the same path and query on that origin". */
function redirectTarget(location: string, url: URL): string {
  const target = new URL(location);
  const rest = location.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  if (rest === '' || rest === '/') return `${target.origin}${url.pathname}${url.search}`;
  return target.toString();
}

/** Faults that replace the whole exchange. Returns true when the request is dealt with. */
function applyPreFault(fault: Fault, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): boolean {
  switch (fault.kind) {
    case 'status': {
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      const err = new ApiError(
        fault.status,
        fault.code ?? codeForStatus(fault.status),
        fault.message ?? `Injected fault: HTTP ${fault.status} from the local server.`,
        { fault: 'status' },
        headers,
      );
      send(res, errorReply(err, requestId), requestId);
      return true;
    }
    case 'reset':
      req.socket.destroy();
      return true;
    case 'hang':
      return true;
    case 'malformed':
      send(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, text: fault.body ?? MALFORMED_BODY }, requestId);
      return true;
    case 'html': {
      const status = fault.status ?? 502;
      send(res, { status, headers: { 'content-type': 'text/html; charset=utf-8' }, text: fault.body ?? htmlPage(status) }, requestId);
      return true;
    }
    case 'redirect':
      send(res, { status: fault.status ?? 307, headers: { location: redirectTarget(fault.location, url) } }, requestId);
      return true;
    default:
      return false;
  }
}

function drift(reply: Reply, fault: Extract<Fault, { kind: 'drift' }>): Reply {
  const body = reply.json;
  if (reply.status >= 300 || typeof body !== 'object' || body === null || Array.isArray(body)) return reply;
  const omit = fault.omit ?? (fault.extra ? [] : ['status']);
  const change = (o: Record<string, unknown>): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...o, ...fault.extra };
    for (const k of omit) delete copy[k];
    return copy;
  };
  const where = fault.where ?? 'body';
  const top = body as Record<string, unknown>;
  if (where === 'body') return { ...reply, json: change(top) };
  const list = top[where];
  if (!Array.isArray(list)) return reply;
  return { ...reply, json: { ...top, [where]: list.map((x) => (typeof x === 'object' && x !== null ? change(x as Record<string, unknown>) : x)) } };
}

async function handleControl(state: AppState, req: IncomingMessage, method: string, path: string): Promise<Reply> {
  checkHost(req);
  checkAuth(state, req, method, false);
  const route = `${method} ${path.replace(/\/$/, '')}`;
  switch (route) {
    case 'GET /_local/faults':
      return { status: 200, json: { faults: state.faults.list() } };
    case 'POST /_local/faults': {
      const body = await readJson(req, CONTROL_BODY_LIMIT);
      try {
        state.faults.add(body as Fault | Fault[]);
      } catch (err) {
        throw new ApiError(422, 'validation.invalid_request', (err as Error).message);
      }
      return { status: 200, json: { faults: state.faults.list() } };
    }
    case 'DELETE /_local/faults':
      state.faults.clear();
      return { status: 204 };
    case 'GET /_local/stats':
      return { status: 200, json: state.stats.snapshot() };
    case 'DELETE /_local/stats':
      state.stats.reset();
      return { status: 204 };
    case 'POST /_local/reset':
      state.reset();
      return { status: 204 };
    default:
      throw new ApiError(404, 'resource.not_found', `No control endpoint ${method} ${path}.`);
  }
}

async function handle(state: AppState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://loopback.invalid');
  } catch {
    send(res, errorReply(new ApiError(400, 'validation.invalid_format', 'Malformed request target.'), requestId), requestId);
    return;
  }
  const path = url.pathname;
  const where = `${method} ${path}`;

  if (path === '/_local' || path.startsWith('/_local/')) {
    let reply: Reply;
    try {
      reply = await handleControl(state, req, method, path);
    } catch (err) {
      reply = errorReply(toApiError(err, where), requestId);
    }
    send(res, reply, requestId);
    return;
  }

  const lookup = lookupRoute(method, path);
  const routeKey = lookup.found ? lookup.route.key : lookup.key;
  const record = state.stats.record(method, path, routeKey, req.headers);
  res.once('finish', () => {
    record.status = res.statusCode;
  });

  let fault: Fault | undefined;
  let reply: Reply;
  try {
    await state.sleeper.sleep(state.latencyMs);
    if (gone(state, res)) return;
    checkHost(req);
    if (!(lookup.found && lookup.route.presigned)) checkAuth(state, req, method, true);
    const taken = state.faults.take(method, path, routeKey, lookup.found ? lookup.route.name : null);
    fault = taken.fault;
    await state.sleeper.sleep(taken.latencyMs);
    if (gone(state, res)) return;
    if (fault && applyPreFault(fault, req, res, requestId, url)) return;
    if (!lookup.found) {
      if (lookup.allowed.length) {
        throw new ApiError(405, 'validation.invalid_request', `${method} is not allowed on ${path}; use ${lookup.allowed.join(' or ')}.`, { allowed: lookup.allowed }, {
          allow: lookup.allowed.join(', '),
        });
      }
      throw new ApiError(404, 'resource.not_found', `No endpoint ${method} ${path}.`);
    }
    reply = await handleApi(lookup.route.name, {
      req,
      query: url.searchParams,
      params: lookup.route.params,
      store: state.store,
      overrides: state.overrides,
      reports: state.reports,
      files: state.files,
      baseUrl: state.baseUrl,
      maxBodyBytes: state.maxBodyBytes,
      asyncPolls: state.asyncPolls,
      fault,
    });
  } catch (err) {
    reply = errorReply(toApiError(err, where), requestId);
  }
  if (gone(state, res)) return;

  if (fault?.kind === 'status-after-commit') {
    if (fault.reset) {
      req.socket.destroy();
      return;
    }
    if (fault.hang) return;
    const status = fault.status ?? 500;
    reply = errorReply(
      new ApiError(status, codeForStatus(status), `Injected fault: HTTP ${status} after the request was carried out.`, { fault: 'status-after-commit' }),
      requestId,
    );
  } else if (fault?.kind === 'drift') {
    reply = drift(reply, fault);
  }
  send(res, reply, requestId);
}

export function createRequestListener(state: AppState): RequestListener {
  return (req, res) => {
    handle(state, req, res).catch((err: unknown) => {
      const requestId = newRequestId();
      send(res, errorReply(toApiError(err, `${req.method} ${req.url?.split('?')[0]}`), requestId), requestId);
    });
  };
}
