/**
 * compileObjectCheck turns a zod object schema into plain code that must give exactly what the
 * schema's safeParse gives for input it accepts (same keys, same order, same defaults) and
 * undefined for input it rejects; what it does not understand it refuses, naming it. (That the
 * compiled EvalResponse agrees with zod on many responses: responsesFile.fast.test.ts; the
 * compiled ScoredResponse: fastCheck.replies.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as z from 'zod';
import { compileObjectCheck, MAX_OPTIONAL } from '../../src/core/fastCheck';
import { EvalResponse } from '../../src/core/schemas';
import * as zm from '../../src/core/zod';

/**
 * Checks every input against zod (a schema of either API); returns how many zod accepts. Inputs
 * go through JSON as a file is read, unless `asIs` (keys with the value undefined kept).
 */
function agrees<T>(schema: z.core.$ZodType<T>, inputs: readonly Record<string, unknown>[], asIs = false): number {
  const c = compileObjectCheck(schema);
  let accepted = 0;
  for (const input of inputs) {
    const v = asIs ? input : (JSON.parse(JSON.stringify(input)) as Record<string, unknown>);
    const expected = z.safeParse(schema, v);
    const got = c.parse(v);
    if (expected.success) {
      accepted++;
      assert.deepStrictEqual(got, expected.data, `for ${JSON.stringify(v)}`);
      assert.equal(JSON.stringify(got), JSON.stringify(expected.data), `same keys in the same order for ${JSON.stringify(v)}`);
      assert.deepEqual(Object.keys(got as object), Object.keys(expected.data as object), `same keys, undefined ones too, for ${JSON.stringify(v)}`);
      assert.equal(c.known, Object.keys(v).filter((k) => Object.hasOwn((schema._zod.def as z.core.$ZodObjectDef).shape, k) && v[k] !== undefined).length, `keys counted for ${JSON.stringify(v)}`);
    } else {
      assert.equal(got, undefined, `accepted what zod rejects: ${JSON.stringify(v)} (${expected.error.issues[0]?.message})`);
    }
  }
  return accepted;
}

