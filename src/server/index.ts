/**
 * A local, Aymara-compatible HTTP server for tests and demos. It speaks the v2 REST API over
 * real HTTP on a loopback address, scores with a deterministic local judge (see judge.ts, not
 * Aymara's scoring) and can inject faults. Node `http` only.
 *
 *   const server = await startServer({ port: 0 });
 *   await fetch(`${server.url}/v2/evals`, { headers: { 'x-api-key': 'demo-key' } });
 *   await server.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener, type AppState } from './app';
import { Faults } from './faults';
import { FileStore } from './files';
import { Sleeper } from './http';
import { Overrides } from './overrides';
import { Reports } from './reports';
import { bundledSeed, validateSeed } from './seed';
import { Stats } from './stats';
import { Store } from './store';
import type { LocalServer, LoopbackHost, RunsView, StartServerOptions } from './types';

export type * from './types';
export { bundledSeed, loadSeedFile, validateSeed } from './seed';
export type { SeedEval, SeedPrompt, SeedPromptBase, SeedGeneratedPrompts } from './seed';
export { judge, confidenceFor, REFUSAL_EXPLANATION, EXCLUDED_EXPLANATION } from './judge';
export * from './ids';

export const DEFAULT_API_KEY = 'demo-key';
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const LOOPBACK_HOSTS: readonly LoopbackHost[] = ['127.0.0.1', '::1', 'localhost'];

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || /^::ffff:127\./i.test(address);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startServer(opts: StartServerOptions = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new Error(`Refusing to listen on "${String(host)}": the local server binds only to a loopback address (127.0.0.1, ::1 or localhost).`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port ${String(port)}.`);
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  if (!apiKey) throw new Error('The API key must not be empty.');
  // "localhost" binds 127.0.0.1 (whatever the resolver says) and keeps the name in the URL.
  const bindAddress = host === 'localhost' ? '127.0.0.1' : host;

  const seed = opts.seed ? validateSeed(opts.seed, 'seed option') : bundledSeed();
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (!Number.isInteger(maxUploadBytes) || maxUploadBytes < 1) throw new Error(`Invalid maxUploadBytes ${String(opts.maxUploadBytes)}.`);
  // Files together may hold 20 uploads of the largest size (1000 MiB by default).
  const files = new FileStore({ maxUploadBytes, maxStoredBytes: 20 * maxUploadBytes });
  const store = new Store(seed, files);
  const reports = new Reports(store);
  const faults = new Faults();
  const stats = new Stats();
  const sleeper = new Sleeper();
  const state: AppState = {
    apiKey,
    readOnlyApiKey: opts.readOnlyApiKey,
    expiredApiKey: opts.expiredApiKey,
    store,
    overrides: new Overrides(),
    reports,
    files,
    baseUrl: '',
    faults,
    stats,
    sleeper,
    latencyMs: Math.max(0, opts.latencyMs ?? 0),
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    asyncPolls: Math.max(0, opts.asyncPolls ?? 2),
    reset() {
      store.clearRuns();
      reports.clear();
      files.clear();
      faults.clear();
      stats.reset();
    },
  };

  const server = createServer(createRequestListener(state));
  await listen(server, port, bindAddress);
  const address = server.address() as AddressInfo;
  if (!isLoopbackAddress(address.address)) {
    server.close();
    throw new Error(`Refusing to serve on ${address.address}: not a loopback address.`);
  }
  const urlHost = host === 'localhost' ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.baseUrl = `http://${urlHost}:${address.port}`;

  const runs: RunsView = {
    count: (evalUuid) => store.listRuns(evalUuid).length,
    list: (evalUuid) => store.listRuns(evalUuid).map((r) => store.runJson(r, null)),
    get: (id) => {
      const r = store.getRun(id);
      return r && store.runJson(r, null);
    },
    responses: (id) => store.getRun(id)?.responses.map((s) => ({ ...s })),
  };

  let closing: Promise<void> | undefined;
  return {
    url: state.baseUrl,
    port: address.port,
    host: address.address,
    faults,
    stats,
    runs,
    reset: () => state.reset(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        sleeper.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
