import * as assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { startServer, type LocalServer } from '../../../src/server';
import { ErrorEnvelope } from '../../../src/core/schemas';
import { assertEnvelope, call, SCORE } from './helpers';

/** Why this machine cannot listen on ::1, or undefined when it can (checked with a bare server, not ours). */
function ipv6Unavailable(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    probe.listen(0, '::1', () => probe.close(() => resolve(undefined)));
  });
}

describe('local server: authentication and the error envelope', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0, readOnlyApiKey: 'ro-key', expiredApiKey: 'old-key' });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('listens on loopback and reports a URL without a trailing slash', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
  });

  it('answers a missing key with 401 auth.invalid_key in the documented envelope', async () => {
    const r = await call(server, '/v2/evals', { key: null });
    const err = assertEnvelope(r, 401, 'auth.invalid_key');
    assert.match(err.message, /x-api-key/);
    assert.ok(ErrorEnvelope.safeParse(r.json).success);
  });

  it('requires the key on every endpoint, including /health/ and score-responses', async () => {
    for (const [method, path] of [
      ['GET', '/health/'],
      ['GET', '/v2/evals/test.x/prompts'],
      ['POST', SCORE],
      ['DELETE', '/v2/eval-runs/score_run.x'],
      ['GET', '/v2/no-such-thing'],
    ] as const) {
      const r = await call(server, path, { method, key: null, body: method === 'POST' ? {} : undefined });
      assertEnvelope(r, 401, 'auth.invalid_key');
    }
  });

  it('answers a wrong key with 401 and an expired one with auth.expired_key', async () => {
    const wrong = assertEnvelope(await call(server, '/v2/evals', { key: 'nope' }), 401, 'auth.invalid_key');
    assert.doesNotMatch(wrong.message, /nope/);
    assertEnvelope(await call(server, '/v2/evals', { key: 'old-key' }), 401, 'auth.expired_key');
  });

  it('lets a read-only key read but answers 403 auth.insufficient_permissions on POST and DELETE', async () => {
    const list = await call(server, '/v2/evals', { key: 'ro-key' });
    assert.equal(list.status, 200);
    assert.ok(list.json.count >= 3);
    const post = await call(server, SCORE, { key: 'ro-key', body: { eval_uuid: 'x', responses: [] } });
    assertEnvelope(post, 403, 'auth.insufficient_permissions');
    assertEnvelope(await call(server, '/v2/eval-runs/score_run.x', { key: 'ro-key', method: 'DELETE' }), 403, 'auth.insufficient_permissions');
    assert.equal(server.runs.count(), 0);
  });

  it('gives every reply, success or error, a fresh request id', async () => {
    const a = await call(server, '/v2/evals', { key: null });
    const b = await call(server, '/v2/evals', { key: null });
    assert.notEqual(a.json.request_id, b.json.request_id);
    const ok = await call(server, '/health/');
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('x-request-id') ?? '', /^req_/);
  });

  it('answers unknown routes with 404 and wrong methods with 405, both enveloped', async () => {
    assertEnvelope(await call(server, '/v2/nothing'), 404, 'resource.not_found');
    const r = await call(server, '/v2/evals', { method: 'DELETE' });
    assertEnvelope(r, 405, 'validation.invalid_request');
    assert.equal(r.headers.get('allow'), 'GET');
  });

  it('refuses requests addressed to a non-loopback Host (DNS rebinding guard)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(server.url);
      const req = request({ host: u.hostname, port: u.port, path: '/v2/evals', headers: { host: 'evil.example:80', 'x-api-key': 'demo-key' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 400);
  });

  it('records headers for tests without keeping the API key value', async () => {
    await call(server, '/v2/evals', { headers: { 'x-custom': 'yes' } });
    const h = server.stats.lastHeaders;
    assert.ok(h);
    assert.equal(h['x-api-key'], '[redacted]');
    assert.equal(h['x-custom'], 'yes');
    assert.doesNotMatch(JSON.stringify(server.stats.snapshot()), /demo-key/);
    assert.equal(server.stats.recent().at(-1)?.hadApiKey, true);
  });

  it('refuses to bind a non-loopback host', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await assert.rejects(startServer({ host: '0.0.0.0' as any }), /loopback/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await assert.rejects(startServer({ host: '192.168.1.10' as any }), /loopback/);
  });

  it('serves on ::1 when asked', async function () {
    const why = await ipv6Unavailable();
    if (why) {
      // Said in the output, not passed silently: this machine cannot check the IPv6 half.
      console.log(`      note: ::1 not checked here: this machine has no IPv6 loopback (${why})`);
      this.skip();
    }
    const v6 = await startServer({ port: 0, host: '::1' });
    try {
      assert.match(v6.url, /^http:\/\/\[::1\]:\d+$/);
      assert.equal(v6.host, '::1');
      assert.equal((await call(v6, '/health/')).status, 200);
    } finally {
      await v6.close();
    }
  });

  it('serves on localhost when asked', async () => {
    const lh = await startServer({ port: 0, host: 'localhost' });
    try {
      assert.match(lh.url, /^http:\/\/localhost:\d+$/);
      assert.equal((await call(lh.url.replace('localhost', '127.0.0.1'), '/health/')).status, 200);
    } finally {
      await lh.close();
    }
  });

  it('uses a custom API key when given one', async () => {
    const s = await startServer({ port: 0, apiKey: 'k-123' });
    try {
      assertEnvelope(await call(s, '/v2/evals'), 401, 'auth.invalid_key');
      assert.equal((await call(s, '/v2/evals', { key: 'k-123' })).status, 200);
    } finally {
      await s.close();
    }
  });
});
