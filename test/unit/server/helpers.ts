/** Small helpers for the local server's unit tests: real HTTP through Node's fetch. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LocalServer } from '../../../src/server';

export const KEY = 'demo-key';

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** null sends no key; default 'demo-key'. */
  key?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
  redirect?: RequestRedirect;
  /** Sent as is (FormData, bytes…); fetch sets its content-type unless `headers` does. */
  rawBody?: BodyInit;
}

export async function call(server: LocalServer | string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const base = typeof server === 'string' ? server : server.url;
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) headers['x-api-key'] = key;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    redirect: opts.redirect ?? 'manual',
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const SCORE = '/v2/eval-runs/-/score-responses';

/** Repository root, found from this file whether it runs from test/ or out/test/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export function fixture(rel: string): string {
  return readFileSync(join(repoRoot(), 'test', 'fixtures', rel), 'utf8');
}

export function fixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(fixture(rel)) as T;
}

/** Asserts the v2 error envelope and returns it. */
export function assertEnvelope(r: CallResult, status: number, code: string): { code: string; message: string; details: Record<string, unknown> } {
  if (r.status !== status) throw new Error(`expected HTTP ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  const env = r.json as { error?: { code?: unknown; message?: unknown; details?: unknown }; request_id?: unknown } | undefined;
  if (!env?.error) throw new Error(`no error envelope: ${r.text.slice(0, 300)}`);
  if (env.error.code !== code) throw new Error(`expected code ${code}, got ${String(env.error.code)}`);
  if (typeof env.error.message !== 'string' || !env.error.message) throw new Error('error.message missing');
  if (typeof env.error.details !== 'object' || env.error.details === null) throw new Error('error.details missing');
  if (typeof env.request_id !== 'string' || !/^req_[0-9a-f]{16}$/.test(env.request_id)) throw new Error(`bad request_id ${String(env.request_id)}`);
  if (r.headers.get('x-request-id') !== env.request_id) throw new Error('x-request-id header does not match request_id');
  return env.error as { code: string; message: string; details: Record<string, unknown> };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
