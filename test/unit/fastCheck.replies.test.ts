/**
 * The client checks each scored response of a reply with ScoredResponse compiled (fastCheck.ts)
 * and asks zod only about those the compiled check declines (so too the evals and prompts of list
 * pages, with Eval and EvalPrompt). So the compiled check must give exactly what
 * `ScoredResponse.safeParse` gives (the same keys in the same order at every level, unknown keys
 * kept after the schema's own, defaults filled in, keys given as undefined kept) and must decline
 * whatever zod rejects.
 */
import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { compileObjectCheck } from '../../src/core/fastCheck';
import * as zm from '../../src/core/zod';
import { Eval, EvalPrompt, ScoredResponse } from '../../src/core/schemas';

const check = compileObjectCheck(ScoredResponse);

const PROMPT = { prompt_uuid: 'question.2', content: 'And then?', category: null, thread_uuid: 'conversation.1', turn_number: 2 };

/** Per field: values zod accepts, then values it rejects. `undefined` in VALID: the key left out (or given as undefined). */
const VALID: Record<string, unknown[]> = {
  prompt_uuid: ['question.1', '', ' '],
  response_uuid: [undefined, null, 'answer.1'],
  thread_uuid: [undefined, null, 'conversation.1'],
  turn_number: [undefined, 1, 2, 0, -3, Number.MAX_SAFE_INTEGER],
  continue_thread: [undefined, null, true, false],
  content: [undefined, null, '', 'An answer.', 5, [1, 'two'], { file_uuid: 'f', extra: { deep: true } }],
  content_type: [undefined, null, 'text', 'image', 'anything'],
  exclude_from_scoring: [undefined, null, true, false],
  ai_refused: [undefined, null, true, false],
  is_passed: [undefined, null, true, false],
  confidence: [undefined, null, 0, 1, 0.5, 1e-9],
  explanation: [undefined, null, '', 'Because.'],
  next_prompt: [
    undefined,
    null,
    PROMPT,
    { prompt_uuid: 'q', content: '' },
    { content: 'c', prompt_uuid: 'q', turn_number: 3, later: 'kept', category: 'cat' },
    { prompt_uuid: 'q', content: 'c', thread_uuid: null, category: undefined, turn_number: undefined },
  ],
};
const INVALID: Record<string, unknown[]> = {
  prompt_uuid: [undefined, null, 5, true, {}, []],
  response_uuid: [5, false, {}, []],
  thread_uuid: [1, true, ['t']],
  turn_number: [1.5, -0.5, 2 ** 53, Infinity, -Infinity, NaN, '1', null, true, {}],
  continue_thread: ['true', 0, 1, {}],
  content: [], // any value, undefined included
  content_type: [1, false, {}],
  exclude_from_scoring: ['false', 0],
  ai_refused: ['yes', 1, []],
  is_passed: ['true', 1, 0],
  confidence: [-0.01, 1.01, 2, -1, Infinity, NaN, '0.5', true],
  explanation: [1, false, []],
  next_prompt: [
    'q',
    5,
    true,
    [],
    [PROMPT],
    {},
    { prompt_uuid: 'q' },
    { content: 'c' },
    { prompt_uuid: 5, content: 'c' },
    { prompt_uuid: 'q', content: 'c', turn_number: 1.5 },
    { prompt_uuid: 'q', content: 'c', turn_number: null },
    { prompt_uuid: 'q', content: 'c', category: 7 },
    { prompt_uuid: 'q', content: 'c', thread_uuid: false },
  ],
};
const KEYS = Object.keys(VALID);
const EXTRAS: [string, unknown][] = [
  ['manually_updated', true],
  ['manually_updated_by', { email: 'a@b.c', feature_flags: { enable_dashboard: true } }],
  ['x_unknown', undefined],
  ['constructor', 'c'],
  ['toString', 1],
  ['7', 'an integer-like key'],
  ['0', null],
  ['Prompt_uuid', 'x'],
];

