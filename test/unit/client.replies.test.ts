/**
 * The scored responses of a run reply and of the pages of a run's responses are checked one by
 * one as the reply is parsed, by ScoredResponse compiled to plain code and by zod only where that
 * declines. What the client returns must be what zod makes of the reply (unknown keys kept, in
 * the same order, defaults filled in), and a wrong scored response must be named in zod's words.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient } from '../../src/core/client';
import { ScoredResponse } from '../../src/core/schemas';
import { json, startStub, type Stub } from './hostileServer';

const KEY = 'sk-replies-client-5e0b1c';
const RUN = 'score_run.3f1a9c2e-8d4b-4e6f-9a71-0c5d2b8e4f10';
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';

/** Scored responses as a server may send them: every key, keys left out, unknown keys, a next prompt. */
function scored(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const r: Record<string, unknown> = {
      prompt_uuid: `question.${i}`,
      response_uuid: `answer.${i}`,
      thread_uuid: i % 3 ? null : `conversation.${i}`,
      turn_number: 1,
      continue_thread: false,
      content: i % 5 ? `Answer ${i}` : { file_uuid: `file.${i}`, remote_file_path: null },
      content_type: i % 5 ? 'text' : 'image',
      exclude_from_scoring: false,
      ai_refused: false,
      is_passed: i % 4 !== 0,
      confidence: (i % 10) / 10,
      explanation: `Because ${i}.`,
      next_prompt: i % 3 ? null : { prompt_uuid: `question.${i}b`, content: 'And then?', thread_uuid: `conversation.${i}`, later_field: [i] },
    };
    if (i % 7 === 0) Object.assign(r, { manually_updated: true, manually_updated_by: { email: 'a@b.c' } });
    if (i % 11 === 0) {
      delete r.turn_number;
      delete r.confidence;
      delete r.response_uuid;
    }
    return r;
  });
}

