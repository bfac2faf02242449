/**
 * A large reply parsed as it arrives (StreamingReply) must give exactly what parsing the whole
 * reply gives (parseReply: JSON.parse of the UTF-8 text, with the hook on the elements of
 * top-level arrays), however its bytes are cut into chunks, and refuse what JSON.parse refuses.
 */
import * as assert from 'node:assert/strict';
import { parseReply, type ElementHook } from '../../src/core/jsonBody';
import { StreamingReply } from '../../src/core/replyStream';
import { rng } from '../bench/lib/generate';
import { randomJsonValue as randomValue } from './randomJson';

/** A hook that records what it saw and wraps each element, so that its place in the result shows. */
function recorder(): { hook: ElementHook; seen: string[] } {
  const seen: string[] = [];
  return { seen, hook: (key, element, index) => (seen.push(`${key}#${index}`), { key, index, element }) };
}

/** The bytes cut at random places (some one byte long, so that characters and numbers are split). */
function chunks(b: Buffer, next: () => number, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; ) {
    const n = next() < 0.3 ? 1 : 1 + Math.floor(next() * max);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

function outcome(fn: () => unknown): { value?: unknown; threw?: string } {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: e instanceof SyntaxError ? 'SyntaxError' : String(e) };
  }
}

function same(b: Buffer, next: () => number, pieceBytes: number, max: number): void {
  const whole = recorder();
  const want = outcome(() => parseReply(b, whole.hook));
  const streamed = recorder();
  const s = new StreamingReply(streamed.hook, pieceBytes);
  for (const c of chunks(b, next, max)) s.add(c);
  assert.equal(s.length, b.length);
  const got = outcome(() => s.end());
  const at = `${pieceBytes}/${max}: ${b.toString('utf8').slice(0, 120)}`;
  assert.deepEqual(got, want, at);
  if (!want.threw) assert.deepEqual(streamed.seen, whole.seen, at);
}

describe('StreamingReply: a reply parsed as it arrives', () => {
  it('gives what parsing the whole reply gives, for every way of cutting it into chunks', () => {
    const next = rng(20_261_207);
    const texts = [
      '{}',
      ' \n{ "a" : [ ] , "b":[1 , 2,3] }\n',
      '\ufeff{"bom": [1, "x"]}',
      '{"a":1,"b":2,"a":3}',
      '{"__proto__":{"polluted":true},"x":[{"__proto__":1}]}',
      '{"n": -12.5e+3, "t": true, "f": false, "z": null, "s": "a\\"b\\\\", "arr": [-0.5, 1e2, "é", [["deep"]], {"k": []}]}',
      '{"items": [{"content": "富士山 🙂"}, {"content": "\\u00e9\\ud83d\\ude00"}], "count": 2}',
      '[1, 2, 3]',
      '"just a string"',
      '  42  ',
    ];
    for (let i = 0; i < 200; i++) {
      const o: Record<string, unknown> = {};
      for (let k = Math.floor(next() * 4); k > 0; k--) o[`m${k}`] = next() < 0.6 ? Array.from({ length: Math.floor(next() * 40) }, () => randomValue(next)) : randomValue(next);
      texts.push(JSON.stringify(o, null, next() < 0.5 ? 1 : undefined));
    }
    for (const text of texts) {
      const b = Buffer.from(text, 'utf8');
      for (const [piece, max] of [
        [1, 3],
        [16, 7],
        [64, 200],
        [1 << 20, 1 << 16],
      ] as const) {
        same(b, next, piece, max);
      }
    }
  });

  it('refuses what JSON.parse refuses: cut short, trailing text, bad separators, invalid pieces', () => {
    const next = rng(7);
    const bad = [
      '',
      '   ',
      '{',
      '{"a": [1, 2',
      '{"a": [1, 2,]}',
      '{"a": [1 2]}',
      '{"a": 1,}',
      '{"a" 1}',
      '{a: 1}',
      '{"a": 1} x',
      '{"a": 1}{}',
      '{"a": [{"b": }]}',
      '{"a": tru}',
      '{"a": 12',
      '{"a": "unterminated}',
      '{"a": [1], "b": [2, {]}',
      '{"a": [1]]',
    ];
    for (const text of bad) {
      for (const [piece, max] of [
        [1, 2],
        [8, 5],
        [1 << 20, 1 << 16],
      ] as const) {
        const s = new StreamingReply(undefined, piece);
        for (const c of chunks(Buffer.from(text), next, max)) s.add(c);
        assert.throws(() => s.end(), SyntaxError, text);
        assert.throws(() => JSON.parse(text), SyntaxError, text);
      }
    }
  });

  for (const bom of [false, true]) {
    it(`never holds the whole reply: what is read is dropped from its window${bom ? ' (after a byte order mark that came a byte at a time)' : ''}`, () => {
      const element = Buffer.from(JSON.stringify({ content: 'Réponse — ’ok’ '.repeat(40), n: 1 }));
      const s = new StreamingReply(undefined, bom ? 1 : 64 * 1024);
      if (bom) for (const byte of [0xef, 0xbb, 0xbf, 0x20]) s.add(Buffer.from([byte]));
      s.add(Buffer.from('{"items": ['));
      let largest = 0;
      const count = 4000;
      for (let i = 0; i < count; i++) {
        s.add(i ? Buffer.concat([Buffer.from(','), element]) : element);
        largest = Math.max(largest, s.held);
      }
      s.add(Buffer.from('], "count": 4000}'));
      const r = s.end() as { items: unknown[]; count: number };
      assert.equal(r.items.length, count);
      assert.equal(r.count, count);
      assert.ok(s.length > 2_000_000);
      assert.ok(largest < 3 * 64 * 1024, `at most ${largest} bytes held`);
      assert.equal(s.held, 0);
    });
  }
});
