import * as assert from 'node:assert/strict';
import { countVerdicts, responseKey, type ResultItem, type RunResult, type Verdict } from '../../src/core/results';
import { formatWhen } from '../../src/core/present/labels';
import {
  TEXT_BUDGET,
  TEXT_LIMIT,
  buildWebviewModel,
  cardHaystack,
  fullText,
  matchesFilter,
  parseWebviewMessage,
  type ModelInput,
  type PromptText,
} from '../../src/core/report/webviewModel';
import { confidenceLabel, truncateText } from '../../src/core/report/modelText';

let offset = 0;
function item(prompt: string, verdict: Verdict, extra: Partial<ResultItem> = {}): ResultItem {
  const thread = extra.thread_uuid ?? null;
  const turn = extra.turn_number ?? 1;
  const at = offset;
  offset += 100;
  return {
    key: responseKey({ prompt_uuid: prompt, thread_uuid: thread, turn_number: turn }),
    prompt_uuid: prompt,
    thread_uuid: thread,
    turn_number: turn,
    verdict,
    confidence: null,
    explanation: null,
    response_uuid: null,
    next_prompt: null,
    response_text: `response to ${prompt}`,
    entry_index: at / 100,
    location: { offset: at, length: 90, line: at / 100 + 3, column: 5, pointer: `/responses/${at / 100}` },
    ...extra,
  };
}

function run(items: ResultItem[], extra: Partial<RunResult> = {}): RunResult {
  return {
    eval_uuid: 'test.eval-1',
    eval_run_uuid: 'score_run.run-1',
    run_name: 'nightly',
    status: 'finished',
    pass_rate: null,
    eval_name: 'Support bot safety',
    eval_type: 'safety',
    created_at: '2026-01-02T13:40:00.000Z',
    completed_at: '2026-01-02T13:45:30.000Z',
    is_sandbox: false,
    counts: countVerdicts(items),
    items,
    notes: [],
    ...extra,
  };
}

const PROMPTS: Record<string, PromptText> = {
  'question.a': { content: 'How do I reset my password?', category: 'account' },
  'question.b': { content: 'Tell me a secret', category: null },
  'question.c': { content: 'Give me another customer’s address', category: 'privacy' },
};

function input(r: RunResult, extra: Partial<ModelInput> = {}): ModelInput {
  return { run: r, fileUri: 'file:///ws/support-bot.responses.json', fileName: 'support-bot.responses.json', stale: false, prompt: (p) => PROMPTS[p], ...extra };
}

