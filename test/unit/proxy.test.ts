/**
 * Proxy support: which proxy the environment or VS Code's `http.*` settings choose (core/proxy),
 * then the client and the built CLI through a real HTTP CONNECT proxy on 127.0.0.1 to an https
 * stub with a throwaway certificate. The proxy only ever sees "CONNECT host:port" and encrypted
 * bytes: the key never appears in what it receives.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient } from '../../src/core/client';
import { bypassesProxy, proxyFromEditor, proxyFromEnv, proxyLabel } from '../../src/core/proxy';
import { startServer, type LocalServer } from '../../src/server';
import { runCli, startStub, type Stub } from './hostileServer';
import { hasOpenssl, selfSignedCert, startRecordingProxy, type RecordingProxy } from './loopbackProxy';

const KEY = 'sk-proxy-test-5e0b7d21c4';
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const API = new URL('https://api.aymara.ai');

describe('proxy choice (environment and VS Code settings)', () => {
  it('uses HTTPS_PROXY for an https origin, HTTP_PROXY when it is the only one, lower case first', () => {
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://proxy.corp:3128' }, API), { uri: 'http://proxy.corp:3128/', strictSSL: true, source: 'HTTPS_PROXY' });
    assert.equal(proxyFromEnv({ HTTP_PROXY: 'http://p:1' }, API)?.source, 'HTTP_PROXY');
    assert.equal(proxyFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:1' }, API)?.uri, 'http://a:1/');
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://p:1' }, new URL('http://127.0.0.1:8123')), undefined, 'HTTPS_PROXY is not for http origins');
    assert.equal(proxyFromEnv({ HTTPS_PROXY: '  ' }, API), undefined);
    assert.equal(proxyFromEnv({}, API), undefined);
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'proxy.corp:3128' }, API)?.uri, 'http://proxy.corp:3128/', 'host:port without a scheme is http');
  });

  it('NO_PROXY: exact host, subdomains, "*", ports, IPv6', () => {
    const env = (no: string) => proxyFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: no }, API);
    assert.equal(env('aymara.ai'), undefined);
    assert.equal(env('.aymara.ai'), undefined);
    assert.equal(env('*.aymara.ai'), undefined);
    assert.equal(env('example.com, *'), undefined);
    assert.equal(env('api.aymara.ai:443'), undefined);
    assert.ok(env('api.aymara.ai:8443'), 'another port is still proxied');
    assert.ok(env('ymara.ai'), 'not a suffix match on a partial label');
    assert.ok(env(''));
    assert.ok(bypassesProxy(new URL('https://[::1]:9/'), ['::1']));
    assert.ok(bypassesProxy(new URL('https://[::1]:9/'), ['[::1]:9']));
    assert.ok(!bypassesProxy(new URL('https://[::1]:9/'), ['[::1]:10']));
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://p:1', no_proxy: 'api.aymara.ai', NO_PROXY: '' }, API), undefined, 'lower case no_proxy wins');
  });

  it('VS Code: http.proxy wins over the environment; http.noProxy and http.proxyStrictSSL apply; proxySupport "off" means none', () => {
    const env = { HTTPS_PROXY: 'http://env:1' };
    assert.deepEqual(proxyFromEditor({ proxy: 'http://user:pw@corp:8080', strictSSL: false, noProxy: [] }, env, API), { uri: 'http://user:pw@corp:8080/', strictSSL: false, source: 'http.proxy' });
    assert.deepEqual(proxyFromEditor({ proxy: '', strictSSL: false }, env, API), { uri: 'http://env:1/', strictSSL: false, source: 'HTTPS_PROXY' }, 'empty http.proxy falls back to the environment');
    assert.equal(proxyFromEditor({ proxy: 'http://corp:8080', noProxy: ['*.aymara.ai'] }, env, API), undefined);
    assert.equal(proxyFromEditor({ proxy: '', noProxy: ['api.aymara.ai'] }, env, API), undefined, 'http.noProxy applies to the environment proxy too');
    assert.equal(proxyFromEditor({ proxy: 'http://corp:8080', support: 'off' }, env, API), undefined);
    assert.equal(proxyFromEditor({ proxy: 'http://corp:8080', strictSSL: undefined }, env, API)?.strictSSL, true, 'strict unless turned off');
    assert.equal(proxyLabel(proxyFromEditor({ proxy: 'http://user:secret@corp:8080' }, {}, API)!), 'http://corp:8080 (from http.proxy)', 'credentials are never shown');
  });

  it('refuses a proxy URL that is not http(s), naming where it came from and never its password', () => {
    assert.throws(
      () => proxyFromEditor({ proxy: 'socks5://user:hunter22@corp:1080' }, {}, API),
      (e: unknown) => e instanceof ApiError && e.kind === 'config' && /from http\.proxy is not an http:\/\/ or https:\/\/ proxy URL/.test(e.message) && !e.message.includes('hunter22'),
    );
    assert.throws(() => proxyFromEnv({ HTTPS_PROXY: 'ftp://x' }, API), (e: unknown) => e instanceof ApiError && /HTTPS_PROXY/.test(e.message));
  });
});

describe('requests through a real CONNECT proxy on 127.0.0.1', function () {
  this.timeout(120_000);
  let server: LocalServer;
  let https: Stub;
  let proxy: RecordingProxy;
  let cert: ReturnType<typeof selfSignedCert>;

  before(async function () {
    if (!hasOpenssl()) this.skip(); // the https cases need a throwaway certificate from the openssl command line
    cert = selfSignedCert();
    server = await startServer({ port: 0, apiKey: KEY });
    https = await startStub(server.url, () => undefined, cert); // https in front of the local server
  });
  beforeEach(async () => {
    server?.reset();
    proxy = await startRecordingProxy();
  });
  afterEach(async () => {
    await proxy.close();
  });
  after(async () => {
    await https?.close();
    await server?.close();
    cert?.remove();
  });

  const apiRequests = () => https.requests.length;

  it('the client tunnels https through the proxy: it sees CONNECT host:port, never the key', async () => {
    const c = new AymaraClient({ baseUrl: https.url, apiKey: KEY, proxy: { uri: proxy.url, strictSSL: false, source: 'test' } });
    try {
      const ev = await c.getEval(EVAL);
      assert.equal(ev.eval_uuid, EVAL);
    } finally {
      await c.close();
    }
    assert.deepEqual(proxy.connects, [`127.0.0.1:${new URL(https.url).port}`]);
    assert.equal(apiRequests() > 0, true, 'the API stub got the request');
    assert.match(proxy.seen(), /^CONNECT 127\.0\.0\.1:\d+ HTTP\/1\.1\r\n/);
    assert.ok(!proxy.seen().includes(KEY), 'the key is not in what the proxy received');
    assert.ok(!proxy.seen().includes('/v2/evals'), 'nor the request path');
  });

  it('strict TLS (the default) refuses the untrusted certificate behind the proxy, and says which proxy was used', async () => {
    const c = new AymaraClient({ baseUrl: https.url, apiKey: KEY, maxRetries: 0, proxy: { uri: proxy.url, strictSSL: true, source: 'http.proxy' } });
    try {
      await assert.rejects(c.getEval(EVAL), (e: ApiError) => e.kind === 'network' && e.message.includes(`through the proxy ${proxy.url} (from http.proxy)`));
    } finally {
      await c.close();
    }
    assert.equal(proxy.connects.length, 1, 'it went through the proxy');
  });

  it('CLI: HTTPS_PROXY carries the whole run (one POST, one run), the proxy never sees the key; NO_PROXY bypasses it', async () => {
    const file = 'test/fixtures/responses/demo-body.json';
    const env = { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certFile };
    const r = await runCli(['score', file, '--base-url', https.url], { key: KEY, env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^3 passed, 3 failed, 1 refused, 1 excluded, 0 errored/m);
    assert.equal(server.runs.count(), 1);
    assert.ok(proxy.connects.length >= 1 && proxy.connects.every((c) => c === `127.0.0.1:${new URL(https.url).port}`), proxy.connects.join());
    assert.ok(!proxy.seen().includes(KEY));

    const seen = proxy.seen().length;
    const direct = await runCli(['score', file, '--base-url', https.url], { key: KEY, env: { ...env, NO_PROXY: 'localhost,127.0.0.1' } });
    assert.equal(direct.code, 1, direct.stderr);
    assert.equal(server.runs.count(), 2);
    assert.equal(proxy.seen().length, seen, 'nothing more reached the proxy');
  });

  it('CLI: a proxy that refuses the tunnel (407): exit 3 naming the proxy, nothing sent to the API', async () => {
    await proxy.close();
    proxy = await startRecordingProxy({ authenticate: () => false });
    const before = apiRequests();
    const r = await runCli(['score', 'test/fixtures/responses/demo-body.json', '--base-url', https.url], { key: KEY, env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.certFile } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`could not be sent through the proxy ${proxy.url.replace(/[.]/g, '\\.')} \\(from HTTPS_PROXY\\): the proxy answered HTTP 407`));
    assert.equal(apiRequests(), before);
    assert.equal(server.runs.count(), 0);
  });
});
