import * as assert from 'node:assert/strict';
import { ReplyBytes } from '../../src/core/replyBytes';

function gather(declared: number | undefined, chunks: Buffer[]): { bytes: Buffer; body: ReplyBytes } {
  const body = new ReplyBytes(declared);
  for (const c of chunks) body.add(c);
  return { bytes: body.bytes(), body };
}

function pieces(total: number, size: number): Buffer[] {
  const all = Buffer.alloc(total);
  for (let i = 0; i < total; i++) all[i] = (i * 31 + 7) & 0xff;
  const out: Buffer[] = [];
  for (let i = 0; i < total; i += size) out.push(all.subarray(i, Math.min(total, i + size)));
  return out;
}

describe('ReplyBytes: a reply body gathered as it arrives', () => {
  it('gives exactly the bytes received, in order, with or without a declared length', () => {
    for (const [total, size] of [[0, 1], [1, 1], [5_000, 7], [3 * 1024 * 1024 + 17, 65_536], [2 * 1024 * 1024, 1024 * 1024]] as const) {
      const chunks = pieces(total, size);
      const want = Buffer.concat(chunks);
      for (const declared of [total, undefined, Number.NaN, total + 1000, Math.max(1, total - 100)]) {
        const { bytes } = gather(declared, chunks);
        assert.ok(bytes.equals(want), `total ${total}, chunks of ${size}, declared ${String(declared)}`);
      }
    }
  });

  it('a body in one chunk of the declared length is kept without a copy', () => {
    const chunk = Buffer.from('{"items":[],"count":0}');
    assert.equal(gather(chunk.length, [chunk]).bytes, chunk);
  });

  it('takes one buffer of the declared size once an eighth has arrived, not before', () => {
    const declared = 64 * 1024 * 1024;
    const body = new ReplyBytes(declared);
    const chunk = Buffer.alloc(65_536, 1);
    // Until an eighth has arrived the buffer only doubles from 1 MB: a server that declares
    // 64 MB and sends 64 kB does not make us hold 64 MB.
    body.add(chunk);
    assert.equal((body as unknown as { buf: Buffer }).buf.length, 1024 * 1024);
    for (let sent = chunk.length; sent < declared / 8; sent += chunk.length) body.add(chunk);
    assert.equal((body as unknown as { buf: Buffer }).buf.length, declared / 8, 'doubled up to an eighth');
    body.add(chunk);
    assert.equal((body as unknown as { buf: Buffer }).buf.length, declared, 'then the whole declared size at once');
    assert.equal(body.length, declared / 8 + chunk.length);
  });
});
