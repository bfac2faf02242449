/**
 * A real HTTP proxy on 127.0.0.1 for tests (the `proxy` package, which answers CONNECT and
 * forwards plain requests), behind a byte recorder: `seen()` is every byte the proxy received from
 * its clients, so a test can assert what a proxy operator could read. Also a throwaway
 * self-signed certificate for an https stub, made with the openssl command line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordingProxy {
  url: string;
  /** CONNECT targets ("host:port"), in order. */
  connects: string[];
  /** Plain proxied requests ("METHOD absolute-url"), in order. */
  requests: string[];
  /**
   * Everything clients sent to the proxy, as latin1 text; with `target` ("host:port"), only the
   * connections that asked to CONNECT there.
   */
  seen(target?: string): string;
  close(): Promise<void>;
}

/** `authenticate` false makes the proxy answer 407 to everything. */
export async function startRecordingProxy(o: { authenticate?: (req: IncomingMessage) => boolean } = {}): Promise<RecordingProxy> {
  // The package is ESM only; this file is compiled to CommonJS, where import() still loads ESM.
  const { createProxy } = await import('proxy');
  const proxy = createProxy(createHttpServer());
  if (o.authenticate) proxy.authenticate = o.authenticate;
  const connects: string[] = [];
  const requests: string[] = [];
  proxy.on('connect', (req: IncomingMessage) => connects.push(req.url ?? ''));
  proxy.on('request', (req: IncomingMessage) => requests.push(`${req.method} ${req.url}`));
  const proxyPort = await listen(proxy);

  const connections: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const recorder = createServer((client) => {
    const upstream = connect(proxyPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const bytes: Buffer[] = [];
    connections.push(bytes);
    client.on('data', (d: Buffer) => bytes.push(d));
    client.pipe(upstream).on('close', () => client.destroy());
    upstream.pipe(client).on('close', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listen(recorder);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    requests,
    seen: (target) =>
      connections
        .map((c) => Buffer.concat(c).toString('latin1'))
        .filter((text) => target === undefined || text.startsWith(`CONNECT ${target} `))
        .join(''),
    close: async () => {
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await Promise.all([recorder, proxy].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/** A self-signed certificate for 127.0.0.1 and localhost; `certFile` is its PEM on disk (for NODE_EXTRA_CA_CERTS). */
export function selfSignedCert(): { key: string; cert: string; certFile: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'aymara-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