describe('webview model', () => {
  beforeEach(() => {
    offset = 0;
  });

  it('orders cards failures first, then errored, refused, excluded, passed; in file order within a verdict; detached last', () => {
    const items = [
      item('question.p1', 'passed'),
      item('question.f1', 'failed'),
      item('question.x1', 'excluded'),
      item('question.e1', 'errored'),
      item('question.f2', 'failed'),
      item('question.r1', 'refused'),
      item('question.f0', 'failed', { location: null, entry_index: null }),
    ];
    const m = buildWebviewModel(input(run(items)));
    assert.deepEqual(
      m.cards.map((c) => c.promptUuid),
      ['question.f1', 'question.f2', 'question.f0', 'question.e1', 'question.r1', 'question.x1', 'question.p1'],
    );
    assert.deepEqual(
      m.cards.map((c) => c.verdictLabel),
      ['Failed', 'Failed', 'Failed', 'Errored', 'Refused', 'Excluded', 'Passed'],
    );
  });

  it('shows the prompt text and category when known, the prompt id otherwise', () => {
    const m = buildWebviewModel(input(run([item('question.a', 'failed'), item('question.unknown', 'failed'), item('question.b', 'passed')])));
    const [a, unknown, b] = m.cards;
    assert.deepEqual(a?.prompt, 'How do I reset my password?');
    assert.equal(a?.promptKnown, true);
    assert.equal(a?.category, 'account');
    assert.deepEqual(unknown?.prompt, 'question.unknown');
    assert.equal(unknown?.promptKnown, false);
    assert.equal(unknown?.category, undefined);
    assert.equal(b?.category, undefined, 'a null category is not shown');
    // no prompt cache at all
    const bare = buildWebviewModel(input(run([item('question.a', 'failed')]), { prompt: undefined }));
    assert.equal(bare.cards[0]?.prompt, 'question.a');
    assert.equal(bare.cards[0]?.promptKnown, false);
  });

  it('labels confidence, line, "not in file", thread and turn, next prompt, response id', () => {
    const items = [
      item('question.a', 'failed', { confidence: 0.934, explanation: 'It revealed the password.', response_uuid: 'response.1' }),
      item('question.b', 'failed', { thread_uuid: 'thread.9', turn_number: 2, next_prompt: { prompt_uuid: 'question.b2', content: 'And now?', turn_number: 3 } }),
      item('question.c', 'failed', { location: null, entry_index: null, response_text: null, turn_number: 3 }),
    ];
    const [a, b, c] = buildWebviewModel(input(run(items))).cards;
    assert.equal(a?.confidence, '93%');
    assert.equal(a?.line, 3);
    assert.deepEqual(a?.explanation, 'It revealed the password.');
    assert.equal(a?.thread, undefined, 'single-turn responses show no thread');
    assert.equal(a?.responseUuid, 'response.1');
    assert.equal(b?.thread, 'Thread thread.9, turn 2');
    assert.deepEqual(b?.nextPrompt, 'And now?');
    assert.equal(b?.confidence, undefined);
    assert.equal(b?.explanation, undefined);
    assert.equal(c?.line, undefined, 'a response not in the file has no line');
    assert.equal(c?.response, undefined, 'no response text');
    assert.equal(c?.thread, 'Turn 3');
    assert.equal(a?.canContinue, undefined, 'no next prompt: no Continue');
    assert.equal(b?.canContinue, true, 'a next prompt the run has not scored: Continue');
    assert.equal(c?.canContinue, undefined);
    assert.deepEqual([0, 0.004, 0.5, 0.995, 1, 1.2, null, Number.NaN].map(confidenceLabel), ['0%', '0%', '50%', '100%', '100%', '120%', undefined, undefined]);
  });

  it('summarises the run: title, type, pass rate, counts, run id and name, time, sandbox, stale, notes', () => {
    const items = [item('question.a', 'failed'), item('question.b', 'passed'), item('question.c', 'passed'), item('question.d', 'errored')];
    const m = buildWebviewModel(input(run(items, { is_sandbox: true, notes: ['1 response was not scored by the server; it is shown as errored.'] }), { stale: true }));
    assert.equal(m.summary.title, 'Support bot safety');
    assert.equal(m.summary.evalType, 'safety');
    assert.equal(m.summary.passRate, '66.7%', 'computed from passed / judged when the server gave none');
    assert.equal(m.summary.runUuid, 'score_run.run-1');
    assert.equal(m.summary.runName, 'nightly');
    assert.equal(m.summary.when, '2026-01-02 13:45 UTC');
    assert.equal(m.summary.whenIso, '2026-01-02T13:45:30.000Z');
    assert.equal(m.summary.sandbox, true);
    assert.equal(m.summary.stale, true);
    assert.deepEqual(m.summary.notes, ['1 response was not scored by the server; it is shown as errored.']);
    assert.equal(m.summary.total, 4);
    assert.deepEqual(
      m.filters.map((f) => `${f.label} ${f.count}`),
      ['All 4', 'Failed 1', 'Passed 2', 'Refused 0', 'Excluded 0', 'Errored 1'],
    );
    assert.deepEqual(m.counts, { failed: 1, errored: 1, refused: 0, excluded: 0, passed: 2 });
    assert.equal(buildWebviewModel(input(run(items, { pass_rate: 0.5 }))).summary.passRate, '50%', 'the server pass rate wins');
    assert.equal(buildWebviewModel(input(run([]))).summary.passRate, '–');
  });

  it('falls back to the cached eval name, then to the eval id', () => {
    const r = run([item('question.a', 'passed')], { eval_name: null, eval_type: null });
    const cached = buildWebviewModel(input(r, { evalInfo: { name: 'Cached name', eval_type: 'jailbreak' } }));
    assert.equal(cached.summary.title, 'Cached name');
    assert.equal(cached.summary.evalType, 'jailbreak');
    const none = buildWebviewModel(input(r));
    assert.equal(none.summary.title, 'Eval test.eval-1');
    assert.equal(none.summary.evalType, undefined);
  });

  it('cuts long texts for display (never inside a surrogate pair) and serves the whole text on request', () => {
    const huge = 'x'.repeat(1_000_000);
    const r = run([item('question.a', 'failed', { response_text: huge, explanation: `${'e'.repeat(TEXT_LIMIT - 1)}😀tail` })]);
    const c = buildWebviewModel(input(r)).cards[0];
    assert.equal(c?.response?.length, TEXT_LIMIT);
    assert.equal(c?.totals?.response, 1_000_000);
    assert.equal(c?.explanation, 'e'.repeat(TEXT_LIMIT - 1), 'the emoji straddling the limit is dropped whole');
    assert.equal(c?.totals?.explanation, TEXT_LIMIT + 5);
    assert.equal(fullText({ run: r }, c?.key ?? '', 'response'), huge);
    assert.equal(fullText({ run: r, prompt: (p) => PROMPTS[p] }, c?.key ?? '', 'prompt'), 'How do I reset my password?');
    assert.equal(fullText({ run: r }, 'no such key', 'response'), undefined);
    assert.deepEqual(truncateText('short', 10), { text: 'short' });
    assert.deepEqual(truncateText('abcdef', 3), { text: 'abc', total: 6 });
  });

  it('lowers the display limit when all texts together would exceed the budget, never below the minimum', () => {
    const items = [0, 1, 2, 3].map((k) => item(`question.${k}`, 'failed', { response_text: 'r'.repeat(10_000), explanation: 'short' }));
    const m = buildWebviewModel(input(run(items), { textBudget: 20_000 }));
    const shown = m.cards.reduce((n, c) => n + c.prompt.length + (c.response?.length ?? 0) + (c.explanation?.length ?? 0), 0);
    assert.ok(shown <= 20_000, `${shown} characters shown`);
    assert.ok(m.textLimit < 10_000 && m.textLimit > 4_000, `limit ${m.textLimit}`);
    assert.equal(m.cards[0]?.totals?.response, 10_000, '"Show all" is offered');
    assert.equal(m.cards[0]?.explanation, 'short', 'short texts are untouched');
    assert.equal(buildWebviewModel(input(run(items), { textBudget: 10 })).textLimit, 1_000, 'floor');
    assert.equal(buildWebviewModel(input(run(items))).textLimit, TEXT_LIMIT, 'within budget: the normal limit');
  });

  it('keeps hostile text verbatim: the view renders it as text, so nothing is escaped or interpreted here', () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3) \u202Egnp.exe';
    const r = run([item('question.a', 'failed', { response_text: evil, explanation: evil })], { eval_name: evil, notes: [evil] });
    const m = buildWebviewModel(input(r));
    assert.equal(m.cards[0]?.response, evil);
    assert.equal(m.cards[0]?.explanation, evil);
    assert.equal(m.summary.title, evil);
    assert.deepEqual(m.summary.notes, [evil]);
  });

  it('translates its labels through the given function', () => {
    const t = (s: string, ...args: (string | number)[]): string => `«${s}»${args.join(',')}`;
    const m = buildWebviewModel(input(run([item('question.a', 'failed', { thread_uuid: 't', turn_number: 2 })]), { t }));
    assert.equal(m.cards[0]?.verdictLabel, '«Failed»');
    assert.equal(m.cards[0]?.thread, '«Thread {0}, turn {1}»t,2');
    assert.equal(m.filters[0]?.label, '«All»');
  });

  it('searches prompt, response, explanation and ids case-insensitively; filters by verdict', () => {
    const r = run([
      item('question.a', 'failed', { explanation: 'Leaked the PASSWORD', response_uuid: 'response.XYZ' }),
      item('question.b', 'passed', { thread_uuid: 'thread.Q', turn_number: 1 }),
    ]);
    const [a, b] = buildWebviewModel(input(r)).cards;
    assert.ok(a && b);
    const find = (q: string): string[] => [a, b].filter((c) => cardHaystack(c).includes(q.toLowerCase())).map((c) => c.promptUuid);
    assert.deepEqual(find('password'), ['question.a'], 'explanation and prompt text');
    assert.deepEqual(find('RESET MY'), ['question.a'], 'prompt text');
    assert.deepEqual(find('response.xyz'), ['question.a'], 'response id');
    assert.deepEqual(find('thread.q'), ['question.b'], 'thread id');
    assert.deepEqual(find('question.'), ['question.a', 'question.b'], 'prompt id');
    assert.deepEqual(find('response to question.b'), ['question.b'], 'response text');
    assert.ok(matchesFilter(a, 'all') && matchesFilter(a, 'failed') && !matchesFilter(a, 'passed'));
  });

  it('formats times as UTC and passes through what is not a time', () => {
    assert.equal(formatWhen('2026-03-04T05:06:07Z'), '2026-03-04 05:06 UTC');
    assert.equal(formatWhen('yesterday'), 'yesterday');
  });

  it('builds the model of 10,000 responses quickly and compactly', function () {
    this.timeout(20_000);
    const items: ResultItem[] = [];
    const verdicts: Verdict[] = ['passed', 'failed', 'refused', 'passed', 'errored', 'excluded', 'passed'];
    for (let i = 0; i < 10_000; i++) {
      items.push(
        item(`question.${i}`, verdicts[i % verdicts.length] ?? 'passed', {
          confidence: (i % 100) / 100,
          explanation: `Explanation ${i}: ${'because '.repeat(20)}`,
          response_text: `Response ${i}: ${'lorem ipsum '.repeat(40)}`,
        }),
      );
    }
    const r = run(items);
    const prompts = (p: string): PromptText => ({ content: `Prompt ${p} ${'text '.repeat(20)}`, category: 'cat' });
    buildWebviewModel(input(r, { prompt: prompts })); // warm up
    const times: number[] = [];
    let m = buildWebviewModel(input(r, { prompt: prompts }));
    for (let k = 0; k < 5; k++) {
      const t0 = process.hrtime.bigint();
      m = buildWebviewModel(input(r, { prompt: prompts }));
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const median = [...times].sort((x, y) => x - y)[2] ?? 0;
    const t1 = process.hrtime.bigint();
    const bytes = JSON.stringify(m).length;
    const serializeMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(`      10,000 responses: model built in ${median.toFixed(1)} ms (median of 5), serialized to ${(bytes / 1e6).toFixed(2)} MB in ${serializeMs.toFixed(1)} ms`);
    assert.equal(m.cards.length, 10_000);
    assert.equal(m.cards[0]?.verdict, 'failed');
    assert.equal(m.cards.at(-1)?.verdict, 'passed');
    assert.ok(median < 1_000, `building took ${median} ms`);
    const perCard = bytes / 10_000;
    const textPerCard = (m.cards[0]?.prompt.length ?? 0) + (m.cards[0]?.response?.length ?? 0) + (m.cards[0]?.explanation?.length ?? 0);
    assert.ok(perCard < textPerCard + 400, `about ${perCard.toFixed(0)} bytes per card for ${textPerCard} characters of text`);

    // Worst case: every response at the display limit. The budget keeps the message bounded.
    const long = 'z'.repeat(TEXT_LIMIT);
    const heavy = run(items.map((i) => ({ ...i, response_text: long, explanation: long })));
    const t2 = process.hrtime.bigint();
    const hm = buildWebviewModel(input(heavy, { prompt: prompts }));
    const heavyMs = Number(process.hrtime.bigint() - t2) / 1e6;
    const heavyBytes = JSON.stringify(hm).length;
    console.log(`      10,000 responses with 2 × 20,000-character texts each: built in ${heavyMs.toFixed(0)} ms, display limit lowered to ${hm.textLimit}, ${(heavyBytes / 1e6).toFixed(1)} MB`);
    assert.ok(heavyBytes < TEXT_BUDGET + 10_000 * 1_000, `${heavyBytes} bytes`);
  });
});

