/**
 * The client's memory-saving paths must be invisible: request bytes exactly JSON.stringify's,
 * piecewise replies exactly JSON.parse's, and shared echoes exactly the echoed text.
 */
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NOT_PIECEWISE, jsonBytes, parseJsonPiecewise, shareEchoedContent } from '../../src/core/jsonBody';
import { rng } from '../bench/lib/generate';
import { LineIndex } from '../../src/core/textIndex';
import { JSON_TEXTS as TEXTS, randomJsonValue as randomValue } from './randomJson';

/** A full collection: --expose-gc turned on at run time (mocha runs without it). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Memory a value can hold: the heap plus external memory (strings and buffers outside the heap). */
function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

describe('client: request bytes (jsonBytes)', () => {
  it('are exactly the UTF-8 bytes of JSON.stringify, for requests and for odd values', () => {
    const next = rng(7);
    const cases: unknown[] = [
      { eval_uuid: 'e', responses: [{ prompt_uuid: 'p', content: TEXTS[3] }, { prompt_uuid: 'q', content: TEXTS[2], turn_number: 2 }], name: 'run ’1’' },
      { responses: [] },
      { a: undefined, b: () => 1, c: [undefined, () => 2, Symbol('s')], d: new Date(0), e: { toJSON: () => 'x' } },
      { toJSON: () => ({ replaced: true }) },
      [1, 'two', { three: 3 }],
      'just a string',
      null,
      {},
      { big: Array.from({ length: 3000 }, (_, i) => ({ i, text: TEXTS[i % TEXTS.length]!.repeat(20) })) },
      // Arrays are written a batch at a time: lengths around the batch size, with holes and
      // undefined at the edges of a batch.
      ...[255, 256, 257, 511, 512, 513].map((n) => ({ first: 1, edge: Array.from({ length: n }, (_, i) => (i % 255 === 0 ? undefined : TEXTS[i % TEXTS.length])), last: [] })),
      { sparse: [1, , 3, ...Array.from({ length: 300 }, () => 'x'), , 'end'] }, // eslint-disable-line no-sparse-arrays
    ];
    for (let i = 0; i < 300; i++) cases.push(randomValue(next));
    for (const c of cases) {
      assert.deepEqual(jsonBytes(c), Buffer.from(JSON.stringify(c) ?? 'null', 'utf8'), JSON.stringify(c)?.slice(0, 80));
    }
  });

  it('of a large request are one buffer hardly larger than they are, whether its elements grow, shrink or vary along the way', () => {
    for (const order of ['growing', 'shrinking', 'mixed'] as const) {
      const n = 8000;
      const responses = Array.from({ length: n }, (_, i) => {
        const k = order === 'growing' ? i : order === 'shrinking' ? n - 1 - i : (i * 7919) % n;
        return { prompt_uuid: `p${i}`, content: TEXTS[k % TEXTS.length]!.repeat(1 + Math.floor(k / 300)) };
      });
      const request = { eval_uuid: 'e', responses, name: 'after the list' };
      const bytes = jsonBytes(request);
      assert.deepEqual(bytes, Buffer.from(JSON.stringify(request), 'utf8'));
      assert.ok(bytes.length > 1024 * 1024, `${order}: a request of ${bytes.length} bytes is too small to show anything`);
      // Pieces copied into one buffer at the end would hold the request twice; a buffer far
      // larger than its bytes would hold unused memory while the reply is awaited.
      assert.ok(bytes.buffer.byteLength <= bytes.length * 1.3, `${order}: ${bytes.length} bytes in a buffer of ${bytes.buffer.byteLength}`);
    }
  });
});

