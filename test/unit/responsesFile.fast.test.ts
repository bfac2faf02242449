/**
 * fastEvalResponse is used instead of zod for responses that are plainly valid. It must give
 * exactly what `EvalResponse.safeParse` gives (same keys, same order, same defaults) and must
 * decline (undefined) whenever zod would reject, so that zod words the errors.
 */
import * as assert from 'node:assert/strict';
import { fastEvalResponse } from '../../src/core/responsesFile/validate';
import { EvalResponse } from '../../src/core/schemas';

/** Per field: values zod accepts, then values it rejects. */
const VALID: Record<string, unknown[]> = {
  prompt_uuid: ['q', 'question.13577d10', ' '],
  thread_uuid: [undefined, null, 't', ''],
  turn_number: [undefined, 1, 2, Number.MAX_SAFE_INTEGER],
  continue_thread: [undefined, true, false],
  exclude_from_scoring: [undefined, true, false],
  ai_refused: [undefined, true, false],
  content: [
    undefined,
    null,
    '',
    'text',
    { file_uuid: 'f' },
    { remote_file_path: 'r' },
    { file_uuid: null, remote_file_path: 'r' },
    { remote_file_path: 'r', file_uuid: 'f' },
    { file_uuid: 'f', extra: 1 },
    { file_uuid: '', remote_file_path: 'r' },
  ],
  content_type: [undefined, 'text', 'image', 'video'],
};
const INVALID: Record<string, unknown[]> = {
  prompt_uuid: [undefined, '', 5, null, true, [], {}],
  thread_uuid: [3, false, {}, []],
  turn_number: [0, -1, 1.5, 1e20, Infinity, Number.MAX_SAFE_INTEGER + 1, '1', null, true],
  continue_thread: ['true', 0, 1, null],
  exclude_from_scoring: ['false', 0, null],
  ai_refused: ['yes', 1, null, {}],
  content: [5, true, [], ['a'], {}, { file_uuid: '' }, { file_uuid: null }, { file_uuid: 5 }, { file_uuid: 'f', remote_file_path: 7 }, { remote_file_path: '' }, { file_uuid: '', remote_file_path: null }],
  content_type: ['audio', '', 'TEXT', null, 1],
};
const POOLS: Record<string, unknown[]> = Object.fromEntries(Object.keys(VALID).map((k) => [k, [...VALID[k]!, ...INVALID[k]!]]));
const EXTRAS: string[] = ['', '"local_file_path": "/a.png"', '"__proto__": {"x": 1}', '"constructor": 1', '"Prompt_uuid": "x"'];

/** Builds the object through JSON text, the way a file is read (so keys with undefined values are absent). */
function build(fields: Record<string, unknown>, order: string[], extra: string): Record<string, unknown> {
  const parts = order.filter((k) => fields[k] !== undefined).map((k) => `${JSON.stringify(k)}: ${fields[k] === Infinity ? '1e400' : JSON.stringify(fields[k])}`);
  if (extra) parts.splice(Math.floor(parts.length / 2), 0, extra);
  return JSON.parse(`{${parts.join(', ')}}`) as Record<string, unknown>;
}

function check(v: Record<string, unknown>): void {
  const z = EvalResponse.safeParse(v);
  const fast = fastEvalResponse(v);
  if (z.success) {
    assert.ok(fast, `fast check declined a valid response: ${JSON.stringify(v)}`);
    assert.deepStrictEqual(fast, z.data);
    assert.equal(JSON.stringify(fast), JSON.stringify(z.data), 'same keys in the same order');
  } else {
    assert.equal(fast, undefined, `fast check accepted what zod rejects: ${JSON.stringify(v)} (${z.error.issues[0]?.message})`);
  }
}

describe('fastEvalResponse is EvalResponse.safeParse for valid responses, and declines the rest', () => {
  const keys = Object.keys(POOLS);

  it('varies one field at a time from valid bases', () => {
    const bases: Record<string, unknown>[] = [{ prompt_uuid: 'q' }, { prompt_uuid: 'q', content: 'a', content_type: 'image', thread_uuid: null, turn_number: 3 }];
    let n = 0;
    for (const base of bases) {
      for (const k of keys) {
        for (const value of POOLS[k]!) {
          for (const extra of EXTRAS) {
            check(build({ ...base, [k]: value }, keys, extra));
            n++;
          }
        }
      }
    }
    assert.ok(n > 500);
  });

  it('agrees on 20,000 random responses with shuffled keys', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 12) % n;
    };
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const fields: Record<string, unknown> = {};
      for (const k of keys) {
        // Mostly valid values, so that both outcomes are common.
        const pool = rnd(16) === 0 ? INVALID[k]! : VALID[k]!;
        fields[k] = pool[rnd(pool.length)];
      }
      const order = [...keys];
      for (let j = order.length - 1; j > 0; j--) {
        const r = rnd(j + 1);
        [order[j], order[r]] = [order[r]!, order[j]!];
      }
      const v = build(fields, order, EXTRAS[rnd(EXTRAS.length)]!);
      check(v);
      if (EvalResponse.safeParse(v).success) valid++;
    }
    assert.ok(valid > 2000 && valid < 18_000, `a mix of valid (${valid}) and invalid`);
  });

  it('returns a new object: the parsed input is not reused or changed', () => {
    const v = JSON.parse('{"prompt_uuid": "q", "content": {"file_uuid": "f", "x": 1}, "content_type": "image", "y": 2}') as Record<string, unknown>;
    const before = JSON.stringify(v);
    const r = fastEvalResponse(v);
    assert.ok(r);
    assert.notEqual(r, v);
    assert.notEqual(r.content, v.content);
    assert.equal(JSON.stringify(v), before);
    assert.deepEqual(r.content, { file_uuid: 'f' });
  });
});
