/**
 * A misbehaving API for tests: a small HTTP stub on 127.0.0.1 in front of the local server. Each
 * request goes to the test's handler, which answers itself (a lying count, a trickle, an endless
 * body…) or forwards the request to the local server (so runs really exist there). Every request
 * is recorded. Also runs the built CLI against it.
 */
import * as assert from 'node:assert/strict';
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { spawnCli, type CliRun } from './cliRun';

export const ROOT = resolve(__dirname, '../../..');

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StubRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Send this request to the local server and return its reply (not yet sent back). */
  forward(): Promise<Upstream>;
}

/** Answer `res` yourself, or return an Upstream (e.g. a changed forward()) to send back. */
export type StubHandler = (req: StubRequest, res: ServerResponse) => Promise<Upstream | void> | Upstream | void;

export interface Stub {
  url: string;
  port: number;
  server: Server;
  requests: { method: string; path: string; query: URLSearchParams }[];
  /** Requests whose "METHOD path" matches. */
  count(method: string, path: RegExp | string): number;
  close(): Promise<void>;
}

/** A stub on 127.0.0.1 (https with `tls`) forwarding to the local server at `target` unless `handler` answers. */
export async function startStub(target: string | undefined, handler: StubHandler, tls?: { key: string; cert: string }): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, query: url.searchParams });
      const body = Buffer.concat(chunks);
      const stubReq: StubRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        forward: () => {
          assert.ok(target, 'this stub has no local server to forward to');
          return forward(target, method, req.url ?? '/', req.headers, body);
        },
      };
      Promise.resolve(handler(stubReq, res))
        .then(async (reply) => {
          if (res.headersSent || res.writableEnded) return;
          const r = reply ?? (await stubReq.forward());
          sendUpstream(res, r);
        })
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    server,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function forward(target: string, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Upstream> {
  const t = new URL(target);
  return new Promise((resolvePromise, reject) => {
    const out = httpRequest({ host: t.hostname, port: t.port, method, path, headers: { ...headers, host: t.host, 'content-length': String(body.length) } }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => resolvePromise({ status: up.statusCode ?? 0, headers: up.headers, body: Buffer.concat(chunks) }));
      up.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

function sendUpstream(res: ServerResponse, r: Upstream): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) headers[k] = v;
  headers['content-length'] = String(r.body.length);
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** A JSON reply to send back from a handler. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Upstream {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/** The JSON of a forwarded reply, changed by `edit`. */
export function edited(up: Upstream, edit: (j: Record<string, unknown>) => void): Upstream {
  const j = JSON.parse(up.body.toString('utf8')) as Record<string, unknown>;
  edit(j);
  return { ...up, body: Buffer.from(JSON.stringify(j)) };
}

// ------------------------------------------------------------------ misbehaving replies

/**
 * 200, then the start of a JSON object and a space every 40 ms, until the client goes away;
 * `heldMs()` is how long the client stayed (undefined while it still does).
 */
export function trickle(res: ServerResponse): { heldMs: () => number | undefined } {
  const started = Date.now();
  let closed: number | undefined;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{');
  const t = setInterval(() => res.write(' '), 40);
  res.on('close', () => {
    closed = Date.now();
    clearInterval(t);
  });
  return { heldMs: () => (closed === undefined ? undefined : closed - started) };
}

/** 200, then an array of strings without end, as fast as the client reads; `sent` counts what was written. */
export function endless(res: ServerResponse, sent: { bytes: number; closed: boolean }): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"responses":[');
  const chunk = Buffer.from(`"${'a'.repeat(62)}",`.repeat(1024));
  res.on('close', () => (sent.closed = true));
  const pump = () => {
    while (!sent.closed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

// ------------------------------------------------------------------ the built CLI

export type { CliRun };

/**
 * Runs `node dist/cli.js` with `key` as AYMARA_AI_API_KEY (AYMARA_* and proxy variables of this
 * process removed); fails the test if it outlives `timeoutMs` or prints the key.
 */
export function runCli(args: string[], o: { key: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AYMARA_|https?_proxy$|no_proxy$)/i.test(k)) env[k] = v;
  Object.assign(env, { AYMARA_AI_API_KEY: o.key }, o.env);
  return spawnCli(args, env, { timeoutMs: o.timeoutMs ?? 60_000 }).then((r) => {
    assert.ok(!r.stdout.includes(o.key) && !r.stderr.includes(o.key), `the API key was printed by aymara-eval ${args.join(' ')}`);
    return r;
  });
}
