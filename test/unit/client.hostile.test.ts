/**
 * The client's listing (what the background prompt fetch and the eval picker use) and time limit
 * against a stub on 127.0.0.1 that lies: counts far beyond reason, empty and short pages, pages
 * larger than asked, one-item pages, a trickling reply. Requests stay bounded and each case ends
 * in a clear outcome.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient, type ClientOptions } from '../../src/core/client';
import { json, startStub, trickle, type Stub } from './hostileServer';

const KEY = 'sk-hostile-client-31d9a0';
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const PROMPTS = `/v2/evals/${EVAL}/prompts`;

const prompt = (i: number) => ({ prompt_uuid: `question.${i}`, content: `Prompt ${i}?` });

describe('client listing and limits against a lying server', function () {
  this.timeout(20_000);
  let stub: Stub | undefined;
  const clients: AymaraClient[] = [];
  const client = (o: Partial<ClientOptions> = {}) => {
    const c = new AymaraClient({ baseUrl: stub!.url, apiKey: KEY, retryBaseMs: 10, retryMaxMs: 20, ...o });
    clients.push(c);
    return c;
  };
  /** A prompts list where `page(offset, limit)` decides what each page holds and what count it claims. */
  const prompts = async (page: (offset: number, limit: number) => { items: unknown[]; count: number }) => {
    stub = await startStub(undefined, (req) => {
      if (req.path !== PROMPTS) return json(404, { error: { code: 'resource.not_found', message: 'no', details: {} } });
      return json(200, page(Number(req.query.get('offset')), Number(req.query.get('limit'))));
    });
  };
  const pageRequests = () => stub!.count('GET', PROMPTS);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await stub?.close();
    stub = undefined;
  });

  it('count 1e12 with short pages: an inconsistent-reply error after the first page', async () => {
    await prompts((offset) => ({ items: [prompt(offset)], count: 1e12 }));
    await assert.rejects(client().listPrompts(EVAL), (e: ApiError) => e.kind === 'invalid-reply' && /reports 1000000000000 items, more than the 200000 one list may have/.test(e.message));
    assert.equal(pageRequests(), 1);
  });

  it('count 1e8 with empty pages: an inconsistent-reply error after the first page', async () => {
    await prompts(() => ({ items: [], count: 1e8 }));
    await assert.rejects(client().listPrompts(EVAL), (e: ApiError) => e.kind === 'invalid-reply' && /100000000 items/.test(e.message));
    assert.equal(pageRequests(), 1);
  });

  it('an empty first page with a plausible count: what arrived (nothing), marked incomplete, no second request', async () => {
    await prompts(() => ({ items: [], count: 500 }));
    const r = await client().listPrompts(EVAL);
    assert.deepEqual([r.items.length, r.count, r.complete], [0, 500, false]);
    assert.equal(pageRequests(), 1);
  });

  it('a short page in the middle ends the listing there', async () => {
    // 100 prompts at 10 per page, but the page at offset 10 holds only 5.
    await prompts((offset, limit) => ({ items: Array.from({ length: offset === 10 ? 5 : Math.min(limit, 100 - offset) }, (_, i) => prompt(offset + i)), count: 100 }));
    const r = await client({ pageSize: 10, pageConcurrency: 2 }).listPrompts(EVAL);
    assert.equal(r.items.length, 15);
    assert.equal(r.complete, false);
    assert.deepEqual(r.items.map((p) => p.prompt_uuid).slice(9, 12), ['question.9', 'question.10', 'question.11'], 'in order');
    // Each of the 2 workers asks for its next page before decoding the one it has: at most one
    // page each past the short one (offsets 0, 10, 20 and 30 at most).
    assert.ok(pageRequests() <= 4, `${pageRequests()} page requests for a list that ended after the second page`);
  });

  it('one item per page: refused at once when that would take more requests than allowed', async () => {
    await prompts((offset) => ({ items: [prompt(offset)], count: 10_000 }));
    await assert.rejects(client({ maxPages: 500 }).listPrompts(EVAL), (e: ApiError) => e.kind === 'invalid-reply' && /1 items per page.*9999 more requests, more than the 500 allowed/.test(e.message));
    assert.equal(pageRequests(), 1);
  });

  it('a page larger than asked for is an inconsistent reply', async () => {
    await prompts((offset, limit) => ({ items: Array.from({ length: limit + 50 }, (_, i) => prompt(offset + i)), count: 1000 }));
    await assert.rejects(client({ pageSize: 10 }).listPrompts(EVAL), (e: ApiError) => e.kind === 'invalid-reply' && /a page of 60 items was sent when 10 were asked for/.test(e.message));
  });

  it('a reply trickling a byte every 40 ms ends at the 1 s limit, not when the server stops', async () => {
    stub = await startStub(undefined, (_req, res) => void trickle(res));
    const started = Date.now();
    await assert.rejects(client({ requestTimeoutMs: 1_000, limitNames: { timeout: 'the test limit' } }).getEval(EVAL), (e: ApiError) => e.kind === 'timeout' && /timed out after 1 s \(the time limit for one request, set by the test limit\)/.test(e.message));
    const ms = Date.now() - started;
    assert.ok(ms >= 900 && ms < 4_000, `${ms} ms`);
    assert.equal(stub.count('GET', `/v2/evals/${EVAL}`), 1, 'not retried past the deadline');
  });
});