describe('compileObjectCheck: the schema compiled agrees with zod', () => {
  it('compiles EvalResponse (else every response would go through zod, five times slower)', () => {
    assert.doesNotThrow(() => compileObjectCheck(EvalResponse));
  });

  it('counts string length in code points, as zod does', () => {
    const s = z.object({ s: z.string().min(3) });
    const n = agrees(s, [{ s: 'abc' }, { s: 'ab' }, { s: '😀😀' }, { s: '😀😀😀' }, { s: 'a😀' }, { s: '\ud83d\ud83d\ud83d' }, { s: '' }, { s: 5 }, {}]);
    assert.equal(n, 3);
  });

  it('checks numbers: finite, safe integers, inclusive and exclusive bounds', () => {
    const s = z.object({ i: z.number().int().min(1).max(9), x: z.number().gt(0).lt(1).optional() });
    const n = agrees(s, [{ i: 1 }, { i: 9 }, { i: 0 }, { i: 10 }, { i: 1.5 }, { i: 2 ** 53 }, { i: '1' }, { i: 2, x: 0.5 }, { i: 2, x: 0 }, { i: 2, x: 1 }, { i: 2, x: null }]);
    assert.equal(n, 3);
  });

  it('applies defaults, keeps null and leaves absent optional keys out', () => {
    const s = z.object({ a: z.string().nullish(), b: z.boolean().default(true), c: z.enum(['x', 'y']).default('y'), d: z.literal(7).optional().nullable() });
    const n = agrees(s, [{}, { a: null }, { a: 'q', b: false }, { c: 'x' }, { c: 'z' }, { d: 7 }, { d: null }, { d: 8 }, { b: null }, { e: 1, a: 'q' }]);
    assert.equal(n, 7);
  });

  it('takes the first union option that accepts the value, with unknown keys dropped and refinements run', () => {
    const ref = z.object({ id: z.string().optional(), path: z.string().optional() }).refine((r) => !!(r.id || r.path));
    const s = z.object({ v: z.union([z.string(), z.object({ id: z.string(), extra: z.number().optional() }), ref]) });
    const n = agrees(s, [{ v: 's' }, { v: { id: 'i', extra: 1, more: 2 } }, { v: { id: 5, path: 'p' } }, { v: { id: '' } }, { v: {} }, { v: [] }, { v: null }]);
    assert.equal(n, 3);
  });

  it('reads schemas built with zod/mini, as the file model\'s are, as it reads classic ones', () => {
    const ref = zm.object({ id: zm.optional(zm.string()), path: zm.optional(zm.string()) }).check(zm.refine((r) => !!(r.id || r.path)));
    const s = zm.object({
      i: zm._default(zm.number().check(zm.int(), zm.gte(1), zm.lte(9)), 1),
      s: zm.optional(zm.string().check(zm.minLength(2))),
      e: zm.nullish(zm.enum(['x', 'y'])),
      v: zm.optional(zm.union([zm.string(), zm.null(), ref])),
    });
    const n = agrees(s, [{}, { i: 9, s: 'ab', e: null }, { i: 0 }, { i: 1.5 }, { s: 'a' }, { e: 'z' }, { v: null }, { v: { path: 'p', more: 1 } }, { v: {} }, { v: 3 }, { e: 'y', extra: true }]);
    assert.equal(n, 5);
  });

  it('keeps the unknown keys of a loose object after its own, in the order for…in gives them, "__proto__" left out', () => {
    const s = zm.looseObject({ a: zm.string(), b: zm.nullish(zm.number()), n: zm.nullish(zm.looseObject({ k: zm.string() })) });
    const inputs: Record<string, unknown>[] = [
      { a: 'x' },
      { z: 1, a: 'x', y: [2], b: 3 },
      { b: null, a: 'x', 7: 'seven', 2: 'two', '-1': 'minus one' },
      { a: 'x', n: { q: true, k: 'k' }, constructor: 'c', toString: 't' },
      { a: 'x', n: { q: 1 } },
      { a: 5, z: 1 },
    ];
    assert.equal(agrees(s, inputs), 4);
    assert.equal(agrees(s, [JSON.parse('{"a": "x", "__proto__": {"polluted": 1}, "b": 2}') as Record<string, unknown>], true), 1);
  });

  it('requires a key of z.unknown() to be present, with any value, and keeps what a key present with undefined makes', () => {
    const s = zm.looseObject({ u: zm.unknown(), o: zm.optional(zm.unknown()), n: zm.nullish(zm.string()), d: zm._default(zm.number().check(zm.int()), 1) });
    const inputs: Record<string, unknown>[] = [
      {},
      { u: undefined },
      { u: null, o: undefined },
      { u: { deep: [1] }, o: 0, n: undefined, d: undefined },
      { u: 1, n: null, d: 2, extra: undefined },
      { u: 1, d: 1.5 },
      { o: 1 },
    ];
    assert.equal(agrees(s, inputs, true), 4);
  });

  it('builds objects with many keys that may be absent, whichever are given', () => {
    const keys = 'abcdefghij'.split('');
    assert.ok(keys.length > MAX_OPTIONAL);
    const s = zm.object(Object.fromEntries(keys.map((k) => [k, zm.nullish(zm.string())])));
    const inputs: Record<string, unknown>[] = [];
    for (let mask = 0; mask < 1 << keys.length; mask += 7) inputs.push(Object.fromEntries(keys.filter((_, i) => mask & (1 << i)).map((k, i) => [k, i % 3 ? 'v' : null])));
    inputs.push({ a: 1 }, { j: false });
    assert.equal(agrees(s, inputs), inputs.length - 2);
  });

  it('returns a new object and leaves its input alone', () => {
    const c = compileObjectCheck(z.object({ o: z.object({ k: z.string() }) }));
    const v = { o: { k: 'x', drop: 1 } };
    const r = c.parse(v);
    assert.deepEqual(r, { o: { k: 'x' } });
    assert.notEqual(r?.o, v.o);
    assert.deepEqual(v, { o: { k: 'x', drop: 1 } });
  });
});

describe('compileObjectCheck: refuses what it does not understand, naming it', () => {
  const refused: [string, z.ZodType, RegExp][] = [
    ['a string format', z.object({ e: z.email() }), /string_format/],
    ['a regex', z.object({ e: z.string().regex(/a/) }), /string_format/],
    ['an int32 number', z.object({ n: z.int32() }), /int32/],
    ['an array', z.object({ a: z.array(z.string()) }), /array/],
    ['a strict object', z.strictObject({ a: z.string() }), /rejects or checks unknown keys/],
    ['an object checking its unknown keys', z.object({ a: z.string() }).catchall(z.number()), /rejects or checks unknown keys/],
    ['a transform', z.object({ a: z.string().transform((s) => s.length) }), /pipe/],
    ['a default that changes', z.object({ a: z.number().default(() => Math.random()) }), /default that changes/],
    ['a key of Object.prototype', z.object({ constructor: z.string() }), /"constructor"/],
    ['a coerced value', z.object({ n: z.coerce.number() }), /coerced/],
    ['a discriminated union', z.object({ u: z.discriminatedUnion('t', [z.object({ t: z.literal('a') }), z.object({ t: z.literal('b') })]) }), /discriminated/],
    ['a default made optional (zod may leave the key out or fill it in)', z.object({ a: z.number().default(1).optional() }), /defaulted and writes as optional/],
    ['a top level that is not an object', z.string() as unknown as z.ZodObject, /string at the top level/],
  ];
  for (const [what, schema, reason] of refused) {
    it(what, () => assert.throws(() => compileObjectCheck(schema), reason));
  }
});