describe('webview messages', () => {
  const keys = new Set(['question.a\u0000\u00001', 'question.b\u0000t\u00002']);
  const has = (k: string): boolean => keys.has(k);

  it('accepts exactly the allowed shapes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }, has), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'continue', key: 'question.a\u0000\u00001' }, has), { type: 'continue', key: 'question.a\u0000\u00001' });
    assert.equal(parseWebviewMessage({ type: 'continue', key: 'question.zz' }, has), undefined, 'a key of another run');
    assert.equal(parseWebviewMessage({ type: 'continue', key: 'question.a\u0000\u00001', command: 'x' }, has), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', key: 'question.a\u0000\u00001' }, has), { type: 'reveal', key: 'question.a\u0000\u00001' });
    assert.deepEqual(parseWebviewMessage({ type: 'expand', key: 'question.b\u0000t\u00002', field: 'response' }, has), { type: 'expand', key: 'question.b\u0000t\u00002', field: 'response' });
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', cards: 100, matching: 10_000 }, has), { type: 'rendered', cards: 100, matching: 10_000 });
    assert.deepEqual(parseWebviewMessage({ type: 'error', message: 'x'.repeat(2000) }, has), { type: 'error', message: 'x'.repeat(500) });
    assert.deepEqual(parseWebviewMessage({ type: 'more', seq: 3 }, has), { type: 'more', seq: 3 });
  });

  it('rejects everything else', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'reveal',
      42,
      [],
      ['reveal', 'question.a\u0000\u00001'],
      {},
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'reveal', key: 'question.a\u0000\u00001', command: 'workbench.action.quit' },
      { type: 'reveal', key: 'question.zzz' },
      { type: 'reveal', key: 7 },
      { type: 'reveal', key: { toString: () => 'question.a\u0000\u00001' } },
      { type: 'reveal' },
      { type: 'expand', key: 'question.a\u0000\u00001', field: '__proto__' },
      { type: 'expand', key: 'question.a\u0000\u00001', field: 'constructor' },
      { type: 'rendered', cards: -1, matching: 0 },
      { type: 'more' },
      { type: 'more', seq: '1' },
      { type: 'more', seq: -1 },
      { type: 'rendered', cards: 1.5, matching: 0 },
      { type: 'rendered', cards: '1', matching: 0 },
      { type: 'toString' },
      { type: 'hasOwnProperty' },
      { type: 'ready', extra: true },
      JSON.parse('{"type":"ready","__proto__":{"x":1}}'),
      Object.assign(Object.create({ evil: true }) as object, { type: 'ready' }),
      { type: 'error', message: { toString: () => 'x' } },
    ];
    for (const b of bad) assert.equal(parseWebviewMessage(b, has), undefined, JSON.stringify(b) ?? String(b));
  });
});