function run(responses: unknown[]): Record<string, unknown> {
  return { eval_run_uuid: RUN, eval_uuid: EVAL, status: 'finished', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:01Z', responses, num_responses_scored: responses.length };
}

/** The same values with the same keys in the same order, at every level. */
function sameAsZod(got: unknown[], sent: unknown[]): void {
  const expected = sent.map((r) => ScoredResponse.parse(JSON.parse(JSON.stringify(r))));
  assert.deepStrictEqual(got, expected);
  assert.equal(JSON.stringify(got), JSON.stringify(expected), 'the same keys in the same order');
}

describe('client: scored responses in replies are what zod makes of them', function () {
  this.timeout(20_000);
  let stub: Stub | undefined;
  let client: AymaraClient | undefined;
  /** A stub answering the run and its pages of responses from `responses`. */
  const serve = async (responses: unknown[]) => {
    stub = await startStub(undefined, (req) => {
      if (req.path === `/v2/eval-runs/${RUN}`) return json(200, run(responses));
      if (req.path === `/v2/eval-runs/${RUN}/responses`) {
        const offset = Number(req.query.get('offset'));
        return json(200, { items: responses.slice(offset, offset + Number(req.query.get('limit'))), count: responses.length });
      }
      return json(404, { error: { code: 'resource.not_found', message: 'no', details: {} } });
    });
    client = new AymaraClient({ baseUrl: stub.url, apiKey: KEY, retryBaseMs: 10, retryMaxMs: 20, pageSize: 50 });
    return client;
  };

  afterEach(async () => {
    await client?.close();
    await stub?.close();
    client = undefined;
    stub = undefined;
  });

  it('a run\'s responses and the pages of its responses: unknown keys kept after the known ones, turn_number filled in', async () => {
    const sent = scored(230);
    const c = await serve(sent);
    sameAsZod((await c.getRun(RUN)).responses ?? [], sent);
    const listed = await c.listRunResponses(RUN);
    assert.equal(listed.complete, true);
    sameAsZod(listed.items, sent);
    const first = listed.items[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(first).slice(-2), ['manually_updated', 'manually_updated_by']);
    assert.equal(first.turn_number, 1);
  });

  it('a wrong scored response is named with zod\'s message, in a run and in a page', async () => {
    const sent: Record<string, unknown>[] = scored(80);
    sent[63] = { ...sent[63], confidence: 1.5 };
    const c = await serve(sent);
    await assert.rejects(c.getRun(RUN), (e: ApiError) => e.kind === 'invalid-reply' && e.message.includes('responses.63.confidence: confidence must be between 0 and 1'));
    // the second page starts at 50: the index is the element's place in its page, as zod names it
    await assert.rejects(c.listRunResponses(RUN), (e: ApiError) => e.kind === 'invalid-reply' && e.message.includes('items.13.confidence: confidence must be between 0 and 1'));
  });

  it('a run reply of more than 32 MB, parsed as it arrives: the same scored responses, a wrong one named the same way, broken JSON refused', async function () {
    this.timeout(60_000);
    const sent = scored(9000).map((r, i) => ({ ...r, explanation: `Because ${i}: ${'é…abc “quoted” 富士山 🙂 '.repeat(160)}` }));
    assert.ok(Buffer.byteLength(JSON.stringify(run(sent))) > 32 * 1024 * 1024);
    let reply: (responses: unknown[]) => ReturnType<typeof json> = (responses) => json(200, run(responses));
    let current: unknown[] = sent;
    stub = await startStub(undefined, (_req, res) => {
      const r = reply(current) as ReturnType<typeof json> & { chunked?: Buffer };
      if (!r.chunked) return r;
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < r.chunked.length; i += 1 << 20) res.write(r.chunked.subarray(i, i + (1 << 20)));
      res.end();
      assert.equal(res.getHeader('content-length'), undefined);
    });
    const c = (client = new AymaraClient({ baseUrl: stub.url, apiKey: KEY, retryBaseMs: 10, retryMaxMs: 20 }));
    sameAsZod((await c.getRun(RUN)).responses ?? [], sent);
    // The same without a declared length (chunked, as a proxy may send it): streamed once 32 MB have arrived.
    reply = (responses) => {
      const body = json(200, run(responses)).body;
      return { chunked: body } as unknown as ReturnType<typeof json>;
    };
    sameAsZod((await c.getRun(RUN)).responses ?? [], sent);
    reply = (responses) => json(200, run(responses));
    current = sent.map((r, i) => (i === 8765 ? { ...r, confidence: 1.5 } : r));
    await assert.rejects(c.getRun(RUN), (e: ApiError) => e.kind === 'invalid-reply' && e.message.includes('responses.8765.confidence: confidence must be between 0 and 1'));
    // Cut short, and a comma missing between two elements half-way through.
    for (const broken of [(b: Buffer) => b.subarray(0, b.length - 3), (b: Buffer) => {
        const text = b.toString('latin1');
        const at = text.indexOf('},{"prompt_uuid":"question.4500"');
        assert.ok(at > 0);
        return Buffer.from(`${text.slice(0, at)}} ${text.slice(at + 2)}`, 'latin1');
      }]) {
      reply = (responses) => {
        const ok = json(200, run(responses));
        return { ...ok, body: broken(ok.body) };
      };
      current = sent;
      await assert.rejects(c.getRun(RUN), (e: ApiError) => e.kind === 'invalid-reply' && e.message.includes('is not JSON'));
    }
  });

  it('a scored response that is not an object, or lacks its prompt, is refused in zod\'s words', async () => {
    const c = await serve([...scored(2), 'not a response', { content: 'no prompt' }]);
    await assert.rejects(c.getRun(RUN), (e: ApiError) => e.kind === 'invalid-reply' && /responses\.2: Invalid input: expected object, received string; responses\.3\.prompt_uuid: Invalid input: expected string, received undefined/.test(e.message));
  });
});