describe('client: large replies parsed piece by piece (parseJsonPiecewise)', () => {
  it('gives what JSON.parse gives for objects, repeated keys, __proto__ and nested arrays', () => {
    const next = rng(11);
    const texts = [
      '{}',
      ' \n{ "a" : [ ] , "b":[1 , 2,3] }\n',
      '{"a":1,"b":2,"a":3}',
      '{"__proto__":{"polluted":true},"x":[{"__proto__":1}]}',
      `{"responses":[${Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, content: TEXTS[i % TEXTS.length] }).replace(',', ' ,\n ')).join(',')}],"count":2000}`,
    ];
    for (let i = 0; i < 200; i++) {
      const v = randomValue(next);
      if (v && typeof v === 'object' && !Array.isArray(v)) texts.push(JSON.stringify(v, null, i % 3));
    }
    for (const t of texts) {
      const got = parseJsonPiecewise(Buffer.from(t, 'utf8'));
      assert.notEqual(got, NOT_PIECEWISE, t.slice(0, 80));
      assert.deepEqual(got, JSON.parse(t), t.slice(0, 80));
      assert.equal(Object.getPrototypeOf(got), Object.prototype);
    }
    const withProto = parseJsonPiecewise(Buffer.from('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'nothing polluted');
    assert.ok(Object.prototype.hasOwnProperty.call(withProto, '__proto__'), '"__proto__" is an own property, as JSON.parse makes it');
  });

  it('declines what is not a well-formed object, so the caller parses it whole and fails as JSON.parse does', () => {
    for (const t of ['[1,2]', '"s"', '{"a":1', '{"a":[1,2}', '{"a":1}x', '{"a" 1}', '{a:1}', '{"a":[1,,2]}', '']) {
      assert.equal(parseJsonPiecewise(Buffer.from(t)), NOT_PIECEWISE, t);
    }
  });

  it('shows every element of a top-level array to the hook with its index, in order, and keeps what it returns', () => {
    const seen: string[] = [];
    const out = parseJsonPiecewise(Buffer.from('{"items":[{"n":0},{"n":1},{"n":2}],"other":[7],"count":3}'), (key, v, i) => {
      seen.push(`${key}[${i}]=${JSON.stringify(v)}`);
      return key === 'items' ? { ...(v as object), seen: true } : v;
    }) as { items: { seen?: boolean }[]; other: number[] };
    assert.deepEqual(seen, ['items[0]={"n":0}', 'items[1]={"n":1}', 'items[2]={"n":2}', 'other[0]=7']);
    assert.deepEqual(out.items, [{ n: 0, seen: true }, { n: 1, seen: true }, { n: 2, seen: true }], 'what the hook returns takes the element\'s place');
    assert.deepEqual(out.other, [7]);
  });
});

describe('client: echoed contents share the sent strings (shareEchoedContent)', () => {
  const sent = [
    { prompt_uuid: 'p1', content: 'first ’answer’'.repeat(3) },
    { prompt_uuid: 'p2', turn_number: 2, content: 'second answer' },
    { prompt_uuid: 'p3', content: { file_uuid: 'f' } },
  ];

  it('replaces an identical echo by the sent string (same text), by position or else by prompt and turn', () => {
    const hook = shareEchoedContent(sent);
    const inOrder = { prompt_uuid: 'p1', content: ['first ’answer’', 'first ’answer’', 'first ’answer’'].join('') };
    hook('responses', inOrder, 0);
    assert.equal(inOrder.content, sent[0]!.content);
    const moved = { prompt_uuid: 'p2', turn_number: 2, thread_uuid: 'assigned-by-server', content: `second ${'answer'}` };
    hook('responses', moved, 0);
    assert.equal(moved.content, 'second answer');
    const paged = { prompt_uuid: 'p2', turn_number: 2, content: 'second answer' };
    hook('items', paged, 1);
    assert.equal(paged.content, 'second answer');
    assert.equal(hook.shared, 3, 'all three echoes now use the sent strings');
  });

  it('frees the reply\'s copies: a parsed reply holds no more memory than its sent texts once shared', function () {
    // Equal text is equal whether shared or not, and `shared` is the code's own count; what a
    // user gets from sharing is memory. So: parse a reply echoing 32 × 256 kB of sent content
    // the way the client does (piecewise, with the hook), keep the parsed reply, collect, and
    // measure what it holds beyond the sent texts (alive throughout). Without the hook the
    // reply holds its own 8 MB copy.
    this.timeout(30_000);
    const gc = exposeGc();
    const n = 32;
    const size = 256 * 1024;
    // Flat strings, each its own heap object (as read from a file).
    const texts = Array.from({ length: n }, (_, i) => Buffer.from(`${i}:${'é…abc'.repeat(size / 5)}`.slice(0, size), 'utf8').toString('utf8'));
    const sentResponses = texts.map((content, i) => ({ prompt_uuid: `question.${i}`, content }));
    const reply = Buffer.from(JSON.stringify({ responses: sentResponses.map((r) => ({ ...r, explanation: 'ok' })), count: n }), 'utf8');
    const contentBytes = texts.reduce((a, t) => a + t.length * 2, 0);
    const held = (hook: ReturnType<typeof shareEchoedContent> | undefined): number => {
      gc();
      gc();
      const before = usedMemory();
      const parsed = parseJsonPiecewise(reply, hook) as { responses: { content: string }[] };
      gc();
      gc();
      const after = usedMemory();
      assert.equal(parsed.responses.length, n);
      assert.equal(parsed.responses[n - 1]!.content, texts[n - 1]);
      return after - before;
    };
    const unshared = held(undefined);
    const shared = held(shareEchoedContent(sentResponses));
    const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;
    const what = `the sent texts take ${mb(contentBytes)}; a parsed reply holds ${mb(unshared)} without sharing, ${mb(shared)} with it`;
    assert.ok(unshared > 0.7 * contentBytes, `the measurement sees the reply's own copies: ${what}`);
    assert.ok(shared < 0.15 * contentBytes, `the echoed copies are freed: ${what}`);
    assert.equal(texts.length, n, 'the sent texts stay alive throughout');
  });

  it('leaves a different, missing or non-text echo exactly as it came', () => {
    const hook = shareEchoedContent(sent);
    const changed = { prompt_uuid: 'p1', content: 'the server trimmed it' };
    hook('responses', changed, 0);
    assert.equal(changed.content, 'the server trimmed it');
    const unknown = { prompt_uuid: 'p9', content: 'not sent' };
    hook('responses', unknown, 5);
    assert.equal(unknown.content, 'not sent');
    const file = { prompt_uuid: 'p3', content: { file_uuid: 'f' } };
    hook('responses', file, 2);
    assert.deepEqual(file.content, { file_uuid: 'f' });
    const wrongTurn = { prompt_uuid: 'p2', turn_number: 3, content: 'second answer' };
    hook('responses', wrongTurn, 1);
    assert.equal(wrongTurn.content, 'second answer');
    const other = { prompt_uuid: 'p1', content: sent[0]!.content };
    hook('notes', other, 0);
    assert.equal(other.content, sent[0]!.content, 'other arrays are not touched');
    assert.equal(hook.shared, 0, 'none of these was replaced');
  });
});

describe('textIndex: detach', () => {
  it('keeps every position after the text is let go', () => {
    const text = 'ab\r\n😀x\rq\n\nend';
    const kept = new LineIndex(text);
    const detached = new LineIndex(text);
    detached.detach();
    for (let o = 0; o <= text.length + 2; o++) assert.deepEqual(detached.positionAt(o), kept.positionAt(o), `offset ${o}`);
    assert.equal(detached.length, text.length);
    assert.equal(detached.offsetAt(99, 99), text.length);
  });
});
