import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { DEMO_EVAL_UUID, DEMO_PROMPTS, LOAD_TEST_EVAL_UUID, loadTestPromptUuid, startServer, type LocalServer } from '../../../src/server';
import { assertEnvelope, call, KEY, SCORE } from './helpers';

/** POST a body as a stream of chunks without content-length (chunked encoding). */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('local server: large bodies and concurrency', function () {
  this.timeout(60_000);
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('accepts and scores a 100,000-response body (~60 MB)', async () => {
    const filler = 'This answer is padded to a realistic length so the whole body weighs about sixty megabytes. '.repeat(5);
    const responses = Array.from({ length: 100_000 }, (_, i) => ({
      prompt_uuid: loadTestPromptUuid(i + 1),
      content: i % 1000 === 0 ? `forbidden ${i}` : `${filler}#${i}`,
      turn_number: 1,
      content_type: 'text',
      ai_refused: false,
      exclude_from_scoring: false,
    }));
    const text = JSON.stringify({ eval_uuid: LOAD_TEST_EVAL_UUID, responses });
    assert.ok(text.length > 55_000_000, `${text.length} bytes`);
    const t = Date.now();
    const r = await call(server, SCORE, { body: text, timeoutMs: 50_000 });
    const ms = Date.now() - t;
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.json.status, 'finished');
    assert.equal(r.json.responses.length, 100_000);
    assert.equal(r.json.num_responses_scored, 100_000);
    assert.equal(r.json.pass_rate, 99_900 / 100_000);
    assert.equal(r.json.responses[1000].is_passed, false);
    assert.equal(r.json.responses[1001].prompt_uuid, loadTestPromptUuid(1002));

    // pages of the stored run come back quickly
    const p0 = Date.now();
    const last = await call(server, `/v2/eval-runs/${r.json.eval_run_uuid}/responses?limit=100&offset=99900`);
    assert.equal(last.json.count, 100_000);
    assert.equal(last.json.items.length, 100);
    assert.equal(last.json.items[99].prompt_uuid, loadTestPromptUuid(100_000));
    assert.ok(Date.now() - p0 < 500, `page took ${Date.now() - p0} ms`);
    assert.ok(ms < 30_000, `${ms} ms`);
  });

  it('answers 413 with the envelope above the body limit (declared or streamed)', async () => {
    const s = await startServer({ port: 0, maxBodyBytes: 10_000 });
    try {
      const big = JSON.stringify({ eval_uuid: DEMO_EVAL_UUID, responses: [{ prompt_uuid: DEMO_PROMPTS.interlock, content: 'x'.repeat(20_000) }] });
      const err = assertEnvelope(await call(s, SCORE, { body: big }), 413, 'validation.invalid_request');
      assert.match(err.message, /10000 bytes/);
      const streamed = await postChunked(`${s.url}${SCORE}`, Array.from({ length: 30 }, () => 'x'.repeat(1000)));
      assert.equal(streamed.status, 413);
      assert.equal(JSON.parse(streamed.text).error.code, 'validation.invalid_request');
      // the connection is still usable afterwards and nothing was stored
      assert.equal((await call(s, '/health/')).status, 200);
      assert.equal(s.runs.count(), 0);
    } finally {
      await s.close();
    }
  });

  it('survives a client that goes away in the middle of a body', async () => {
    const u = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = request({ host: u.hostname, port: u.port, path: SCORE, method: 'POST', headers: { 'x-api-key': KEY, 'content-length': '1000000' } });
      req.on('error', () => resolve());
      req.write('{"eval_uuid": "'.padEnd(5000, 'x'), () => setTimeout(() => req.destroy(), 50));
      req.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await call(server, '/health/')).status, 200);
    assert.equal(server.runs.count(), 0);
  });

  it('keeps concurrent requests overlapping under the latencyMs option', async () => {
    const s = await startServer({ port: 0, latencyMs: 100 });
    try {
      const t = Date.now();
      const results = await Promise.all(Array.from({ length: 30 }, () => call(s, `/v2/evals/${DEMO_EVAL_UUID}/prompts`)));
      const ms = Date.now() - t;
      assert.ok(results.every((r) => r.status === 200));
      assert.ok(ms >= 100, `${ms} ms`);
      assert.ok(ms < 1500, `30 requests at 100 ms each took ${ms} ms: they were serialised`);
    } finally {
      await s.close();
    }
  });
});
