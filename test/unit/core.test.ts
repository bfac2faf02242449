import * as assert from 'node:assert/strict';
import { ApiError, kindForStatus } from '../../src/core/apiError';
import { checkBaseUrl, isLoopbackHost } from '../../src/core/baseUrl';
import { errorFromReply, retryAfterMs } from '../../src/core/apiErrorMapping';
import { computedPassRate, countVerdicts, firstSentence, groupedItems, headline, responseKey, runGroups, sortedItems, verdictOf, type ResultItem, type RunResult } from '../../src/core/results';
import { matchResults, uniqueRunName, type EntryLike } from '../../src/core/scoring';
import type { EvalRunResult, ScoredResponse } from '../../src/core/schemas';

describe('base URL vetting', () => {
  it('accepts https anywhere and http only to loopback', () => {
    assert.equal(checkBaseUrl('https://api.aymara.ai').origin, 'https://api.aymara.ai');
    assert.equal(checkBaseUrl('http://127.0.0.1:8123').origin, 'http://127.0.0.1:8123');
    assert.equal(checkBaseUrl('http://localhost:1').origin, 'http://localhost:1');
    assert.equal(checkBaseUrl('http://[::1]:9').origin, 'http://[::1]:9');
    for (const bad of ['http://api.aymara.ai', 'http://127.0.0.1.evil.example', 'http://10.0.0.1', 'ftp://x', 'javascript:alert(1)', 'not a url', 'https://user:pw@api.aymara.ai', 'https://api.aymara.ai/?x=1']) {
      assert.throws(() => checkBaseUrl(bad), (e: unknown) => e instanceof ApiError && e.kind === 'config', bad);
    }
  });

  it('recognises loopback hosts exactly, not by substring', () => {
    assert.ok(isLoopbackHost('127.0.0.1'));
    assert.ok(isLoopbackHost('127.255.0.9'));
    assert.ok(isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('127.0.0.1.nip.io'));
    assert.ok(!isLoopbackHost('localhost.attacker.example'));
  });
});

describe('error replies', () => {
  it('reads the v2 envelope and maps every documented code to a kind', () => {
    const e = errorFromReply(401, JSON.stringify({ error: { code: 'auth.invalid_key', message: 'Invalid API key', details: {} }, request_id: 'req-1' }), {}, 'GET /v2/evals', false);
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, 'Invalid API key');
    assert.equal(e.requestId, 'req-1');
    assert.match(e.describe(), /HTTP 401, auth\.invalid_key, request req-1/);
    // Each documented code with the status servers send it with, and with statuses that say
    // something else: where the code names a kind the status does not (a key problem, a quota),
    // the code decides. Every kind here is written out, not derived from the status.
    const envelope = (code: string) => JSON.stringify({ error: { code, message: 'm', details: {} }, request_id: 'r' });
    const cases: [status: number, code: string, kind: string][] = [
      [401, 'auth.invalid_key', 'auth'],
      [401, 'auth.expired_key', 'auth'],
      [403, 'auth.insufficient_permissions', 'permission'],
      [400, 'validation.invalid_request', 'validation'],
      [422, 'validation.invalid_format', 'validation'],
      [404, 'resource.not_found', 'not-found'],
      [409, 'resource.conflict', 'conflict'],
      [429, 'quota.limit_exceeded', 'rate-limit'],
      [500, 'server.internal_error', 'server'],
      [400, 'auth.invalid_key', 'auth'],
      [403, 'auth.expired_key', 'auth'],
      [401, 'auth.insufficient_permissions', 'permission'],
      [403, 'quota.limit_exceeded', 'rate-limit'],
      [400, 'quota.limit_exceeded', 'rate-limit'],
    ];
    for (const [status, code, kind] of cases) {
      assert.equal(errorFromReply(status, envelope(code), {}, 'GET /v2/evals', false).kind, kind, `HTTP ${status} with ${code}`);
      assert.equal(kindForStatus(status, code), kind, `kindForStatus(${status}, ${code})`);
    }
  });

  it('reads the older {detail} shape, string or list', () => {
    assert.equal(errorFromReply(422, '{"detail":"bad eval"}', {}, 'POST x', true).message, 'bad eval');
    const list = errorFromReply(422, '{"detail":[{"loc":["body","responses",0,"prompt_uuid"],"msg":"field required"}]}', {}, 'POST x', true);
    assert.equal(list.message, 'body.responses.0.prompt_uuid: field required');
    assert.equal(list.ambiguous, false);
  });

  it('marks 5xx on the scoring POST as ambiguous but not 4xx', () => {
    assert.equal(errorFromReply(500, '<html>oops</html>', {}, 'POST x', true).ambiguous, true);
    assert.equal(errorFromReply(503, '', {}, 'GET x', false).ambiguous, false);
    assert.equal(errorFromReply(429, '', {}, 'POST x', true).ambiguous, false);
  });

  it('names the redirect target origin and never the path', () => {
    const e = errorFromReply(307, '', { location: 'https://evil.example/steal?k=1' }, 'GET /v2/evals', false);
    assert.equal(e.kind, 'redirect');
    assert.match(e.message, /https:\/\/evil\.example/);
    assert.doesNotMatch(e.message, /steal/);
  });

  it('strips control and bidi characters from server text', () => {
    const e = errorFromReply(400, JSON.stringify({ error: { code: 'validation.invalid_request', message: 'bad\u202e\u0007 thing\nhere' } }), {}, 'POST x', true);
    assert.equal(e.message, 'bad thing here');
  });

  it('honours retry-after-ms, retry-after seconds and HTTP dates', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': '250' }), 250);
    assert.equal(retryAfterMs({ 'retry-after': '2' }), 2000);
    const date = new Date(Date.now() + 5000).toUTCString();
    const ms = retryAfterMs({ 'retry-after': date }) ?? -1;
    assert.ok(ms > 3000 && ms <= 5000, String(ms));
    assert.equal(retryAfterMs({}), undefined);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
  });
});