/** mulberry32, so that a failure is the same on every run. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Whether `got` and `expected` have the same keys in the same order at every level. */
function sameKeyOrder(got: unknown, expected: unknown): boolean {
  if (typeof got !== 'object' || got === null) return true;
  const keys = Object.keys(got);
  const other = Object.keys(expected as object);
  return keys.length === other.length && keys.every((k, i) => k === other[i] && sameKeyOrder((got as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
}

/** `v` in words for a failure: JSON that shows undefined and what JSON cannot write. */
const show = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (x === undefined ? '<undefined>' : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** The same keys in the same order at every level, and deeply equal (the words only built on failure). */
function sameOutput(got: unknown, expected: unknown, input: unknown): void {
  if (!isDeepStrictEqual(got, expected)) assert.deepStrictEqual(got, expected, show(input));
  if (!sameKeyOrder(got, expected) || JSON.stringify(got) !== JSON.stringify(expected)) assert.fail(`not the same keys in the same order: ${show(got)}, zod: ${show(expected)}, for ${show(input)}`);
}

/** Compares the compiled check of `schema` with zod on `v`; returns whether zod accepts it. */
function agree(v: unknown, schema: zm.ZodMiniType = ScoredResponse, compiled: { parse: (v: unknown) => unknown } = check): boolean {
  const z = schema.safeParse(v);
  const fast = compiled.parse(v);
  if (z.success) {
    if (!fast) assert.fail(`the compiled check declined what zod accepts: ${show(v)}`);
    sameOutput(fast, z.data, v);
    assert.notEqual(fast, v, 'a new object');
  } else if (fast !== undefined) {
    assert.fail(`the compiled check accepted what zod rejects: ${show(v)} (${z.error.issues[0]?.message})`);
  }
  return z.success;
}

/**
 * A scored response with these fields in this order, and these extra keys among them. A field
 * whose value is undefined is left out, or given as undefined when `undefinedKept`.
 */
function build(fields: Record<string, unknown>, order: readonly string[], extras: readonly [string, unknown][], undefinedKept: boolean): Record<string, unknown> {
  const entries: [string, unknown][] = order.filter((k) => undefinedKept || fields[k] !== undefined).map((k) => [k, fields[k]]);
  extras.forEach((e, i) => entries.splice((i * 5) % (entries.length + 1), 0, e));
  const v: Record<string, unknown> = {};
  for (const [k, x] of entries) v[k] = x;
  return v;
}

describe('ScoredResponse compiled is ScoredResponse.safeParse for what zod accepts, and declines the rest', () => {
  it('compiles ScoredResponse, EvalPrompt and Eval (else every item of those replies goes through zod)', () => {
    for (const schema of [ScoredResponse, EvalPrompt, Eval] as zm.ZodMiniType[]) assert.doesNotThrow(() => compileObjectCheck(schema));
  });

  it('declines what is not an object, as zod rejects it', () => {
    for (const v of [null, undefined, 'r', 5, true, [], [{ prompt_uuid: 'q' }]]) assert.equal(agree(v), false);
  });

  it('varies one field at a time from valid bases, with and without unknown keys and keys given as undefined', () => {
    const full = Object.fromEntries(KEYS.map((k) => [k, VALID[k]![VALID[k]!.length - 1]]));
    const bases: Record<string, unknown>[] = [{ prompt_uuid: 'q' }, full, { ...full, next_prompt: null, thread_uuid: null, confidence: null }];
    let n = 0;
    let accepted = 0;
    for (const base of bases) {
      for (const k of KEYS) {
        for (const value of [...VALID[k]!, ...INVALID[k]!]) {
          for (const extras of [[], EXTRAS.slice(0, 3), EXTRAS]) {
            for (const undefinedKept of [false, true]) {
              if (agree(build({ ...base, [k]: value }, KEYS, extras, undefinedKept))) accepted++;
              n++;
            }
          }
        }
      }
    }
    assert.ok(n > 2000 && accepted > n / 4 && accepted < n, `${accepted} of ${n} accepted`);
  });

  it('fills in turn_number 1 when it is absent or undefined, at both levels', () => {
    const absent = check.parse({ prompt_uuid: 'q', next_prompt: { prompt_uuid: 'p', content: 'c' } });
    const undef = check.parse({ prompt_uuid: 'q', turn_number: undefined, next_prompt: { prompt_uuid: 'p', content: 'c', turn_number: undefined } });
    for (const r of [absent, undef]) {
      assert.equal(r?.turn_number, 1);
      assert.equal(r?.next_prompt?.turn_number, 1);
    }
    assert.deepEqual(Object.keys(absent!), ['prompt_uuid', 'turn_number', 'next_prompt']);
  });

  it('agrees on 20,000 random scored responses with shuffled keys', () => {
    const rnd = rng(2024);
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const fields: Record<string, unknown> = {};
      for (const k of KEYS) {
        // mostly valid values, so that both outcomes are common
        const pool = rnd(24) === 0 && INVALID[k]!.length ? INVALID[k]! : VALID[k]!;
        fields[k] = pool[rnd(pool.length)];
      }
      const order = [...KEYS];
      for (let j = order.length - 1; j > 0; j--) {
        const r = rnd(j + 1);
        [order[j], order[r]] = [order[r]!, order[j]!];
      }
      const extras = EXTRAS.filter(() => rnd(4) === 0);
      const v = build(fields, order, extras, rnd(3) === 0);
      // as the API sends them (through JSON: no undefined, numbers only finite) and as built
      if (agree(JSON.parse(JSON.stringify(v)))) valid++;
      agree(v);
    }
    assert.ok(valid > 4000 && valid < 18_000, `a mix of valid (${valid}) and invalid`);
  });

  it('agrees for every schema of the items the client lists (evals, prompts, scored responses)', () => {
    const rnd = rng(99);
    const ANY: unknown[] = [undefined, null, '', 's', 'finished', 0, 1, 0.5, 1.5, -1, true, false, {}, [], ['s'], { prompt_uuid: 'q', content: 'c', x: 1 }, { prompt_uuid: 'q' }];
    for (const schema of [Eval, EvalPrompt, ScoredResponse] as zm.ZodMiniType[]) {
      const compiled = compileObjectCheck(schema);
      const shape = (schema._zod.def as unknown as { shape: Record<string, zm.ZodMiniType> }).shape;
      // per key, the values of ANY zod accepts there: mostly those, so that both outcomes are common
      const good = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, ANY.filter((v) => s.safeParse(v).success)]));
      let valid = 0;
      for (let i = 0; i < 3000; i++) {
        const v: Record<string, unknown> = {};
        for (const k of Object.keys(shape)) {
          const pool = rnd(20) === 0 || !good[k]!.length ? ANY : good[k]!;
          const x = pool[rnd(pool.length)];
          if (x !== undefined || rnd(2) === 0) v[k] = x;
          if (rnd(10) === 0) v[`extra_${rnd(3)}`] = ANY[rnd(ANY.length)];
        }
        if (agree(v, schema, compiled)) valid++;
      }
      assert.ok(valid > 300 && valid < 2700, `a mix of valid (${valid}) and invalid for ${Object.keys(shape).join(', ')}`);
    }
  });

  it('keeps an unknown key\'s value as it is, and leaves its input alone', () => {
    const deep = { a: [1, { b: 2 }] };
    const v = JSON.parse('{"prompt_uuid": "q", "__proto__": {"x": 1}, "extra": 1}') as Record<string, unknown>;
    v.deep = deep;
    const before = show(v);
    const r = check.parse(v) as Record<string, unknown> | undefined;
    assert.ok(r);
    assert.equal(r.deep, deep);
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.equal(Object.hasOwn(r, '__proto__'), false);
    assert.equal(show(v), before);
    sameOutput(r, ScoredResponse.parse(v), v);
  });
});