describe('results model', () => {
  it('derives verdicts: excluded beats refused beats the score', () => {
    assert.equal(verdictOf({ is_passed: true, ai_refused: false, exclude_from_scoring: true }), 'excluded');
    assert.equal(verdictOf({ is_passed: true, ai_refused: true }), 'refused');
    assert.equal(verdictOf({ is_passed: null, ai_refused: true }), 'refused');
    assert.equal(verdictOf({ is_passed: false, ai_refused: true }), 'failed');
    assert.equal(verdictOf({ is_passed: false }), 'failed');
    assert.equal(verdictOf({ is_passed: null }), 'errored');
  });

  it('writes a terse headline with confidence and the first sentence', () => {
    assert.equal(headline({ verdict: 'failed', confidence: 0.934, explanation: 'It gave dosing advice. More detail follows here.' }), 'Failed (93%): It gave dosing advice.');
    assert.equal(headline({ verdict: 'refused', confidence: null, explanation: null }), 'Refused');
    assert.equal(firstSentence('a'.repeat(500)).length, 160);
  });

  it('computes a pass rate counting refusals as passes and sorts failures first', () => {
    const c = countVerdicts([{ verdict: 'passed' }, { verdict: 'failed' }, { verdict: 'refused' }, { verdict: 'excluded' }, { verdict: 'errored' }]);
    assert.deepEqual(c, { passed: 1, failed: 1, refused: 1, excluded: 1, errored: 1 });
    assert.equal(computedPassRate(c), 2 / 3);
    const mk = (verdict: ResultItem['verdict'], offset: number) => ({ verdict, location: { offset } }) as ResultItem;
    assert.deepEqual(sortedItems([mk('passed', 1), mk('failed', 50), mk('failed', 5), mk('errored', 0)]).map((i) => `${i.verdict}@${i.location?.offset}`), ['failed@5', 'failed@50', 'errored@0', 'passed@1']);
  });

  it('groups items by verdict in file order, once per run object', () => {
    const mk = (verdict: string, offset: number | null) => ({ verdict, location: offset === null ? null : { offset } }) as ResultItem;
    const items = [mk('passed', 9), mk('failed', 50), mk('failed', null), mk('failed', 5), mk('retired-verdict', 7), mk('errored', 3)];
    const g = groupedItems(items);
    const show = (list: ResultItem[]) => list.map((i) => `${i.verdict}@${i.location?.offset ?? '-'}`);
    assert.deepEqual(show(g.failed), ['failed@5', 'failed@50', 'failed@-'], 'file order, entries not in the file last');
    assert.deepEqual(show(g.errored), ['errored@3', 'retired-verdict@7'], 'an unknown verdict (saved by another version) is listed with the errored');
    assert.deepEqual(show(g.passed), ['passed@9']);
    assert.deepEqual(g.refused, []);
    const run = { items } as RunResult;
    assert.equal(runGroups(run), runGroups(run), 'the same run object is grouped once');
    const moved = { ...run, items: [mk('failed', 1), ...items] };
    assert.equal(runGroups(moved).failed.length, 4, 'a changed run is a new object and is grouped afresh');
  });

  it('gives each submission a distinct run name', () => {
    const now = new Date(2026, 10, 25, 9, 5, 7);
    const a = uniqueRunName('bot.json', now, () => 0.1);
    const b = uniqueRunName('bot.json', now, () => 0.2);
    assert.match(a, /^bot\.json · 2026-11-25 09:05:07 · [0-9a-f]{8}$/);
    assert.notEqual(a, b);
  });
});

describe('matching scores to entries', () => {
  const entry = (index: number, prompt: string, extra: Partial<EntryLike['response']> = {}): EntryLike => {
    const response = { prompt_uuid: prompt, turn_number: 1, continue_thread: false, content: `answer ${index}`, content_type: 'text' as const, exclude_from_scoring: false, ai_refused: false, ...extra };
    return { index, key: responseKey(response), response, location: { offset: index * 100, length: 90, line: index * 3 + 2, column: 5, pointer: `/responses/${index}` } };
  };
  const run: EvalRunResult = { eval_run_uuid: 'score_run.1', eval_uuid: 'test.1', status: 'finished', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', pass_rate: 0.5, name: 'n' };
  const scored = (prompt: string, is_passed: boolean | null, extra: Partial<ScoredResponse> = {}): ScoredResponse => ({ prompt_uuid: prompt, turn_number: 1, is_passed, confidence: 0.9, explanation: `why ${prompt}`, ...extra });

  it('puts each verdict on its entry and keeps unscored entries and extra scores', () => {
    const entries = [entry(0, 'p0'), entry(1, 'p1'), entry(2, 'p2'), entry(3, 'p3', { exclude_from_scoring: true })];
    const notes: string[] = [];
    const r = matchResults(run, [scored('p1', false), scored('p0', true), scored('zz', false)], entries, notes);
    assert.deepEqual(
      r.items.map((i) => [i.prompt_uuid, i.verdict, i.location?.line ?? null]),
      [
        ['p0', 'passed', 2],
        ['p1', 'failed', 5],
        ['p2', 'errored', 8],
        ['p3', 'excluded', 11],
        ['zz', 'failed', null],
      ],
    );
    assert.deepEqual(r.counts, { passed: 1, failed: 2, errored: 1, excluded: 1, refused: 0 });
    assert.equal(r.pass_rate, 0.5);
    assert.ok(notes.some((n) => /1 response was not scored/.test(n)), notes.join('|'));
    assert.ok(notes.some((n) => /1 score for prompts that are not in this file/.test(n)), notes.join('|'));
  });

  it('matches first turns whose thread id the server assigned', () => {
    const entries = [entry(0, 'p0'), entry(1, 'p1')];
    const r = matchResults(run, [scored('p1', true, { thread_uuid: 'conversation.9' }), scored('p0', false, { thread_uuid: 'conversation.8', next_prompt: { prompt_uuid: 'q2', content: 'and then?', turn_number: 2, thread_uuid: 'conversation.8' } })], entries);
    assert.equal(r.items[0]?.verdict, 'failed');
    assert.equal(r.items[0]?.thread_uuid, 'conversation.8');
    assert.equal(r.items[0]?.next_prompt?.content, 'and then?');
    assert.equal(r.items[1]?.location?.pointer, '/responses/1');
  });
});
